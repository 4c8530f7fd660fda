package flow

// hiddenDegrees returns the MADE degrees of a hidden layer of h units for D
// data dimensions: unit k has degree (k mod (D-1)) + 1, or 0 for every unit
// when D = 1 (then the hidden units see only the conditioning inputs).
func hiddenDegrees(h, d int) []int {
	deg := make([]int, h)
	if d == 1 {
		return deg
	}
	for k := range deg {
		deg[k] = k%(d-1) + 1
	}
	return deg
}

// madeMasks returns the masks of a MADE with d data inputs and the given
// hidden sizes, one per weight layer, each row-major out x in: the first is
// hidden[0] x d (the data inputs; conditioning inputs are unmasked), the last
// is 2d x hidden[L-1] (rows 0..d-1 for mu, d..2d-1 for alpha). Input i
// (1-based) has degree i; output i has degree i, and it sees hidden units of
// smaller degree, so mu_i and alpha_i depend on x_1..x_{i-1} only.
func madeMasks(d int, hidden []int) [][]float64 {
	L := len(hidden)
	masks := make([][]float64, L+1)
	prev := make([]int, d)
	for i := range prev {
		prev[i] = i + 1
	}
	for l := 0; l < L; l++ {
		deg := hiddenDegrees(hidden[l], d)
		m := make([]float64, hidden[l]*len(prev))
		for k, dk := range deg {
			for j, dj := range prev {
				if dk >= dj {
					m[k*len(prev)+j] = 1
				}
			}
		}
		masks[l] = m
		prev = deg
	}
	h := len(prev)
	m := make([]float64, 2*d*h)
	for i := 0; i < d; i++ {
		for k, dk := range prev {
			if i+1 > dk {
				m[i*h+k] = 1
				m[(d+i)*h+k] = 1
			}
		}
	}
	masks[L] = m
	return masks
}
