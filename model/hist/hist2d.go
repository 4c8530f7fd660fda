package hist

// Hist2D is a histogram of NX × NY equal bins over [XLo, XHi) × [YLo, YHi),
// stored row-major with x fastest: the bin (ix, iy) is Counts[iy*NX + ix].
// Its fields are exported so that Beam can encode it; make one with
// NewHist2D and change it only through its methods.
//
// A point outside the box adds its weight once to Outside, and also to each
// margin it lies beyond (XUnder or XOver, YUnder or YOver), so a point beyond
// a corner counts in two margins; the margins say which way a plot's range
// is too small.
type Hist2D struct {
	XLo, XHi, YLo, YHi float64   // the box, in the units of x and y
	NX, NY             int       // bins per axis
	Counts             []float64 // sum of weights per bin, len NX*NY
	Outside            float64   // sum of weights of points outside the box (not NaN)
	XUnder, XOver      float64   // sum of weights of points with x < XLo, x >= XHi (y not NaN)
	YUnder, YOver      float64   // sum of weights of points with y < YLo, y >= YHi (x not NaN)
	NaN                float64   // sum of weights of points with x or y NaN
	BadWeight          int64     // entries whose weight was NaN or infinite (added nowhere)
	Entries            int64     // calls to Add
}

// NewHist2D returns an empty histogram of nx × ny bins over
// [xlo, xhi) × [ylo, yhi). It panics if nx or ny < 1 or if a range is empty,
// NaN or infinite.
func NewHist2D(xlo, xhi float64, nx int, ylo, yhi float64, ny int) *Hist2D {
	checkAxis("Hist2D x", xlo, xhi, nx)
	checkAxis("Hist2D y", ylo, yhi, ny)
	return &Hist2D{XLo: xlo, XHi: xhi, YLo: ylo, YHi: yhi, NX: nx, NY: ny,
		Counts: make([]float64, nx*ny)}
}

func (h *Hist2D) xaxis() axis { return axis{h.XLo, h.XHi, h.NX} }
func (h *Hist2D) yaxis() axis { return axis{h.YLo, h.YHi, h.NY} }

// Add adds weight w at (x, y) (see Hist2D and the package doc for where it
// goes).
func (h *Hist2D) Add(x, y, w float64) {
	h.Entries++
	if !goodWeight(w) {
		h.BadWeight++
		return
	}
	ix, iy := h.xaxis().bin(x), h.yaxis().bin(y)
	if ix == -2 || iy == -2 {
		h.NaN += w
		return
	}
	in := true
	switch ix {
	case -1:
		h.XUnder += w
		in = false
	case h.NX:
		h.XOver += w
		in = false
	}
	switch iy {
	case -1:
		h.YUnder += w
		in = false
	case h.NY:
		h.YOver += w
		in = false
	}
	if !in {
		h.Outside += w
		return
	}
	h.Counts[iy*h.NX+ix] += w
}

// Fill adds each (x[i], y[i]) with weight w[i], or with weight 1 if w is
// nil. It panics if the lengths differ.
func (h *Hist2D) Fill(x, y, w []float64) {
	if len(y) != len(x) || (w != nil && len(w) != len(x)) {
		panic("hist: Hist2D.Fill: x, y and w differ in length")
	}
	for i := range x {
		wi := 1.0
		if w != nil {
			wi = w[i]
		}
		h.Add(x[i], y[i], wi)
	}
}

// Bin returns the bin of (x, y), and ok = false if the point is outside the
// box or NaN.
func (h *Hist2D) Bin(x, y float64) (ix, iy int, ok bool) {
	ix, iy = h.xaxis().bin(x), h.yaxis().bin(y)
	if ix < 0 || ix >= h.NX || iy < 0 || iy >= h.NY {
		return -1, -1, false
	}
	return ix, iy, true
}

// At returns the count of bin (ix, iy). It panics if the bin is out of range.
func (h *Hist2D) At(ix, iy int) float64 {
	if ix < 0 || ix >= h.NX || iy < 0 || iy >= h.NY {
		panic("hist: Hist2D.At: bin out of range")
	}
	return h.Counts[iy*h.NX+ix]
}

// XEdges returns the NX+1 bin edges along x.
func (h *Hist2D) XEdges() []float64 { return h.xaxis().edges() }

// YEdges returns the NY+1 bin edges along y.
func (h *Hist2D) YEdges() []float64 { return h.yaxis().edges() }

// XCentres returns the NX bin centres along x.
func (h *Hist2D) XCentres() []float64 { return h.xaxis().centres() }

// YCentres returns the NY bin centres along y.
func (h *Hist2D) YCentres() []float64 { return h.yaxis().centres() }

// XWidth returns the bin width along x, (XHi - XLo)/NX.
func (h *Hist2D) XWidth() float64 { return (h.XHi - h.XLo) / float64(h.NX) }

// YWidth returns the bin width along y, (YHi - YLo)/NY.
func (h *Hist2D) YWidth() float64 { return (h.YHi - h.YLo) / float64(h.NY) }

// Sum returns the sum of weights in the bins (not Outside or NaN).
func (h *Hist2D) Sum() float64 {
	var s float64
	for _, v := range h.Counts {
		s += v
	}
	return s
}

// Total returns the sum of all weights added: bins, Outside and NaN.
func (h *Hist2D) Total() float64 { return h.Sum() + h.Outside + h.NaN }

// Density returns the counts divided by Sum() and the bin area, row-major
// as Counts, so that it integrates to 1 over the box; all zeros if Sum() is 0.
func (h *Hist2D) Density() []float64 {
	d := make([]float64, len(h.Counts))
	s := h.Sum()
	if s == 0 {
		return d
	}
	norm := 1 / (s * h.XWidth() * h.YWidth())
	for i, v := range h.Counts {
		d[i] = v * norm
	}
	return d
}

// SameBinning reports whether h and o have the same box and bin counts.
func (h *Hist2D) SameBinning(o *Hist2D) bool {
	return h.XLo == o.XLo && h.XHi == o.XHi && h.NX == o.NX &&
		h.YLo == o.YLo && h.YHi == o.YHi && h.NY == o.NY
}

func (h *Hist2D) isZero() bool { return h.NX == 0 && h.NY == 0 && h.Entries == 0 }

// Merge adds o into h. If h is the zero Hist2D (no bins) it becomes a copy
// of o. It panics if both have bins and their binnings differ.
func (h *Hist2D) Merge(o *Hist2D) {
	if h.isZero() {
		*h = *o.Clone()
		return
	}
	if o.isZero() {
		return
	}
	if !h.SameBinning(o) || len(h.Counts) != len(o.Counts) {
		panic("hist: Hist2D.Merge: different binning")
	}
	addInto(h.Counts, o.Counts)
	h.Outside += o.Outside
	h.XUnder += o.XUnder
	h.XOver += o.XOver
	h.YUnder += o.YUnder
	h.YOver += o.YOver
	h.NaN += o.NaN
	h.BadWeight += o.BadWeight
	h.Entries += o.Entries
}

// Clone returns a deep copy of h.
func (h *Hist2D) Clone() *Hist2D {
	c := *h
	c.Counts = append([]float64(nil), h.Counts...)
	return &c
}

// Reset empties h, keeping its binning.
func (h *Hist2D) Reset() {
	clear(h.Counts)
	h.Outside, h.XUnder, h.XOver, h.YUnder, h.YOver, h.NaN = 0, 0, 0, 0, 0, 0
	h.BadWeight, h.Entries = 0, 0
}
