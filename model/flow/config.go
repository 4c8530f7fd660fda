package flow

import "fmt"

// Activation is the nonlinearity of the MADE hidden layers.
type Activation int

const (
	ReLU Activation = iota // max(0, a), with derivative 0 at a = 0 (PyTorch's convention)
	Tanh                   // tanh(a)
)

// String returns "relu" or "tanh".
func (a Activation) String() string {
	switch a {
	case ReLU:
		return "relu"
	case Tanh:
		return "tanh"
	}
	return fmt.Sprintf("Activation(%d)", int(a))
}

// ParseActivation returns the Activation named s ("relu" or "tanh").
func ParseActivation(s string) (Activation, error) {
	switch s {
	case "relu", "ReLU", "":
		return ReLU, nil
	case "tanh", "Tanh":
		return Tanh, nil
	}
	return 0, fmt.Errorf("flow: unknown activation %q (want relu or tanh)", s)
}

// Config is the architecture of a Flow. The zero value of each field except D
// is a documented default, so Config{D: 3} is the reference arrangement of
// ../shared/reference/README.md with 5 blocks of two hidden layers of 64.
type Config struct {
	D int // data dimensions, >= 1
	C int // conditioning dimensions, >= 0

	Blocks int   // MADE -> BatchNorm -> Reverse blocks; 0 means 5
	Hidden []int // sizes of the MADE hidden layers, >= 1 each; nil means [64, 64]

	Activation Activation // of the hidden layers; the zero value is ReLU

	Momentum float64 // BatchNorm running-statistics momentum (PyTorch convention); 0 means 0.1
	Eps      float64 // BatchNorm variance epsilon; 0 means 1e-5

	// Ordered drops the Reverse layers, so every block sees the dimensions in
	// the same order and the flow is autoregressive in x1, x2, ..., xD as a
	// whole: then the marginal density of any leading x1..xk is exact
	// (MarginalLogProb, paper 000 §5). Reverse layers help training; an
	// ordered flow trades some flexibility for exact marginals.
	Ordered bool
}

// withDefaults returns c with its zero fields replaced by the defaults.
func (c Config) withDefaults() Config {
	if c.Blocks == 0 {
		c.Blocks = 5
	}
	if c.Hidden == nil {
		c.Hidden = []int{64, 64}
	} else {
		c.Hidden = append([]int(nil), c.Hidden...)
	}
	if c.Momentum == 0 {
		c.Momentum = 0.1
	}
	if c.Eps == 0 {
		c.Eps = 1e-5
	}
	return c
}

// Validate reports whether c describes a flow that can be built.
func (c Config) Validate() error {
	c = c.withDefaults()
	switch {
	case c.D < 1:
		return fmt.Errorf("flow: config: D = %d, want >= 1", c.D)
	case c.C < 0:
		return fmt.Errorf("flow: config: C = %d, want >= 0", c.C)
	case c.Blocks < 1:
		return fmt.Errorf("flow: config: Blocks = %d, want >= 1", c.Blocks)
	case len(c.Hidden) == 0:
		return fmt.Errorf("flow: config: no hidden layers")
	case c.Activation != ReLU && c.Activation != Tanh:
		return fmt.Errorf("flow: config: unknown activation %d", int(c.Activation))
	case !(c.Momentum > 0 && c.Momentum <= 1):
		return fmt.Errorf("flow: config: Momentum = %g, want in (0, 1]", c.Momentum)
	case !(c.Eps > 0):
		return fmt.Errorf("flow: config: Eps = %g, want > 0", c.Eps)
	}
	for i, h := range c.Hidden {
		if h < 1 {
			return fmt.Errorf("flow: config: Hidden[%d] = %d, want >= 1", i, h)
		}
	}
	return nil
}
