package mock

import (
	"bufio"
	"errors"
	"math"
	"os"
	"strings"
	"testing"

	"github.com/gaiaflow/gaiaflow/model/dust"
	"github.com/gaiaflow/gaiaflow/model/sky"
)

func TestGD1Track(t *testing.T) {
	tr := GD1Track()
	if tr.Len() != 201 {
		t.Fatalf("embedded GD-1 track has %d points, want 201", tr.Len())
	}
	// want: the first and last rows of galstreams
	// track.st.GD-1.pricewhelan2018.ecsv (rows 1 and 9981 of 9981).
	first := [5]float64{124.06463770069882, -7.970772979642348, 5.508347580561652, -2.383498192566865, -7.856483793044395}
	last := [5]float64{219.5622271248329, 58.205264182117816, 10.498741139672248, -8.445978981688818, -1.3661780520089915}
	n := tr.Len() - 1
	if got := [5]float64{tr.RA[0], tr.Dec[0], tr.Dist[0], tr.PMRA[0], tr.PMDec[0]}; got != first {
		t.Errorf("first point %v, want %v", got, first)
	}
	if got := [5]float64{tr.RA[n], tr.Dec[n], tr.Dist[n], tr.PMRA[n], tr.PMDec[n]}; got != last {
		t.Errorf("last point %v, want %v", got, last)
	}
	// The galstreams track is about 100 deg long (PWB18: phi1 from -100 to 20).
	tp := newTrackPath(&tr)
	if L := tp.length() / deg; L < 95 || L > 125 {
		t.Errorf("track length %.1f deg", L)
	}
	// GD1Track returns copies.
	tr.RA[0] = 0
	if GD1Track().RA[0] != first[0] {
		t.Error("GD1Track shares its slices")
	}
}

// TestGD1TrackSubsample checks the embedded file against the full galstreams
// track when the shared data folder is present.
func TestGD1TrackSubsample(t *testing.T) {
	f, err := os.Open("../../../shared/data/galstreams/track.st.GD-1.pricewhelan2018.ecsv")
	if err != nil {
		t.Skip("shared data not present:", err)
	}
	defer f.Close()
	full, err := ReadTrack(f)
	if err != nil {
		t.Fatal(err)
	}
	emb := GD1Track()
	for k := range emb.Len() {
		i := 50 * k
		if k == emb.Len()-1 {
			i = full.Len() - 1
		}
		if emb.RA[k] != full.RA[i] || emb.Dec[k] != full.Dec[i] || emb.Dist[k] != full.Dist[i] ||
			emb.PMRA[k] != full.PMRA[i] || emb.PMDec[k] != full.PMDec[i] {
			t.Fatalf("embedded point %d differs from galstreams row %d", k, i)
		}
	}
}

func TestReadTrack(t *testing.T) {
	// Space-delimited ECSV (no delimiter line), distance in pc, extra column,
	// pmra/pmdec names.
	src := `# %ECSV 1.0
# ---
# datatype:
# - {name: ra, unit: deg, datatype: float64}
# - {name: dec, unit: deg, datatype: float64}
# - {name: distance, unit: pc, datatype: float64}
# - {name: pmra, unit: mas / yr, datatype: float64}
# - {name: pmdec, unit: mas / yr, datatype: float64}
# - {name: phi1, unit: deg, datatype: float64}
ra dec distance pmra pmdec phi1
10 20 8000 1 2 0
11 21 8500 1.5 2.5 1
`
	tr, err := ReadTrack(strings.NewReader(src))
	if err != nil {
		t.Fatal(err)
	}
	if tr.Len() != 2 || tr.Dist[1] != 8.5 || tr.PMRA[1] != 1.5 || tr.Dec[0] != 20 {
		t.Errorf("read %+v", tr)
	}
	bad := map[string]string{
		"no distance":    "# delimiter: ','\nra,dec,pm_ra_cosdec,pm_dec\n1,2,3,4\n5,6,7,8\n",
		"bad unit":       "# - {name: distance, unit: lyr, datatype: float64}\nra dec distance pmra pmdec\n1 2 3 4 5\n2 3 4 5 6\n",
		"bad number":     "ra dec distance pmra pmdec\n1 2 x 4 5\n2 3 4 5 6\n",
		"short row":      "ra dec distance pmra pmdec\n1 2 3\n",
		"one point":      "ra dec distance pmra pmdec\n1 2 3 4 5\n",
		"repeated point": "ra dec distance pmra pmdec\n1 2 3 4 5\n1 2 3 4 5\n",
		"no header":      "# just a comment\n",
		"negative dist":  "ra dec distance pmra pmdec\n1 2 -3 4 5\n2 3 4 5 6\n",
	}
	for name, s := range bad {
		if _, err := ReadTrack(strings.NewReader(s)); err == nil {
			t.Errorf("%s: ReadTrack succeeded", name)
		}
	}
}

