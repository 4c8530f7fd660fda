// Package classifier is a binary classifier: a multilayer perceptron of ReLU
// layers with one logit output, trained by Adam on a weighted binary
// cross-entropy. CATHODE (Hallin et al. 2022; Via Machinae 3.0) uses one to
// tell a search region's stars from samples of the background flow: with the
// two classes weighted equally, the logit of the trained network estimates
// log p_data(x)/p_background(x), the likelihood ratio R that ANODE forms
// from two densities.
//
// The arithmetic is float32 through the flow's matrix product (flow.MatMul,
// AVX-512 kernels where the CPU has them); the defaults are CATHODE's
// classifier (three hidden layers of 64, Adam at 1e-3, batches of 128).
// Weights start as PyTorch's nn.Linear does (uniform in ±1/sqrt(fan-in)),
// drawn from a keyed stream, so a seed gives the same network on every
// machine.
package classifier
