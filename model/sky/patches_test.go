package sky

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// publishedPatches returns the nside-6 RING pixels of the 200 published Via
// Machinae patches (testdata/vm_patches.csv, centres rounded to 0.1 deg) and
// of those among them with dusty_cut set, matching each to the pixel centre
// within 0.1 deg.
func publishedPatches(t *testing.T) (all, dusty []int64) {
	t.Helper()
	const tol = 0.1 // degrees: the CSV rounds l, b to 0.1
	for _, r := range readCSV(t, "vm_patches.csv") {
		l, b := num(t, r, "l"), num(t, r, "b")
		pix := RingPixel(6, l, b)
		cl, cb := RingCenter(6, pix)
		if d := Separation(l, b, cl, cb); d > tol {
			t.Fatalf("published patch %s is %.3g deg from the nearest nside-6 centre", r["name"], d)
		}
		all = append(all, pix)
		if r["dusty_cut"] == "True" {
			dusty = append(dusty, pix)
		}
	}
	slices.Sort(all)
	slices.Sort(dusty)
	return all, dusty
}

func pixels(g *Grid) []int64 {
	p := make([]int64, len(g.Patches))
	for i, q := range g.Patches {
		p[i] = q.Pixel
	}
	return p
}

func TestGridAgainstPublished(t *testing.T) {
	published, dusty := publishedPatches(t)
	if len(published) != 200 || len(dusty) != 36 {
		t.Fatalf("published list: %d patches, %d dusty; want 200, 36", len(published), len(dusty))
	}
	// want: vm_patches.csv (hep-lbdl/GaiaCWoLa b6dec3c).
	if got := pixels(NewGrid(GridConfig{Exclude: PublishedExcluded, Avoid: []Cloud{}})); !slices.Equal(got, published) {
		t.Errorf("grid with PublishedExcluded: %v\nwant %v", got, published)
	}
	if !slices.Equal(DustyPatches, dusty) {
		t.Errorf("DustyPatches = %v, want %v", DustyPatches, dusty)
	}
	// The default (overlap with the Magellanic Clouds) keeps the published
	// 200 and two more, pixels 3 and 351, that the authors dropped unexplained.
	def := pixels(NewGrid(GridConfig{}))
	var extra []int64
	for _, p := range def {
		if _, ok := slices.BinarySearch(published, p); !ok {
			extra = append(extra, p)
		}
	}
	if len(def) != 202 || !slices.Equal(extra, []int64{3, 351}) {
		t.Errorf("default grid: %d patches, %v not published; want 202, [3 351]", len(def), extra)
	}
	// Dropping the dusty list as well: 202 - 36.
	if got := NewGrid(GridConfig{DropDusty: true}); len(got.Patches) != 166 {
		t.Errorf("DropDusty: %d patches, want 166", len(got.Patches))
	}
}

// TestGridCloudMargins logs how far each Cloud rule is from changing the
// default grid: the largest centre distance of a dropped patch and the
// smallest of a kept one, per Cloud. want: the rule drops every patch near a
// Cloud that the published list drops (checked in TestGridAgainstPublished).
func TestGridCloudMargins(t *testing.T) {
	published, _ := publishedPatches(t)
	for _, c := range MagellanicClouds {
		others := slices.DeleteFunc(slices.Clone(MagellanicClouds), func(o Cloud) bool { return o.Name == c.Name })
		maxDropped, minKept := 0.0, 180.0
		for pix := range NPix(6) {
			l, b := RingCenter(6, pix)
			if math.Abs(b) <= 30 || pix == 3 || pix == 351 {
				continue
			}
			d := Separation(l, b, c.L, c.B)
			if _, kept := slices.BinarySearch(published, pix); kept {
				minKept = min(minKept, d)
			} else if !overlaps(l, b, PatchRadius, others) {
				maxDropped = max(maxDropped, d)
			}
		}
		t.Logf("%s: dropped patches only it explains are <= %.3f deg away, kept ones >= %.3f: radius in (%.2f, %.2f) reproduces the list",
			c.Name, maxDropped, minKept, maxDropped-PatchRadius, minKept-PatchRadius)
		if r := c.Radius + PatchRadius; r <= maxDropped || r > minKept {
			t.Errorf("%s: radius %v does not separate dropped (%.3f) from kept (%.3f)", c.Name, c.Radius, maxDropped, minKept)
		}
	}
}

