package anode

// WithDefaults returns o with its zero fields at their defaults (the
// paper's settings), as Score uses them.
func (o Options) WithDefaults() Options { return o.withDefaults() }
