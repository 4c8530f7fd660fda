// Package traincmd holds the Beam transforms of `gaiaflow traincmd`: the
// RUWE normalisation u0(G, colour) computed from the data, the training cuts
// and a seeded sample of stars in parallel, and the fit of the CMD flow on
// one worker (paper 000 §3.2), where Beam stops being the right tool for the
// inner loop.
package traincmd
