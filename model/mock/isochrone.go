package mock

import (
	"bufio"
	"bytes"
	_ "embed"
	"errors"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/gaiaflow/gaiaflow/model/keyrand"
)

// Isochrone is a stellar isochrone in Gaia bands: for each point, the initial
// mass (solar masses, strictly increasing) and the absolute Gaia DR2 G, BP
// and RP magnitudes (Vega), without extinction. Stars are drawn along it with
// a Kroupa (2001) initial mass function, magnitudes interpolated linearly in
// initial mass between points.
type Isochrone struct {
	Name      string
	Mass      []float64
	G, BP, RP []float64
}

// Validate reports whether iso can be sampled: at least two points, columns
// of one length, finite values, masses positive and strictly increasing.
func (iso *Isochrone) Validate() error {
	n := len(iso.Mass)
	if n < 2 {
		return fmt.Errorf("mock: isochrone %q has %d points, need at least 2", iso.Name, n)
	}
	if len(iso.G) != n || len(iso.BP) != n || len(iso.RP) != n {
		return fmt.Errorf("mock: isochrone %q has columns of different lengths", iso.Name)
	}
	for i := range n {
		for _, v := range []float64{iso.Mass[i], iso.G[i], iso.BP[i], iso.RP[i]} {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return fmt.Errorf("mock: isochrone %q point %d is not finite", iso.Name, i)
			}
		}
		if iso.Mass[i] <= 0 || (i > 0 && iso.Mass[i] <= iso.Mass[i-1]) {
			return fmt.Errorf("mock: isochrone %q masses must be positive and increasing (point %d)", iso.Name, i)
		}
	}
	return nil
}

// PS1ToGaia converts Pan-STARRS1 (AB) magnitudes g, r, i of a star into Gaia
// DR2 G, BP, RP (Vega) by two published colour transformations:
//
//  1. PS1 -> Johnson-Cousins V, I_C, Tonry et al. 2012 (ApJ 750, 99), Table 6,
//     quadratic in x = (g - r)_P1:
//     V   = r + 0.005 + 0.462 x + 0.013 x²   (rms 0.012)
//     I_C = i - 0.366 - 0.136 x - 0.018 x²   (rms 0.017)
//  2. Johnson-Cousins -> Gaia DR2, Evans et al. 2018 (A&A 616, A4), Table A.2
//     (also Gaia DR2 documentation §5.3.7, Table 5.7), in y = V - I_C:
//     G    - V = -0.01760 - 0.006860 y - 0.1732 y²                  (σ 0.046)
//     G_BP - V = -0.05204 + 0.4830 y - 0.2000 y² + 0.02186 y³      (σ 0.045)
//     G_RP - V =  0.0002428 - 0.8675 y - 0.02866 y²                (σ 0.045)
//
// Evans et al. give these for -0.3 < V - I_C < 2.7 (their Table A.1); y is
// clamped to that range, so very red M dwarfs and TP-AGB stars and very blue
// stars get the colour terms of the range's end. The combined error is a few
// hundredths of a magnitude for ordinary stars, well below the photometric
// errors of the faint stream stars this is used for.
func PS1ToGaia(g, r, i float64) (G, BP, RP float64) {
	x := g - r
	v := r + 0.005 + x*(0.462+x*0.013)
	ic := i - 0.366 - x*(0.136+x*0.018)
	y := min(max(v-ic, -0.3), 2.7)
	G = v - 0.01760 + y*(-0.006860-y*0.1732)
	BP = v - 0.05204 + y*(0.4830+y*(-0.2000+y*0.02186))
	RP = v + 0.0002428 + y*(-0.8675-y*0.02866)
	return G, BP, RP
}

// mistKeepPhase reports whether a MIST evolutionary phase is kept: main
// sequence (0), red giant branch (2), core helium burning (3), early and
// thermally pulsing AGB (4, 5). Pre-main-sequence (-1) is dropped (it does
// not occur in old isochrones), and so are post-AGB stars and white dwarfs
// (6) and Wolf-Rayet stars (9): remnants are too faint to matter at stream
// distances.
func mistKeepPhase(p float64) bool { return p >= -0.5 && p <= 5.5 }

