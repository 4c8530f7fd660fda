package dust

// Constant is a dust map with the same reddening E toward every direction
// and at every distance: a foreground screen. It is how a cluster study
// uses a published E(B-V) (for M67, 0.037 from Babusiaux et al. 2018) in
// place of a 3D map. Wrap it with NewExact.
type Constant struct {
	Value float64 // E, in the units the extinction coefficients are per
}

// E returns the constant value.
func (c Constant) E(ra, dec, distPC float64) float64 { return c.Value }
