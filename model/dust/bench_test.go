package dust

import (
	"math"
	"math/rand/v2"
	"strconv"
	"testing"
)

var sinkResult *Result

// BenchmarkQuery: block queries on a Bayestar19-shaped map (5 samples x 120
// distance moduli, nside 64..1024), stars spread over the whole sky or
// clustered in one HEALPix level-8 partition as Gaia files are.
func BenchmarkQuery(b *testing.B) {
	rng := rand.New(rand.NewPCG(5, 6))
	g := randomGrid(rng, 64, 1024, 5, 120)
	m, err := NewBayestar(g)
	if err != nil {
		b.Fatal(err)
	}
	b.Logf("map: %d pixels", m.Len())
	for _, clustered := range []bool{false, true} {
		for _, n := range []int{256, 4096} {
			name := "sky/" + strconv.Itoa(n)
			if clustered {
				name = "partition/" + strconv.Itoa(n)
			}
			b.Run(name, func(b *testing.B) {
				l, bb, d := make([]float64, n), make([]float64, n), make([]float64, n)
				draw := make([]uint64, n)
				for i := range l {
					if clustered { // a 0.23-deg level-8 pixel near (l, b) = (120, 35)
						l[i], bb[i] = 120+0.2*rng.Float64(), 35+0.2*rng.Float64()
					} else {
						l[i], bb[i] = 360*rng.Float64(), math.Asin(2*rng.Float64()-1)*180/math.Pi
					}
					d[i] = math.Pow(10, 1+4*rng.Float64())
					draw[i] = rng.Uint64()
				}
				r := m.Query(nil, l, bb, d, draw)
				b.ReportAllocs()
				for b.Loop() {
					r = m.Query(r, l, bb, d, draw)
				}
				sinkResult = r
				b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "stars/s")
			})
		}
	}
}
