package stream

import "math"

// Background is a way of estimating the background n_bg of a Hough box.
type Background int

const (
	// BackgroundTiles, the default, is the estimate of the authors' line finder
	// (hep-lbdl/GaiaCWoLa b6dec3c, line_finder): the outer box tiled by
	// Outer x Outer boxes of the inner one's size, and n_bg the mean over
	// the tiles other than the centre of (curves through the tile) / S(tile),
	// times S(centre), S the area of the disk between the tile's two rho
	// edges at fixed theta. Tiles beyond rho = +-RhoMax are left out; in
	// theta they wrap. Tiles share curves with the inner box, so n - n_bg
	// fluctuates less than with the ring: on noise sigma_L is about 40% lower
	// (NoiseQuantiles), and so is a stream's. The paper's cut sigma_tot > 8
	// was set on this scale (see the package documentation), which is why it
	// is the default although the paper's text describes the ring.
	BackgroundTiles Background = iota
	// BackgroundRing is the paper's text (§3.4): "redo the filtering with a
	// larger box (subtracting the curves which also pass through the
	// initial box)", renormalised by the areas of the disk the two regions'
	// lines cover: n_bg = (curves through the outer box but not the inner
	// one) A_in / (A_out - A_in).
	BackgroundRing
)

// grid turns the difference arrays into n, n_bg and sigma_L per bin
// (f.nG, f.bgG, f.sigG).
func (f *Finder) grid() {
	stride := f.nr + 1
	for i := range f.nt {
		rowIn := f.dIn[i*stride : i*stride+f.nr]
		rowOut := f.dOut[i*stride : i*stride+f.nr]
		nG := f.nG[i*f.nr : (i+1)*f.nr]
		bgG := f.bgG[i*f.nr : (i+1)*f.nr]
		var n, k int32
		for j := range rowIn {
			n += rowIn[j]
			nG[j] = n
			if f.tiles {
				continue
			}
			k += rowOut[j] - rowIn[j] // curves through the outer box only
			bgG[j] = float64(k) * f.ratio[j]
			f.sigG[i*f.nr+j] = (float64(n) - bgG[j]) * f.rs[j*f.kw+int(k)]
		}
	}
	if f.tiles {
		f.tileBackground()
	}
}

// tileBackground fills f.bgG and f.sigG from f.nG by BackgroundTiles.
func (f *Finder) tileBackground() {
	nt, nr := f.nt, f.nr
	bt, br := f.cfg.BoxTheta, f.cfg.BoxRho
	h := (f.cfg.Outer - 1) / 2 // tiles on each side of the centre
	for k, n := range f.nG {
		f.gG[k] = float64(n) / f.strip[k%nr]
	}
	// T: per bin, the sum over the rho tiles of its column.
	clear(f.tG)
	for i := range nt {
		g, t := f.gG[i*nr:(i+1)*nr], f.tG[i*nr:(i+1)*nr]
		for b := -h; b <= h; b++ {
			off := b * br
			for j := max(0, -off); j < min(nr, nr-off); j++ {
				t[j] += g[j+off]
			}
		}
	}
	for i := range nt {
		bg := f.bgG[i*nr : (i+1)*nr]
		clear(bg)
		for a := -h; a <= h; a++ {
			// Theta wraps with rho -> -rho: bin j <-> nr - 1 - j.
			ii, flip := i+a*bt, false
			for ii < 0 {
				ii, flip = ii+nt, !flip
			}
			for ii >= nt {
				ii, flip = ii-nt, !flip
			}
			t := f.tG[ii*nr : (ii+1)*nr]
			if flip {
				for j := range bg {
					bg[j] += t[nr-1-j]
				}
			} else {
				for j := range bg {
					bg[j] += t[j]
				}
			}
		}
		g, n, sig := f.gG[i*nr:(i+1)*nr], f.nG[i*nr:(i+1)*nr], f.sigG[i*nr:(i+1)*nr]
		for j := range bg {
			b := (bg[j] - g[j]) * f.tileScale[j]
			bg[j] = b
			sig[j] = (float64(n[j]) - b) / math.Sqrt(math.Max(b, f.cfg.MinBackground))
		}
	}
}
