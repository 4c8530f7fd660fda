// Package stream is the stream-finding half of Via Machinae (Shih et al.
// 2022, "Via Machinae: Searching for Stellar Streams using Unsupervised
// Machine Learning", §3.3-§3.5, §4 and App. C) after ANODE: from the
// anomaly ratio R of the stars of each search region of each patch to
// stream candidates.
//
// # Steps (DESIGN.md, Pipeline 2, steps 5-7)
//
//   - Regions of interest (ROIConfig, Selector): the fiducial cuts (inner 10
//     degrees of the patch, g < 20.2, not (|mu_lambda| < 2 and |mu_phi*| <
//     2), 0.5 <= b-r <= 1; each can be skipped), then mu_phi* windows of
//     width 6 and stride 1 mas/yr with at least 200 stars, of which the 100
//     with the highest R are kept.
//   - Line finding (HoughConfig, Finder): the Hough transform of the kept
//     stars on 100 x 100 bins of (theta, rho), the inner box of 3 x 5 bins
//     (5.4 degrees by 1 degree), the background from the box five times
//     larger minus the inner one renormalised by the areas of the disk the
//     boxes' lines cover (BoxArea), sigma_L = (n - n_bg)/sqrt(n_bg), the best
//     bin per ROI.
//   - Merging (MergeConfig): seeds (same mu_phi* window, consecutive search
//     regions, concordant lines; sigma_tot adds the sigma_L in quadrature),
//     proto-clusters (seeds at adjacent mu_phi* windows), stream candidates
//     (proto-clusters in overlapping patches on the same great circle), the
//     cuts N_SR >= 3 and sigma_tot > 8, and the disk-edge veto of App. C.
//   - Search runs them all on a set of search regions; NoiseSigmas and
//     Recover are the validation helpers.
//
// # Conventions
//
// Positions are in the patch frame of model/sky (phi, lambda in degrees,
// the patch centre at (0, 0)); proper motions in mas/yr, mu_phi* carrying
// its cos(lambda). Lines are in the Hough parametrisation of eq. 5, rho =
// phi sin(theta) - lambda cos(theta), theta in radians in [0, pi) and rho in
// degrees (Line). Sky directions are ICRS (ra, dec) or Galactic (l, b) in
// degrees. Search regions and mu_phi* windows are numbered by integers
// (Region.SR, ROI.PM); "consecutive" and "adjacent" mean numbers that differ
// by one.
//
// Functions panic on programmer errors (columns of different lengths,
// invalid configurations), never on data: NaN values fail the cuts that
// read them.
package stream
