package flow

import "math"

// adam is the Adam optimiser (Kingma & Ba 2015) exactly as PyTorch 1.13's
// torch.optim.Adam computes it, with L2 weight decay added to the gradient
// (PyTorch's weight_decay, not AdamW).
type adam struct {
	lr, beta1, beta2, eps, decay float64
	t                            int
	m, v                         []float64
}

func newAdam(n int, lr, beta1, beta2, eps, decay float64) *adam {
	return &adam{lr: lr, beta1: beta1, beta2: beta2, eps: eps, decay: decay,
		m: make([]float64, n), v: make([]float64, n)}
}

// step updates p in place from the gradient g.
func (a *adam) step(p, g []float64) {
	if len(p) != len(a.m) || len(g) != len(a.m) {
		panic("flow: adam length mismatch")
	}
	a.t++
	bc1 := 1 - math.Pow(a.beta1, float64(a.t))
	bc2 := math.Sqrt(1 - math.Pow(a.beta2, float64(a.t)))
	stepSize := a.lr / bc1
	b1, b2 := a.beta1, a.beta2
	m := a.m
	v := a.v[:len(m)]
	p, g = p[:len(m)], g[:len(m)]
	c := [8]float64{b1, 1 - b1, b2, 1 - b2, a.decay, stepSize, 1 / bc2, a.eps}
	start := 0
	if useAsm {
		start = adamFast(p, g, m, v, &c)
	}
	for i := start; i < len(m); i++ {
		p[i], m[i], v[i] = adamUpdate(p[i], g[i], m[i], v[i], &c)
	}
}

// adamUpdate is one parameter's update exactly as a lane of the kernels
// computes it (gen_kernels.go), so that a model is the same on every kind
// of core: the products that the kernels fuse with an addition are fused
// here (math.FMA), and every other product is rounded on its own (the
// conversions stop the compiler from fusing it). PyTorch's own arithmetic
// differs from it in the last bits only (TestReferenceTrain).
func adamUpdate(p, g, m, v float64, c *[8]float64) (float64, float64, float64) {
	g = math.FMA(c[4], p, g)               // g + decay p
	m = math.FMA(c[1], g, float64(c[0]*m)) // beta1 m + (1-beta1) g
	v = math.FMA(c[3], float64(g*g), float64(c[2]*v))
	den := float64(math.Sqrt(v)*c[6]) + c[7] // sqrt(v / bias correction 2) + eps
	return p - float64(c[5]*m)/den, m, v
}
