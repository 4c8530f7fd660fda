package mock

import (
	"bufio"
	"bytes"
	_ "embed"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"sync"
)

// Track is the centre line of a stellar stream: points in order along it with
// ICRS ra, dec (degrees), heliocentric distance (kpc) and proper motions
// pmra* = mu_ra cos(dec) and pmdec (mas/yr), as galstreams (Mateu 2023)
// publishes them.
type Track struct {
	Name        string
	RA, Dec     []float64
	Dist        []float64
	PMRA, PMDec []float64
}

// Len returns the number of points of tr.
func (tr *Track) Len() int { return len(tr.RA) }

// Validate reports whether tr can carry a stream: at least two points,
// columns of one length, finite values, positive distances, |dec| <= 90 and
// no two consecutive points at the same position.
func (tr *Track) Validate() error {
	n := len(tr.RA)
	if n < 2 {
		return fmt.Errorf("mock: track %q has %d points, need at least 2", tr.Name, n)
	}
	if len(tr.Dec) != n || len(tr.Dist) != n || len(tr.PMRA) != n || len(tr.PMDec) != n {
		return fmt.Errorf("mock: track %q has columns of different lengths", tr.Name)
	}
	for i := range n {
		for _, v := range []float64{tr.RA[i], tr.Dec[i], tr.Dist[i], tr.PMRA[i], tr.PMDec[i]} {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return fmt.Errorf("mock: track %q point %d is not finite", tr.Name, i)
			}
		}
		if tr.Dist[i] <= 0 || math.Abs(tr.Dec[i]) > 90 {
			return fmt.Errorf("mock: track %q point %d: distance %g kpc, dec %g", tr.Name, i, tr.Dist[i], tr.Dec[i])
		}
		if i > 0 && unitVec(tr.RA[i], tr.Dec[i]) == unitVec(tr.RA[i-1], tr.Dec[i-1]) {
			return fmt.Errorf("mock: track %q points %d and %d coincide", tr.Name, i-1, i)
		}
	}
	return nil
}

// ReadTrack reads a stream track in the astropy ECSV form of galstreams'
// track.st.<Stream>.<ref>.ecsv files: '#'-prefixed YAML header lines, then
// a line of column names and the rows, separated by the header's delimiter
// (a space when the header names none, as ECSV specifies). It needs the
// columns ra, dec [deg], distance [kpc or pc] and pm_ra_cosdec, pm_dec
// [mas / yr] (pmra, pmdec are accepted too); other columns are ignored. The
// units in the header's datatype list are checked, and distances in pc are
// converted to kpc.
func ReadTrack(r io.Reader) (Track, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), 1024*1024)
	delim := ""
	units := map[string]string{}
	var idx [5]int
	var tr Track
	header := false
	line := 0
	distScale := 1.0
	for sc.Scan() {
		line++
		s := sc.Text()
		if strings.HasPrefix(s, "#") {
			h := strings.TrimSpace(strings.TrimPrefix(s, "#"))
			if v, ok := strings.CutPrefix(h, "delimiter:"); ok {
				delim = strings.Trim(strings.TrimSpace(v), `'"`)
				if delim == `\t` {
					delim = "\t"
				}
			}
			if name, unit, ok := ecsvColumnUnit(h); ok {
				units[name] = unit
			}
			continue
		}
		if strings.TrimSpace(s) == "" {
			continue
		}
		f := splitECSV(s, delim)
		if !header {
			header = true
			col := map[string]int{}
			for i, name := range f {
				col[strings.TrimSpace(name)] = i
			}
			for k, names := range [][]string{{"ra"}, {"dec"}, {"distance"}, {"pm_ra_cosdec", "pmra"}, {"pm_dec", "pmdec"}} {
				idx[k] = -1
				for _, n := range names {
					if i, ok := col[n]; ok {
						idx[k] = i
						if err := checkTrackUnit(n, units[n], &distScale); err != nil {
							return Track{}, err
						}
						break
					}
				}
				if idx[k] < 0 {
					return Track{}, fmt.Errorf("mock: track has no column %q", names[0])
				}
			}
			continue
		}
		var v [5]float64
		for k, i := range idx {
			if i >= len(f) {
				return Track{}, fmt.Errorf("mock: track line %d has %d fields", line, len(f))
			}
			x, err := strconv.ParseFloat(strings.TrimSpace(f[i]), 64)
			if err != nil {
				return Track{}, fmt.Errorf("mock: track line %d: %w", line, err)
			}
			v[k] = x
		}
		tr.RA = append(tr.RA, v[0])
		tr.Dec = append(tr.Dec, v[1])
		tr.Dist = append(tr.Dist, v[2]*distScale)
		tr.PMRA = append(tr.PMRA, v[3])
		tr.PMDec = append(tr.PMDec, v[4])
	}
	if err := sc.Err(); err != nil {
		return Track{}, fmt.Errorf("mock: reading track: %w", err)
	}
	if !header {
		return Track{}, errors.New("mock: track has no column header")
	}
	if err := tr.Validate(); err != nil {
		return Track{}, err
	}
	return tr, nil
}

