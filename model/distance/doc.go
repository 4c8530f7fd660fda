// Package distance is the per-star science of paper 000 (Cranmer et al.,
// "Modeling the Gaia Color-Magnitude Diagram with Bayesian Neural Flows to
// Constrain Distance Estimates"): the cuts, the truncated-normal parallax
// samples, the dust-and-density iteration of eq. 2, the training points of
// §3.2 and the catalog posteriors of §4.2, the Table 1 statistics, and the
// cluster distance of §4.3. It knows neither Beam nor the flow: the CMD
// density and the dust map come in through two small interfaces, Density and
// Dust.
//
// # Units
//
// Parallaxes in mas; distances in parsecs everywhere (d_i = 1000/parallax_i,
// the catalog's dist_* columns, Table 1's bins, the cluster fit); angles in
// degrees; magnitudes in mag, g being the absolute dereddened G magnitude;
// the dust map's E is E(g-r) in mag, turned into A_G, E(BP-RP) and E(BP-G) by
// Extinction (paper 000 §3.2: 2.71, 0.85, 0.39).
//
// # Steps (ARCHITECTURE.md, distances pipeline)
//
//   - Prepare: the cuts (Cut, counted in Counts), the parallax offset
//     (+0.029 mas by default, Config.ParallaxOffset), and K = 32 samples per
//     star from N(parallax, parallax_error) truncated to parallax > 0
//     (TruncNormal, eq. 1), by inverse CDF.
//   - The iteration (eq. 2), T = 10 times in the catalog with
//     Config.DustAtDBest (the paper) and 5 in training, all stars of a chunk
//     together so that the density sees one matrix per iteration. By default
//     the catalog dereddens each sample with the dust at its own distance
//     instead: the weights are then exact and one pass is the estimate.
//   - Refinement: a star with few effective samples is estimated again with
//     more, drawn where the first estimate found its posterior (refine.go).
//   - Catalog: rows (Rows) with the posterior mean, spread and quantiles of
//     the distance from the weighted samples, under a Prior (flat in
//     parallax, as eq. 2; flat in distance; or an exponentially decreasing
//     space density), and a Flag word.
//   - Train: training points (TrainSet), g_best from the raw samples and the
//     loss weight 1/sigma_P².
//
// # Randomness
//
// Every random draw comes from a PCG stream keyed by (Config.Seed,
// source_id, purpose): a star's samples, and so its row, are the same bit for
// bit whatever block it travels in, its place there, the chunking, or the
// runner.
//
// # Programmer errors
//
// Functions panic on programmer errors (slices of different lengths, a nil
// density given to SetDensity) with a "distance:" message, and never on
// data: bad data is cut and counted, or flagged.
package distance