// TestTrackPath checks interpolation along great circles: midpoints of arcs
// are equidistant (sky.Separation) from both ends, the tangent is
// perpendicular to the position, and quantities are linear in arc length.
func TestTrackPath(t *testing.T) {
	tr := shortTrack()
	tp := newTrackPath(&tr)
	want := sky.Separation(350, -20, 0, -15) + sky.Separation(0, -15, 10, -12)
	if got := tp.length() / deg; math.Abs(got-want) > 1e-9 {
		t.Errorf("length %.12f deg, want %.12f", got, want)
	}
	half := sky.Separation(350, -20, 0, -15) * deg / 2
	pos, tan, d, pmra, _ := tp.at(half)
	ra, dec := pos.lonLat()
	if a, b := sky.Separation(ra, dec, 350, -20), sky.Separation(ra, dec, 0, -15); math.Abs(a-b) > 1e-9 {
		t.Errorf("midpoint %v, %v is %v and %v from the ends", ra, dec, a, b)
	}
	if math.Abs(pos.dot(tan)) > 1e-12 || math.Abs(tan.dot(tan)-1) > 1e-12 {
		t.Errorf("tangent %v not a unit vector perpendicular to %v", tan, pos)
	}
	if math.Abs(d-20.5) > 1e-12 || math.Abs(pmra-1.05) > 1e-12 {
		t.Errorf("midpoint distance %v pmra %v, want 20.5, 1.05", d, pmra)
	}
	// Ends.
	if p, _, d, _, _ := tp.at(0); math.Abs(d-20) > 1e-12 || p.angle(unitVec(350, -20)) > 1e-12 {
		t.Errorf("start %v %v", p, d)
	}
	if p, _, d, _, _ := tp.at(tp.length()); math.Abs(d-22) > 1e-12 || p.angle(unitVec(10, -12)) > 1e-12 {
		t.Errorf("end %v %v", p, d)
	}
}

// TestEmbeddedReadme: the provenance notes name the sources of both
// embedded files.
func TestEmbeddedReadme(t *testing.T) {
	f, err := os.Open("embedded/README.md")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var text strings.Builder
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		text.WriteString(sc.Text() + "\n")
	}
	for _, s := range []string{"a4f0687e338a180759e3c53b76b2a9c676f44db5", "5f3125fec686c1aa199c374135010e2595ba56ed",
		"mist_gd1_gaiadr2.csv", "gd1_pricewhelan2018_track.ecsv", "MIT", "BSD-3-Clause"} {
		if !strings.Contains(text.String(), s) {
			t.Errorf("embedded/README.md does not mention %q", s)
		}
	}
}

// TestInvisibleStreamIsRefused: a stream so far away that none of its
// isochrone's stars is brighter than the magnitude limit is a configuration
// error naming the stream, not an endless search for a visible place.
func TestInvisibleStreamIsRefused(t *testing.T) {
	s := GD1Stream(10)
	tr := s.Track
	tr.Dist = append([]float64(nil), tr.Dist...)
	for i := range tr.Dist {
		tr.Dist[i] *= 100 // about 1 Mpc
	}
	s.Track = tr
	_, err := Shards(Config{Seed: 1, Stars: 100, Streams: []Stream{s}})
	if !errors.Is(err, ErrConfig) || !strings.Contains(err.Error(), "GD-1") {
		t.Fatalf("got %v, want a configuration error naming the stream", err)
	}
}

// TestPal5HiddenByTheDefaultDust: Pal 5 (the galstreams track, 19-22 kpc)
// under the default dust map, whose reddening grows without limit along a
// sight line near its centre, has no visible star: a configuration error;
// on a dust-free sky its stars are placed.
func TestPal5HiddenByTheDefaultDust(t *testing.T) {
	f, err := os.Open("testdata/track.st.Pal5.pricewhelan2019.ecsv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	tr, err := ReadTrack(f)
	if err != nil {
		t.Fatal(err)
	}
	s := Stream{Name: "Pal5", Track: tr, N: 50}
	if _, err := Shards(Config{Seed: 1, Stars: 100, Streams: []Stream{s}}); !errors.Is(err, ErrConfig) {
		t.Errorf("default dust: %v, want a configuration error", err)
	}
	sh, err := Shards(Config{Seed: 1, Stars: 100, Streams: []Stream{s}, Dust: &dust.Gaussian{}})
	if err != nil {
		t.Fatal(err)
	}
	var n int64
	for _, x := range sh {
		n += x.Stream
	}
	if n != 50 {
		t.Errorf("%d stream stars placed, want 50", n)
	}
}
