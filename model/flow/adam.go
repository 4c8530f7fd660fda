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
	start := len(m) &^ 7
	c := [8]float64{b1, 1 - b1, b2, 1 - b2, a.decay, stepSize, 1 / bc2, a.eps}
	if !useAsm || !adamFast(start, p, g, m, v, &c) {
		start = 0
	}
	for i := start; i < len(m); i++ {
		gi := g[i]
		if a.decay != 0 {
			gi += a.decay * p[i]
		}
		m[i] = b1*m[i] + (1-b1)*gi
		v[i] = b2*v[i] + (1-b2)*gi*gi
		p[i] -= stepSize * m[i] / (math.Sqrt(v[i])/bc2 + a.eps)
	}
}