// ecsvColumnUnit parses an ECSV datatype entry such as
// "- {name: distance, unit: kpc, datatype: float64}".
func ecsvColumnUnit(h string) (name, unit string, ok bool) {
	h, ok = strings.CutPrefix(h, "- {")
	if !ok {
		return "", "", false
	}
	h = strings.TrimSuffix(h, "}")
	for _, kv := range strings.Split(h, ",") {
		k, v, found := strings.Cut(kv, ":")
		if !found {
			continue
		}
		switch strings.TrimSpace(k) {
		case "name":
			name = strings.Trim(strings.TrimSpace(v), `'"`)
		case "unit":
			unit = strings.Trim(strings.TrimSpace(v), `'"`)
		}
	}
	return name, unit, name != ""
}

// checkTrackUnit accepts the units galstreams uses (or none, meaning them).
func checkTrackUnit(col, unit string, distScale *float64) error {
	u := strings.ReplaceAll(unit, " ", "")
	switch col {
	case "ra", "dec":
		if u == "" || u == "deg" {
			return nil
		}
	case "distance":
		switch u {
		case "", "kpc":
			return nil
		case "pc":
			*distScale = 1e-3
			return nil
		}
	default:
		if u == "" || u == "mas/yr" {
			return nil
		}
	}
	return fmt.Errorf("mock: track column %s has unit %q", col, unit)
}

// splitECSV splits a data line on delim, or on runs of spaces when delim is
// empty or a space.
func splitECSV(s, delim string) []string {
	if delim == "" || delim == " " {
		return strings.Fields(s)
	}
	return strings.Split(s, delim)
}

//go:embed embedded/gd1_pricewhelan2018_track.ecsv
var gd1TrackECSV []byte

// GD1Track returns the embedded GD-1 track: every 50th point (201 points,
// ra 124 to 219.6 deg, 5.5 to 10.5 kpc) of galstreams'
// track.st.GD-1.pricewhelan2018.ecsv (Price-Whelan & Bonaca 2018;
// embedded/README.md). Each call returns a fresh copy.
func GD1Track() Track {
	gd1TrackOnce.Do(func() {
		tr, err := ReadTrack(bytes.NewReader(gd1TrackECSV))
		if err != nil {
			panic("mock: embedded GD-1 track: " + err.Error())
		}
		tr.Name = "GD-1 (galstreams pricewhelan2018)"
		gd1Track = tr
	})
	tr := gd1Track
	for _, c := range []*[]float64{&tr.RA, &tr.Dec, &tr.Dist, &tr.PMRA, &tr.PMDec} {
		*c = append([]float64(nil), (*c)...)
	}
	return tr
}

var (
	gd1TrackOnce sync.Once
	gd1Track     Track
)

// vec3 is a Cartesian unit vector on the celestial sphere (ICRS).
type vec3 [3]float64