// ReadMIST reads the first isochrone of a MIST v1.2 ".iso.cmd" file in the
// PanSTARRS photometric system (as written by the MIST web interpolator:
// '#'-prefixed header whose last line names the columns EEP ...
// initial_mass ... PS_g PS_r PS_i ... phase), keeps the phases of
// mistKeepPhase and converts PS1 g, r, i to Gaia with PS1ToGaia.
func ReadMIST(r io.Reader) (*Isochrone, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), 1024*1024)
	var cols map[string]int
	iso := &Isochrone{Name: "MIST"}
	var feh, age string
	line := 0
	for sc.Scan() {
		line++
		s := strings.TrimSpace(sc.Text())
		if s == "" {
			continue
		}
		if strings.HasPrefix(s, "#") {
			f := strings.Fields(strings.TrimPrefix(s, "#"))
			if len(f) > 0 && f[0] == "EEP" {
				if cols != nil {
					break // a second isochrone follows: keep the first
				}
				cols = make(map[string]int, len(f))
				for i, name := range f {
					cols[name] = i
				}
				for _, need := range []string{"initial_mass", "PS_g", "PS_r", "PS_i", "phase"} {
					if _, ok := cols[need]; !ok {
						return nil, fmt.Errorf("mock: MIST file has no column %q (is it the PanSTARRS system?)", need)
					}
				}
			}
			if len(f) == 5 && feh == "" && cols == nil && isNumber(f[2]) {
				feh = f[2] // the "Yinit Zinit [Fe/H] [a/Fe] v/vcrit" values line
			}
			continue
		}
		if cols == nil {
			return nil, fmt.Errorf("mock: MIST line %d: data before the column header", line)
		}
		f := strings.Fields(s)
		if len(f) != len(cols) {
			return nil, fmt.Errorf("mock: MIST line %d has %d fields, header has %d", line, len(f), len(cols))
		}
		var v [5]float64
		for k, name := range []string{"initial_mass", "PS_g", "PS_r", "PS_i", "phase"} {
			x, err := strconv.ParseFloat(f[cols[name]], 64)
			if err != nil {
				return nil, fmt.Errorf("mock: MIST line %d column %s: %w", line, name, err)
			}
			v[k] = x
		}
		if age == "" {
			if k, ok := cols["isochrone_age_yr"]; ok {
				if a, err := strconv.ParseFloat(f[k], 64); err == nil {
					age = strconv.FormatFloat(a/1e9, 'g', 4, 64) + " Gyr"
				}
			}
		}
		if !mistKeepPhase(v[4]) {
			continue
		}
		G, BP, RP := PS1ToGaia(v[1], v[2], v[3])
		iso.Mass = append(iso.Mass, v[0])
		iso.G = append(iso.G, G)
		iso.BP = append(iso.BP, BP)
		iso.RP = append(iso.RP, RP)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("mock: reading MIST file: %w", err)
	}
	if cols == nil {
		return nil, errors.New("mock: MIST file has no column header")
	}
	if feh != "" || age != "" {
		iso.Name = fmt.Sprintf("MIST [Fe/H]=%s %s", feh, age)
	}
	if err := iso.Validate(); err != nil {
		return nil, err
	}
	return iso, nil
}

func isNumber(s string) bool {
	_, err := strconv.ParseFloat(s, 64)
	return err == nil
}

//go:embed embedded/mist_gd1_gaiadr2.csv
var mistGD1CSV []byte

// GD1Isochrone returns the embedded old, metal-poor isochrone of the mock's
// streams and halo: MIST v1.2, [Fe/H] = -1.35, 12 Gyr, v/vcrit = 0.4 (the
// isochrone of the GD-1 analysis in AllenDowney/AstronomicalData), phases
// main sequence to TP-AGB, converted from PS1 to Gaia DR2 with PS1ToGaia
// (embedded/README.md). The returned value is shared: do not modify it.
func GD1Isochrone() *Isochrone {
	gd1IsoOnce.Do(func() {
		iso, err := readIsochroneCSV(bytes.NewReader(mistGD1CSV))
		if err != nil {
			panic("mock: embedded isochrone: " + err.Error())
		}
		iso.Name = "MIST v1.2 [Fe/H]=-1.35 12 Gyr (GD-1)"
		gd1Iso = iso
	})
	return gd1Iso
}

var (
	gd1IsoOnce sync.Once
	gd1Iso     *Isochrone
)

