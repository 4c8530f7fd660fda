package flow

import "fmt"

// Blend moves f toward g: every trainable parameter and BatchNorm running
// statistic becomes (1-w)·f + w·g. With w = 1/n after n-1 earlier blends it
// keeps f the running mean of n flows (Polyak-Ruppert averaging of the
// iterates of a noisy training). f and g must have the same architecture
// and standardisation.
func (f *Flow) Blend(g *Flow, w float64) error {
	if len(f.params) != len(g.params) || len(f.stats) != len(g.stats) || f.cfg.D != g.cfg.D || f.cfg.C != g.cfg.C {
		return fmt.Errorf("flow: cannot blend flows of different architectures")
	}
	for i, v := range g.params {
		f.params[i] += w * (v - f.params[i])
	}
	for i, v := range g.stats {
		f.stats[i] += w * (v - f.stats[i])
	}
	f.changed()
	return nil
}
