package hist

// Hist1D is a histogram of n equal bins over [Lo, Hi). Its fields are
// exported so that Beam can encode it; make one with NewHist1D and change it
// only through its methods.
type Hist1D struct {
	Lo, Hi      float64   // the range, in the units of x
	Counts      []float64 // sum of weights per bin, len n
	Under, Over float64   // sum of weights of x < Lo and of x >= Hi
	NaN         float64   // sum of weights of x = NaN
	BadWeight   int64     // entries whose weight was NaN or infinite (added nowhere)
	Entries     int64     // calls to Add
}

// NewHist1D returns an empty histogram of n bins over [lo, hi). It panics
// if n < 1 or if lo < hi are not both finite.
func NewHist1D(lo, hi float64, n int) *Hist1D {
	checkAxis("Hist1D", lo, hi, n)
	return &Hist1D{Lo: lo, Hi: hi, Counts: make([]float64, n)}
}

func (h *Hist1D) axis() axis { return axis{h.Lo, h.Hi, len(h.Counts)} }

// N returns the number of bins.
func (h *Hist1D) N() int { return len(h.Counts) }

// Add adds weight w at x (see the package doc for where it goes).
func (h *Hist1D) Add(x, w float64) {
	h.Entries++
	if !goodWeight(w) {
		h.BadWeight++
		return
	}
	switch k := h.axis().bin(x); {
	case k == -2:
		h.NaN += w
	case k == -1:
		h.Under += w
	case k == len(h.Counts):
		h.Over += w
	default:
		h.Counts[k] += w
	}
}

// Fill adds each x[i] with weight w[i], or with weight 1 if w is nil. It
// panics if w is not nil and differs from x in length.
func (h *Hist1D) Fill(x, w []float64) {
	if w != nil && len(w) != len(x) {
		panic("hist: Hist1D.Fill: x and w differ in length")
	}
	for i, v := range x {
		wi := 1.0
		if w != nil {
			wi = w[i]
		}
		h.Add(v, wi)
	}
}

// Bin returns the bin index of x, or -1 if x is outside [Lo, Hi) or NaN.
func (h *Hist1D) Bin(x float64) int {
	k := h.axis().bin(x)
	if k < 0 || k >= len(h.Counts) {
		return -1
	}
	return k
}

// Edges returns the n+1 bin edges, Lo first and Hi last.
func (h *Hist1D) Edges() []float64 { return h.axis().edges() }

// Centres returns the n bin centres.
func (h *Hist1D) Centres() []float64 { return h.axis().centres() }

// Width returns the bin width (Hi - Lo)/n.
func (h *Hist1D) Width() float64 { return (h.Hi - h.Lo) / float64(len(h.Counts)) }

// Sum returns the sum of weights in the bins (not under/overflow or NaN).
func (h *Hist1D) Sum() float64 {
	var s float64
	for _, v := range h.Counts {
		s += v
	}
	return s
}

// Total returns the sum of all weights added: bins, under/overflow and NaN.
func (h *Hist1D) Total() float64 { return h.Sum() + h.Under + h.Over + h.NaN }

// Density returns the counts divided by Sum() and the bin width, so that it
// integrates to 1 over [Lo, Hi); all zeros if Sum() is 0.
func (h *Hist1D) Density() []float64 {
	d := make([]float64, len(h.Counts))
	s := h.Sum()
	if s == 0 {
		return d
	}
	norm := 1 / (s * h.Width())
	for i, v := range h.Counts {
		d[i] = v * norm
	}
	return d
}

// SameBinning reports whether h and o have the same range and number of bins.
func (h *Hist1D) SameBinning(o *Hist1D) bool {
	return h.Lo == o.Lo && h.Hi == o.Hi && len(h.Counts) == len(o.Counts)
}

// Merge adds o into h. If h is the zero Hist1D (no bins) it becomes a copy
// of o. It panics if both have bins and their binnings differ.
func (h *Hist1D) Merge(o *Hist1D) {
	if len(h.Counts) == 0 && h.Entries == 0 {
		*h = *o.Clone()
		return
	}
	if len(o.Counts) == 0 && o.Entries == 0 {
		return
	}
	if !h.SameBinning(o) {
		panic("hist: Hist1D.Merge: different binning")
	}
	addInto(h.Counts, o.Counts)
	h.Under += o.Under
	h.Over += o.Over
	h.NaN += o.NaN
	h.BadWeight += o.BadWeight
	h.Entries += o.Entries
}

// Clone returns a deep copy of h.
func (h *Hist1D) Clone() *Hist1D {
	c := *h
	c.Counts = append([]float64(nil), h.Counts...)
	return &c
}

// Reset empties h, keeping its binning.
func (h *Hist1D) Reset() {
	clear(h.Counts)
	h.Under, h.Over, h.NaN, h.BadWeight, h.Entries = 0, 0, 0, 0, 0
}
