// Package stream is the stream-finding half of Via Machinae (Shih et al.
// 2022, "Via Machinae: Searching for Stellar Streams using Unsupervised
// Machine Learning", §3.3-§3.5, §4 and App. C) after ANODE: from the
// anomaly ratio R of the stars of each search region of each patch to
// stream candidates. It knows neither Beam nor ANODE (model/stream/anode
// produces the R values).
//
// # Steps (ARCHITECTURE.md, streams pipeline, steps 3-4)
//
//   - Regions of interest (ROIConfig, Selector): the fiducial cuts (inner 10
//     degrees of the patch, g < 20.2, |mu_lambda| > 2 or |mu_phi*| > 2
//     mas/yr, 0.5 <= b-r <= 1; each can be skipped, Cut), then mu_phi*
//     windows [k, k + 6) mas/yr for integer k with at least 200 stars, of
//     which the 100 with the highest R are kept.
//   - Line finding (HoughConfig, Finder): the Hough transform of the kept
//     stars on 100 x 100 bins of (theta, rho), n = curves through the inner
//     box, n_bg from the outer box, sigma_L = (n - n_bg)/sqrt(n_bg), the
//     best bin per ROI, members and a refined line.
//   - Merging (MergeConfig, Seeds, ProtoClusters, Candidates, EdgeVeto).
//   - Search runs them all on a set of search regions (Region).
//   - Validation: NoiseSigmas / NoiseQuantiles (sigma_L of pure-noise
//     ROIs), Recover (injected lines among noise), Simulate / Evaluate /
//     CirclePatches (a stream across overlapping patches, end to end).
//
// # Reading of the paper
//
// Hough boxes (§3.4). "A box centered on a location (theta, rho) of width
// w_theta and height w_rho" with "w_theta = 5.4 degrees and w_rho = 1
// degree" is a box in Hough space: 5.4 degrees of the angle theta (3 bins
// of pi/100) by 1 degree of rho (5 bins of 0.2), centred on a bin; "an
// outer box five times larger" is 5 times on each side (15 x 25 bins, 27
// degrees by 5 degrees), as the authors' code tiles 5 x 5 inner boxes. n
// is the number of stars whose curves cross the inner box (a curve counts
// once); the background counts the curves crossing the outer box but not
// the inner one, times A_in / (A_out - A_in), where A is the area of the
// fiducial disk swept by the lines of each box (BoxArea; the disk clips the
// boxes near |rho| = 10). Uniform stars thus give E[n_bg] = E[n] in every
// bin. Boxes wrap around theta = 0 | pi with rho -> -rho. sqrt(n_bg) is
// floored at 1 (HoughConfig.MinBackground). This is BackgroundRing, an
// option. The authors' code (hep-lbdl/GaiaCWoLa b6dec3c) instead averages
// the counts of the 24 neighbouring inner-sized tiles of the outer box,
// each scaled by the area of its rho strip at fixed theta, without removing
// the curves that also cross the inner box: BackgroundTiles, the default,
// for the reason below.
//
// Theta convention. Eq. 5, rho = phi sin(theta) - lambda cos(theta), makes
// theta the direction of the line from the phi axis (the text says the
// direction of its perpendicular); eq. 5 is followed (Line).
//
// Line estimate. The paper reports the best bin's centre (Fit.BoxLine).
// Neighbouring boxes often hold the same curves, so that bin can sit a bin
// or two off the crossing point; Fit.Line refines it by a least-squares fit
// of the stars through the most-crossed single bins nearby. Merging uses
// Fit.Line.
//
// Merging (§3.5). Seeds: ROIs of one patch and mu_phi* window in runs of
// consecutive SRs whose lines agree from one SR to the next (|d theta| <
// pi/10, |d rho| < 2 degrees, modulo the periodicity); sigma_tot is the
// quadrature sum of sigma_L. Proto-clusters: seeds of one patch at adjacent
// windows linked when an ROI of each, in the same or consecutive SRs, has
// agreeing lines (the paper does not say which lines of two seeds to
// compare); its significance is its best seed's sigma_tot; its N_SR is the
// size of its largest seed (Fig. 9's caption; the text also calls the best
// seed's size N_SR, kept as BestNSR). Candidates: proto-clusters with N_SR
// >= 3 and sigma_tot > 8 (§4) in different patches less than 20 degrees
// apart (the inner disks overlap; the published overlap list stops at 19.9
// degrees), whose lines, as great circles (Line.Pole), have poles within 18
// degrees as axes and stay within 2 degrees of each other inside each
// other's inner disk. The disk-edge veto of App. C removes ROIs before
// seeding.
//
// Noise, and which background. With 100 uniform stars the best of the
// 10^4 bins has, by the look-elsewhere effect alone, sigma_L around 5.5
// (99% below 8.7) with the ring and 3.3 (99% below 4.4) with the tiles,
// whose background shares curves with the inner box and cancels part of its
// fluctuation (a 30-star line: 14.5 and 6.8). The paper's cut sigma_tot > 8
// sits between the noise and the streams only on the tiles' scale: three
// noise ROIs give sigma_tot ~ 9.7 with the ring (over 8 in 99% of cases)
// and ~ 5.7 with the tiles. On simulated patches (Simulate, 28 grid patches,
// 13,000 ROIs, no stream) the paper's cuts leave 41 candidates with the
// ring and none with the tiles; with a stream, the tiles give 2 candidates
// (the paper found 2 in 21 patches). So: BackgroundTiles with the paper's
// MinSigma 8, or the ring with a MinSigma taken from NoiseQuantiles.
//
// # Conventions
//
// Positions are in the patch frame of model/sky (phi, lambda in degrees,
// the patch centre at (0, 0)); proper motions in mas/yr, mu_phi* carrying
// its cos(lambda). Lines are in the Hough parametrisation of eq. 5, theta in
// radians in [0, pi) and rho in degrees (Line). Sky directions are ICRS
// (ra, dec) or Galactic (l, b) in degrees. Search regions and mu_phi*
// windows are numbered by integers (Region.SR, ROI.PM); "consecutive" and
// "adjacent" mean numbers that differ by one.
//
// Functions panic on programmer errors (columns of different lengths,
// invalid configurations), never on data: NaN values fail the cuts that
// read them, and stars without a finite position have no Hough curve.
package stream
