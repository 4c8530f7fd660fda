package plot

import (
	"image"
	"math"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// raster is a plot.Plotter that draws an image over a box in data
// coordinates, following the axes' directions (an inverted axis flips it),
// with crisp cells: the image is resampled by nearest neighbour to the
// device's pixels before drawing. Pixel (0, 0) of img is the corner
// (xlo, yhi), as in a picture of the box with y up.
type raster struct {
	img                *image.NRGBA
	xlo, xhi, ylo, yhi float64
}

// gridImage colours the cells of g by s.
func gridImage(g Grid, s scale) *raster {
	img := image.NewNRGBA(image.Rect(0, 0, g.NX, g.NY))
	for iy := 0; iy < g.NY; iy++ {
		row := g.NY - 1 - iy
		for ix := 0; ix < g.NX; ix++ {
			img.SetNRGBA(ix, row, s.colour(g.At(ix, iy)))
		}
	}
	return &raster{img: img, xlo: g.XLo, xhi: g.XHi, ylo: g.YLo, yhi: g.YHi}
}

// Plot implements plot.Plotter.
func (r *raster) Plot(c draw.Canvas, p *plot.Plot) {
	trX, trY := p.Transforms(&c)
	x0, x1 := trX(r.xlo), trX(r.xhi)
	y0, y1 := trY(r.ylo), trY(r.yhi)
	flipX, flipY := x0 > x1, y0 > y1
	if flipX {
		x0, x1 = x1, x0
	}
	if flipY {
		y0, y1 = y1, y0
	}
	// Only the part inside the data area, so a raster larger than the axes'
	// range does not spill over them.
	cx0, cx1 := max(x0, c.Min.X), min(x1, c.Max.X)
	cy0, cy1 := max(y0, c.Min.Y), min(y1, c.Max.Y)
	if !(cx0 < cx1 && cy0 < cy1) {
		return
	}
	dpi := float64(DPI)
	if d, ok := c.Canvas.(interface{ DPI() float64 }); ok {
		dpi = d.DPI()
	}
	pw := max(1, int(math.Round((cx1 - cx0).Dots(dpi))))
	ph := max(1, int(math.Round((cy1 - cy0).Dots(dpi))))
	if pw*ph > 1<<26 { // a vector or huge canvas: draw the cells as they are
		pw, ph = r.img.Rect.Dx(), r.img.Rect.Dy()
	}
	out := image.NewNRGBA(image.Rect(0, 0, pw, ph))
	nx, ny := r.img.Rect.Dx(), r.img.Rect.Dy()
	w, h := float64(x1-x0), float64(y1-y0)
	for py := 0; py < ph; py++ {
		// Device y of the pixel centre (rows go down from cy1).
		dy := float64(cy1-y0) - (float64(py)+0.5)/float64(ph)*float64(cy1-cy0)
		iy := int(float64(ny) * (1 - dy/h)) // image row, 0 at the top (yhi unflipped)
		if flipY {
			iy = ny - 1 - iy
		}
		iy = min(max(iy, 0), ny-1)
		for px := 0; px < pw; px++ {
			dx := float64(cx0-x0) + (float64(px)+0.5)/float64(pw)*float64(cx1-cx0)
			ix := int(float64(nx) * dx / w)
			if flipX {
				ix = nx - 1 - ix
			}
			ix = min(max(ix, 0), nx-1)
			i := r.img.PixOffset(ix, iy)
			copy(out.Pix[out.PixOffset(px, py):], r.img.Pix[i:i+4])
		}
	}
	c.DrawImage(vg.Rectangle{Min: vg.Point{X: cx0, Y: cy0}, Max: vg.Point{X: cx1, Y: cy1}}, out)
}

// DataRange implements plot.DataRanger.
func (r *raster) DataRange() (xmin, xmax, ymin, ymax float64) {
	return r.xlo, r.xhi, r.ylo, r.yhi
}
