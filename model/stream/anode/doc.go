// Package anode finds the stars of a sky patch that are over-dense in a slice
// of proper motion: the search regions and the ANODE scores of Via Machinae
// (Shih et al. 2022, paper 004: sec. 2, 3.1, 3.2, App. A and B;
// ARCHITECTURE.md, streams pipeline, steps 1-3). Pure Go, no Beam: a transform calls Regions once
// per patch and Score once per (patch, search region) pair, the unit of
// training work.
//
// # Data
//
// A Patch holds the stars of one patch as columns in the patch frame of
// model/sky: (phi, lambda) in degrees and (mu_phi*, mu_lambda) in mas/yr,
// with b-r and g. Patch.Add fills it from star.Blocks with the paper's cuts,
// counting every star it drops (parallax >= 1 mas, outside the radius, a
// missing value). The features x are (phi, lambda, mu_phi*, b-r, g) (Full)
// or, for data without Gaia photometry, (phi, lambda, mu_phi*)
// (Astrometric); the condition is mu_lambda.
//
// # Search regions
//
// A search region (SR) is a closed window Lo <= mu_lambda <= Hi; its
// control region (CR) is the rest of the patch. Regions lays the paper's
// grid (eq. 1: width 6, stride 1, edges on integers: ..., [-10, -4], [-9,
// -3], ...) over the patch, every window holding a star, and vetoes those
// with fewer than 20,000 or more than 1,000,000 stars and those with a
// globular-cluster candidate (App. B: a 120 x 120 histogram of the SR's
// positions over [-15, 15]^2 degrees, (N_max - mean)/sigma > 4 and
// N_max > 25 with sigma = IQR/1.349). Every number is an option.
//
// # ANODE
//
// Score standardises x and mu_lambda over the patch, trains a masked
// autoregressive flow (model/flow) of p(x | mu_lambda) on the SR and one on
// the CR, and returns log R = log p_SR - log p_CR for the SR stars. With
// the zero Options it does what App. A describes, with its hyperparameters:
// 20 blocks of MADE (two hidden layers of 64) -> BatchNorm -> Reverse, Adam
// at 7e-5, batches of 512, 150 epochs, no held-out set. App. A reads:
// densities are averaged over 20 consecutive epochs; the SR flow uses its
// last 20 epochs; for the CR flow, the epoch is chosen that makes the
// distribution of log R < 0, reflected across 0, narrowest. Score does
// exactly this with the CR's running averages: for each window of 20
// consecutive epochs ending at e = 20, ..., 150, the SR stars' log R against
// the SR's average is formed; the window whose negative log R values have
// the smallest root mean square (the standard deviation of the reflected,
// symmetric distribution) gives the CR density. Densities, not log
// densities, are averaged. The SR flow is trained first, so each CR window
// is judged as it completes and only 20 epochs of densities are held (4
// bytes per SR star per epoch). Result.Spread holds the criterion of every
// window.
//
// Options.Stretch (not in the paper; off by default) maps the patch's hard
// edges to infinity before standardising: (phi, lambda) radially by
// r -> r_max atanh(r/r_max) and g by a logit between its extremes. One
// bijection for both flows leaves R the same function of the stars (the
// Jacobians cancel; densities stay in data units), but spares the flows the
// discontinuities of the patch circle and the magnitude limit, where the
// paper saw spurious large R. QuickOptions is the scaled-down setting: the
// paper's architecture, 20 epochs, batches of 128 at 1e-3, averages over 5
// epochs, Stretch.
//
// On the development patch (testdata; 18,544 SR stars, 93 in a thin stream)
// at the cost of the PyTorch reference (20 blocks x 64, 20 epochs:
// AUC 0.80, max SIC 2.1 +- 0.5), QuickOptions gives AUC 0.84 and max SIC
// 2.70 (means of seeds 0-3; per seed 0.81-0.86 and 2.53-3.01). The same
// cost with batch 512 and the paper's 20-epoch averages gives AUC 0.67 and
// SIC 1.38 without Stretch, 0.76 and 1.72 with it. The paper's settings
// (150 epochs at 7e-5) give 0.64 and 1.03 without Stretch, 0.86 and 2.47
// with it. The true density ratio reaches AUC 0.99995 and max SIC 30.37,
// the largest possible with 20 background stars: the flows, not the
// bookkeeping, are what limit ANODE here.
//
// Every random draw of a flow (initial weights, shuffling) is seeded from
// (Options.Seed, Patch.ID, the window, SR or CR), so a region's result does
// not depend on the order regions run in, on the worker, or on
// Options.Workers.
//
// # CATHODE
//
// With Options.Method Cathode (Hallin et al. 2022; Via Machinae 3.0) the SR
// flow is replaced by a classifier (model/classifier). The CR flow trains
// as above; the mixture of its last Average epochs is sampled exactly at the
// mu_lambda of the SR's stars (CathodeOptions.Oversample per star), and
// classifiers trained on folds of the SR's stars against the samples, the
// classes weighted equally, give log R as their logit, averaged over their
// epochs of lowest validation loss; every star is scored by classifiers
// that did not see it. On the development patch: AUC 0.81 and 0.74, max
// SIC 1.93 and 1.31 with QuickOptions (seeds 0, 1; ANODE 0.85, 0.86 and
// 3.01, 2.53); at the paper's settings 0.71, 0.75 and 1.81, 1.72 (ANODE
// 0.64, 0.71 and 1.03, 1.46).
//
// # Measuring
//
// AUC and MaxSIC measure a score against labels; MaxSIC counts only cuts
// keeping at least MinBackground (20) background stars. Validate runs Score
// on a labelled patch with its true densities, such as the development
// patch in testdata (DevWindow), and reports AUC and the maximum SIC beside
// the true ratio's, and both after every epoch.
package anode