const deg = math.Pi / 180

func unitVec(lon, lat float64) vec3 {
	sl, cl := math.Sincos(lon * deg)
	sb, cb := math.Sincos(lat * deg)
	return vec3{cb * cl, cb * sl, sb}
}

// lonLat returns the direction of v in degrees, lon in [0, 360).
func (v vec3) lonLat() (lon, lat float64) {
	lon = math.Atan2(v[1], v[0]) / deg
	if lon < 0 {
		lon += 360
	}
	if lon >= 360 {
		lon -= 360
	}
	return lon, math.Atan2(v[2], math.Hypot(v[0], v[1])) / deg
}

func (v vec3) dot(w vec3) float64 { return v[0]*w[0] + v[1]*w[1] + v[2]*w[2] }
func (v vec3) scale(a float64) vec3 {
	return vec3{a * v[0], a * v[1], a * v[2]}
}
func (v vec3) add(w vec3) vec3 { return vec3{v[0] + w[0], v[1] + w[1], v[2] + w[2]} }
func (v vec3) sub(w vec3) vec3 { return vec3{v[0] - w[0], v[1] - w[1], v[2] - w[2]} }
func (v vec3) cross(w vec3) vec3 {
	return vec3{v[1]*w[2] - v[2]*w[1], v[2]*w[0] - v[0]*w[2], v[0]*w[1] - v[1]*w[0]}
}
func (v vec3) unit() vec3 { return v.scale(1 / math.Sqrt(v.dot(v))) }

// angle returns the angle between unit vectors v and w in radians, accurate
// for small angles.
func (v vec3) angle(w vec3) float64 {
	return math.Atan2(math.Sqrt(v.cross(w).dot(v.cross(w))), v.dot(w))
}

// trackPath is a Track prepared for sampling by arc length: great-circle
// arcs between consecutive points, quantities linear along each arc.
type trackPath struct {
	tr     *Track
	p      []vec3
	cum    []float64 // arc length from the first point to point k, radians
	maxArc float64   // longest arc between consecutive points, radians
}

func newTrackPath(tr *Track) *trackPath {
	n := tr.Len()
	tp := &trackPath{tr: tr, p: make([]vec3, n), cum: make([]float64, n)}
	for k := range n {
		tp.p[k] = unitVec(tr.RA[k], tr.Dec[k])
		if k > 0 {
			a := tp.p[k-1].angle(tp.p[k])
			tp.cum[k] = tp.cum[k-1] + a
			tp.maxArc = max(tp.maxArc, a)
		}
	}
	return tp
}

// length returns the angular length of the track in radians.
func (tp *trackPath) length() float64 { return tp.cum[len(tp.cum)-1] }

// at returns the point at arc length s (radians from the first point): its
// direction, the unit tangent there (towards increasing s), and the
// interpolated distance and proper motions.
func (tp *trackPath) at(s float64) (pos, tangent vec3, dist, pmra, pmdec float64) {
	n := len(tp.cum)
	// Binary search for the arc k with cum[k] <= s < cum[k+1].
	lo, hi := 0, n-1
	for hi-lo > 1 {
		mid := (lo + hi) / 2
		if tp.cum[mid] <= s {
			lo = mid
		} else {
			hi = mid
		}
	}
	k := lo
	a, b := tp.p[k], tp.p[k+1]
	theta := tp.cum[k+1] - tp.cum[k]
	f := min(max((s-tp.cum[k])/theta, 0), 1)
	sa, sb := math.Sin((1-f)*theta), math.Sin(f*theta)
	st := math.Sin(theta)
	pos = a.scale(sa / st).add(b.scale(sb / st)).unit()
	d := b.sub(a)
	tangent = d.sub(pos.scale(d.dot(pos))).unit()
	tr := tp.tr
	lerp := func(c []float64) float64 { return c[k] + f*(c[k+1]-c[k]) }
	return pos, tangent, lerp(tr.Dist), lerp(tr.PMRA), lerp(tr.PMDec)
}