// readIsochroneCSV reads the embedded table: '#' comment lines, a header
// "initial_mass,G,BP,RP", then rows.
func readIsochroneCSV(r io.Reader) (*Isochrone, error) {
	sc := bufio.NewScanner(r)
	iso := &Isochrone{}
	header := false
	for sc.Scan() {
		s := strings.TrimSpace(sc.Text())
		if s == "" || strings.HasPrefix(s, "#") {
			continue
		}
		f := strings.Split(s, ",")
		if !header {
			if s != "initial_mass,G,BP,RP" {
				return nil, fmt.Errorf("isochrone table header %q", s)
			}
			header = true
			continue
		}
		if len(f) != 4 {
			return nil, fmt.Errorf("isochrone table row %q", s)
		}
		var v [4]float64
		for k := range f {
			x, err := strconv.ParseFloat(f[k], 64)
			if err != nil {
				return nil, err
			}
			v[k] = x
		}
		iso.Mass = append(iso.Mass, v[0])
		iso.G = append(iso.G, v[1])
		iso.BP = append(iso.BP, v[2])
		iso.RP = append(iso.RP, v[3])
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	return iso, iso.Validate()
}

// Kroupa (2001) initial mass function, dN/dm ∝ m^-1.3 for 0.08 <= m < 0.5
// and ∝ 0.5 m^-2.3 above (continuous at 0.5 Msun). imfCDF is its integral
// from 0.08 Msun, unnormalised.
const (
	imfLow   = 0.08
	imfBreak = 0.5
)

var imfCDFBreak = (math.Pow(imfLow, -0.3) - math.Pow(imfBreak, -0.3)) / 0.3

func imfCDF(m float64) float64 {
	if m <= imfBreak {
		return (math.Pow(imfLow, -0.3) - math.Pow(m, -0.3)) / 0.3
	}
	return imfCDFBreak + 0.5*(math.Pow(imfBreak, -1.3)-math.Pow(m, -1.3))/1.3
}

func imfInvCDF(c float64) float64 {
	if c <= imfCDFBreak {
		return math.Pow(math.Pow(imfLow, -0.3)-0.3*c, -1/0.3)
	}
	return math.Pow(math.Pow(imfBreak, -1.3)-1.3*(c-imfCDFBreak)/0.5, -1/1.3)
}

// imfSampler draws stars along an isochrone, optionally only those brighter
// than a limit in absolute G. Segment k joins points k and k+1; its weight is
// the IMF number of stars between their masses.
type imfSampler struct {
	iso    *Isochrone
	cdf    []float64 // imfCDF at each point's mass
	order  []int32   // segments sorted by their brighter end
	gmin   []float64 // brighter-end G of order[j]
	cum    []float64 // cumulative weight over order
	fracM0 float64   // first absolute G of frac
	frac   []float64 // fraction of all stars brighter than fracM0 + j*fracStep
}

const fracStep = 0.01

func newIMFSampler(iso *Isochrone) *imfSampler {
	n := len(iso.Mass)
	s := &imfSampler{iso: iso, cdf: make([]float64, n)}
	for i, m := range iso.Mass {
		s.cdf[i] = imfCDF(m)
	}
	nseg := n - 1
	s.order = make([]int32, nseg)
	for k := range s.order {
		s.order[k] = int32(k)
	}
	segMin := func(k int32) float64 { return min(iso.G[k], iso.G[k+1]) }
	sort.SliceStable(s.order, func(a, b int) bool { return segMin(s.order[a]) < segMin(s.order[b]) })
	s.gmin = make([]float64, nseg)
	s.cum = make([]float64, nseg)
	var c float64
	for j, k := range s.order {
		s.gmin[j] = segMin(k)
		c += s.cdf[k+1] - s.cdf[k]
		s.cum[j] = c
	}
	// Tabulate the fraction of stars brighter than M, exactly for the
	// piecewise-linear isochrone.
	lo, hi := math.Floor(s.gmin[0])-0.5, 0.0
	for _, g := range iso.G {
		hi = max(hi, g)
	}
	hi = math.Ceil(hi) + 0.5
	s.fracM0 = lo
	nf := int((hi-lo)/fracStep) + 1
	s.frac = make([]float64, nf)
	total := s.cum[nseg-1]
	for j := range s.frac {
		s.frac[j] = s.brighterWeight(lo+float64(j)*fracStep) / total
	}
	return s
}

// brighterWeight is the IMF weight of the isochrone stars with G < M.
func (s *imfSampler) brighterWeight(M float64) float64 {
	iso := s.iso
	var w float64
	for k := 0; k+1 < len(iso.Mass); k++ {
		g0, g1 := iso.G[k], iso.G[k+1]
		switch {
		case g0 < M && g1 < M:
			w += s.cdf[k+1] - s.cdf[k]
		case g0 >= M && g1 >= M:
		default:
			t := (M - g0) / (g1 - g0)
			mc := imfCDF(iso.Mass[k] + t*(iso.Mass[k+1]-iso.Mass[k]))
			if g0 < M {
				w += mc - s.cdf[k]
			} else {
				w += s.cdf[k+1] - mc
			}
		}
	}
	return w
}

// fractionBrighter returns the fraction of the isochrone's stars (by IMF
// number) with absolute G < M, interpolated from a 0.01 mag table.
func (s *imfSampler) fractionBrighter(M float64) float64 {
	x := (M - s.fracM0) / fracStep
	if x <= 0 {
		return s.frac[0]
	}
	j := int(x)
	if j >= len(s.frac)-1 {
		return s.frac[len(s.frac)-1]
	}
	f := x - float64(j)
	return s.frac[j] + f*(s.frac[j+1]-s.frac[j])
}

// sample draws a star with absolute G < maxG (use +Inf for no limit) and
// returns its initial mass and absolute magnitudes. ok is false if the
// isochrone has no star that bright.
func (s *imfSampler) sample(r *rand.Rand, maxG float64) (mass, G, BP, RP float64, ok bool) {
	iso := s.iso
	n := sort.SearchFloat64s(s.gmin, maxG) // segments with a part brighter than maxG
	if n == 0 {
		return 0, 0, 0, 0, false
	}
	for try := 0; ; try++ {
		u := r.Float64() * s.cum[n-1]
		j := sort.SearchFloat64s(s.cum[:n], u)
		if j >= n {
			j = n - 1
		}
		k := s.order[j]
		c := s.cdf[k] + r.Float64()*(s.cdf[k+1]-s.cdf[k])
		m0, m1 := iso.Mass[k], iso.Mass[k+1]
		mass = min(max(imfInvCDF(c), m0), m1)
		t := (mass - m0) / (m1 - m0)
		G = iso.G[k] + t*(iso.G[k+1]-iso.G[k])
		if G < maxG || try >= 1000 {
			if G >= maxG { // only reachable for a limit within 1e-3 of the brightest point
				t = 0
				if iso.G[k+1] < iso.G[k] {
					t = 1
				}
				mass = m0 + t*(m1-m0)
				G = iso.G[k] + t*(iso.G[k+1]-iso.G[k])
			}
			BP = iso.BP[k] + t*(iso.BP[k+1]-iso.BP[k])
			RP = iso.RP[k] + t*(iso.RP[k+1]-iso.RP[k])
			return mass, G, BP, RP, true
		}
	}
}

// samplers caches one imfSampler per distinct isochrone content (building one
// costs a few milliseconds; a Config decoded again on every worker brings new
// pointers to the same isochrone). Keys are fingerprints; a hit is checked
// against the full content.
var samplers sync.Map // uint64 -> *imfSampler

func samplerFor(iso *Isochrone) *imfSampler {
	fp := iso.fingerprint()
	if v, ok := samplers.Load(fp); ok {
		s := v.(*imfSampler)
		if s.iso.equal(iso) {
			return s
		}
		return newIMFSampler(iso.clone())
	}
	v, _ := samplers.LoadOrStore(fp, newIMFSampler(iso.clone()))
	return v.(*imfSampler)
}

func (iso *Isochrone) fingerprint() uint64 {
	h := uint64(len(iso.Mass))
	for _, col := range [][]float64{iso.Mass, iso.G, iso.BP, iso.RP} {
		for _, v := range col {
			h = keyrand.Mix(h ^ math.Float64bits(v))
		}
	}
	return h
}

func (iso *Isochrone) equal(o *Isochrone) bool {
	return slices.Equal(iso.Mass, o.Mass) && slices.Equal(iso.G, o.G) &&
		slices.Equal(iso.BP, o.BP) && slices.Equal(iso.RP, o.RP)
}

func (iso *Isochrone) clone() *Isochrone {
	return &Isochrone{Name: iso.Name, Mass: slices.Clone(iso.Mass), G: slices.Clone(iso.G),
		BP: slices.Clone(iso.BP), RP: slices.Clone(iso.RP)}
}