func TestGridCentres(t *testing.T) {
	const tol = 1e-9 // degrees; testdata/README.md
	// want: healpy 1.16 pix2ang(6, ipix, lonlat=True) read as Galactic, and
	// astropy 5.2 Galactic(l, b).icrs for (ra, dec).
	rows := readCSV(t, "healpix_nside6_ring_centers_galactic.csv")
	g := NewGrid(GridConfig{MinAbsB: -1, Avoid: []Cloud{}})
	if len(g.Patches) != 432 || len(rows) != 432 {
		t.Fatalf("%d patches and %d rows, want 432", len(g.Patches), len(rows))
	}
	for i, r := range rows {
		p := g.Patches[i]
		if p.Pixel != integer(t, r, "ipix_ring") {
			t.Fatalf("patch %d is pixel %d, want %s", i, p.Pixel, r["ipix_ring"])
		}
		for _, c := range []struct {
			name      string
			got, want float64
		}{
			{"l", p.L, num(t, r, "l_deg")}, {"b", p.B, num(t, r, "b_deg")},
			{"ra", p.RA, num(t, r, "ra_deg")}, {"dec", p.Dec, num(t, r, "dec_deg")},
		} {
			if math.Abs(lonDiff(c.got, c.want)) > tol {
				t.Errorf("pixel %d: %s = %.12g, want %.12g", p.Pixel, c.name, c.got, c.want)
			}
		}
	}
	if n := len(NewGrid(GridConfig{Avoid: []Cloud{}}).Patches); n != 216 {
		t.Errorf("|b| > 30 without exclusions: %d patches, want 216", n)
	}
}

// TestGridContaining compares Containing with Separation on random stars.
// want: the patches whose centre is within 15 deg (Separation, tested
// against spherical geometry in TestSeparation).
func TestGridContaining(t *testing.T) {
	g := NewGrid(GridConfig{})
	rng := rand.New(rand.NewPCG(7, 8))
	var got []int
	counts := map[int]int{}
	for range 20000 {
		ra := 360 * rng.Float64()
		dec := math.Asin(2*rng.Float64()-1) * rad
		got = g.Containing(got, ra, dec)
		var want []int
		for i, p := range g.Patches {
			if Separation(ra, dec, p.RA, p.Dec) <= g.Radius {
				want = append(want, i)
			}
		}
		if !slices.Equal(got, want) {
			t.Fatalf("Containing(%v, %v) = %v, want %v", ra, dec, got, want)
		}
		counts[len(got)]++
	}
	t.Logf("patches per random star: %v", counts)
	for i, p := range g.Patches {
		if got = g.Containing(got, p.RA, p.Dec); !slices.Contains(got, i) {
			t.Errorf("the centre of patch %d (pixel %d) is not in it", i, p.Pixel)
		}
	}
}

// TestGridContainingEdges puts stars just inside and just outside every
// patch's circle, at 72 position angles, and at the poles and the ra wrap.
// want: inside (15 - 1e-7 deg from the centre) holds, outside (15 + 1e-7) does
// not, by construction through the patch frame's inverse (TestFrameGolden).
func TestGridContainingEdges(t *testing.T) {
	g := NewGrid(GridConfig{MinAbsB: -1, Avoid: []Cloud{}})
	var got []int
	for i, p := range g.Patches {
		f := p.Frame()
		for k := range 72 {
			pa := float64(k) * 5 * deg
			for _, c := range []struct {
				r    float64
				want bool
			}{{g.Radius - 1e-7, true}, {g.Radius + 1e-7, false}} {
				// The point at angle c.r from the centre, position angle pa.
				phi, lambda := lonLat(vec{math.Cos(c.r * deg), math.Sin(c.r*deg) * math.Sin(pa), math.Sin(c.r*deg) * math.Cos(pa)})
				ra, dec := f.ToICRS(phi, lambda)
				got = g.Containing(got, ra, dec)
				if slices.Contains(got, i) != c.want {
					t.Fatalf("patch %d, star %v deg from the centre at (%v, %v): in = %v, want %v", p.Pixel, c.r, ra, dec, !c.want, c.want)
				}
				// Any longitude turn gives the same answer.
				for _, turn := range []float64{-360, 360, 720} {
					if again := g.Containing(nil, ra+turn, dec); !slices.Equal(again, got) {
						t.Fatalf("Containing(%v) = %v, Containing(%v) = %v", ra, got, ra+turn, again)
					}
				}
			}
		}
	}
	for _, d := range [][2]float64{{0, 90}, {123, 90}, {0, -90}, {360, 0}, {-1e-300, 10}, {359.9999999, -89.9999}} {
		got = g.Containing(got, d[0], d[1])
		var want []int
		for i, p := range g.Patches {
			if Separation(d[0], d[1], p.RA, p.Dec) <= g.Radius {
				want = append(want, i)
			}
		}
		if !slices.Equal(got, want) {
			t.Errorf("Containing(%v, %v) = %v, want %v", d[0], d[1], got, want)
		}
	}
}

func TestGridPanics(t *testing.T) {
	for name, cfg := range map[string]GridConfig{
		"nside":          {Nside: -1},
		"radius":         {Radius: -1},
		"dusty nside":    {Nside: 8, DropDusty: true},
		"exclude pixel":  {Exclude: []int64{432}},
		"exclude pixel2": {Exclude: []int64{-1}},
	} {
		t.Run(name, func(t *testing.T) {
			defer func() {
				if recover() == nil {
					t.Fatal("no panic")
				}
			}()
			NewGrid(cfg)
		})
	}
}
