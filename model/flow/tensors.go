package flow

import (
	"fmt"
	"math"
	"math/bits"
	"slices"
)

// Tensor is a named array of a flow's state, row-major, as model files
// store it (io/flowfile).
type Tensor struct {
	Name  string
	Shape []int
	Data  []float64
}

// Tensors returns every array of the flow's state, in a fixed order: for
// each block i (from 0) "block.i.made.W1", "b1", "Wc" (if C > 0), "W2",
// "b2", ..., "W{L+1}", "b{L+1}" (MADE weight layers, out x in, unmasked
// values; layer 1 sees the data, Wc the conditions), then "block.i.bn.log_gamma",
// "beta", "running_mean", "running_var"; then "std.x_mean", "std.x_scale",
// "std.c_mean", "std.c_scale" (the standardisation, the last two only if
// C > 0). The Data slices are the flow's own: read them, do not write them
// (use SetTensor).
func (f *Flow) Tensors() []Tensor {
	var ts []Tensor
	for i, b := range f.blocks {
		p := fmt.Sprintf("block.%d.", i)
		for l := range b.W {
			ts = append(ts,
				Tensor{fmt.Sprintf("%smade.W%d", p, l+1), []int{f.outSize(l), f.inSize(l)}, b.W[l]},
				Tensor{fmt.Sprintf("%smade.b%d", p, l+1), []int{f.outSize(l)}, b.B[l]})
			if l == 0 && f.cfg.C > 0 {
				ts = append(ts, Tensor{p + "made.Wc", []int{f.outSize(0), f.cfg.C}, b.Wc})
			}
		}
		d := []int{f.cfg.D}
		ts = append(ts,
			Tensor{p + "bn.log_gamma", d, b.LogGamma},
			Tensor{p + "bn.beta", d, b.Beta},
			Tensor{p + "bn.running_mean", d, b.RunMean},
			Tensor{p + "bn.running_var", d, b.RunVar})
	}
	ts = append(ts,
		Tensor{"std.x_mean", []int{f.cfg.D}, f.std.XMean},
		Tensor{"std.x_scale", []int{f.cfg.D}, f.std.XScale})
	if f.cfg.C > 0 {
		ts = append(ts,
			Tensor{"std.c_mean", []int{f.cfg.C}, f.std.CMean},
			Tensor{"std.c_scale", []int{f.cfg.C}, f.std.CScale})
	}
	return ts
}

// NumValues returns the number of values of the tensors (see Tensors) of a
// flow of architecture c, defaults filled in, and false if that does not
// fit an int or c is invalid: what a model file of c must hold, known
// before a flow is made for it.
func (c Config) NumValues() (int, bool) {
	if c.Validate() != nil {
		return 0, false
	}
	c = c.withDefaults()
	n := uint64(0)
	ok := true
	add := func(a, b int) { // n += a*b
		hi, lo := bits.Mul64(uint64(a), uint64(b))
		s, carry := bits.Add64(n, lo, 0)
		if hi != 0 || carry != 0 || s > math.MaxInt {
			ok = false
		}
		n = s
	}
	prev := c.D
	for _, h := range c.Hidden {
		add(h, prev+1) // W (h x prev) and b
		prev = h
	}
	add(2*c.D, prev+1)    // the output layer
	add(c.Hidden[0], c.C) // Wc
	add(4, c.D)           // BatchNorm: log_gamma, beta, running mean and variance
	per := n
	n = 0
	add(int(min(per, math.MaxInt)), c.Blocks)
	add(2, c.D+c.C) // the standardisation
	return int(n), ok
}

// Validate reports a flow whose tensors do not fit its architecture (a
// length other than its shape's) or hold values SetTensor refuses: values
// that are not finite, running variances and scales that are not positive.
func (f *Flow) Validate() error {
	if err := f.cfg.Validate(); err != nil {
		return err
	}
	for _, t := range f.Tensors() {
		n := 1
		for _, s := range t.Shape {
			n *= s
		}
		if len(t.Data) != n {
			return fmt.Errorf("flow: tensor %s of %d values for shape %v", t.Name, len(t.Data), t.Shape)
		}
		positive := hasSuffix(t.Name, "running_var") || hasSuffix(t.Name, "_scale")
		for i, v := range t.Data {
			if v-v != 0 {
				return fmt.Errorf("flow: tensor %s[%d] = %g is not finite", t.Name, i, v)
			}
			if positive && !(v > 0) {
				return fmt.Errorf("flow: tensor %s[%d] = %g is not positive", t.Name, i, v)
			}
		}
	}
	return nil
}

// SetTensor copies data into the flow's tensor called name (see Tensors).
// It returns an error naming the problem if the flow has no such tensor,
// if shape differs from the tensor's, if len(data) does not match shape, or
// if a value is not finite (or, for running variances and scales, not
// positive).
func (f *Flow) SetTensor(name string, shape []int, data []float64) error {
	for _, t := range f.Tensors() {
		if t.Name != name {
			continue
		}
		if !slices.Equal(shape, t.Shape) {
			return fmt.Errorf("flow: tensor %s has shape %v, the architecture needs %v", name, shape, t.Shape)
		}
		if len(data) != len(t.Data) {
			return fmt.Errorf("flow: tensor %s: %d values for shape %v", name, len(data), shape)
		}
		positive := hasSuffix(name, "running_var") || hasSuffix(name, "_scale")
		for i, v := range data {
			if v-v != 0 {
				return fmt.Errorf("flow: tensor %s[%d] = %g is not finite", name, i, v)
			}
			if positive && !(v > 0) {
				return fmt.Errorf("flow: tensor %s[%d] = %g is not positive", name, i, v)
			}
		}
		copy(t.Data, data)
		f.changed()
		return nil
	}
	return fmt.Errorf("flow: no tensor %s in this architecture", name)
}

func hasSuffix(s, suffix string) bool {
	return len(s) >= len(suffix) && s[len(s)-len(suffix):] == suffix
}
