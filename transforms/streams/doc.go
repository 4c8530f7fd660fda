// Package streams holds the Beam transforms of the stream search of Via
// Machinae (Shih et al. 2022; ARCHITECTURE.md, streams pipeline): thin wrappers that run
// model/stream/anode and model/stream/search over PCollections and hand
// the outputs to io/streamio and io/plot.
//
// The steps and their PCollections:
//
//   - Assign: star.Block -> KV<int64, star.Block>, the stars of a block
//     that lie in each patch, keyed by the patch's RING pixel. A star in
//     several patches goes to each.
//   - Regions: KV<int64, iter<star.Block>> (after GroupByKey) -> Work, one
//     per search region kept by anode.Regions, carrying a reference to its
//     patch staged once in a file (the control region is the rest of it).
//   - Score: Work -> KV<int, search.SRResult>: ANODE on the search region,
//     then the regions of interest and their Hough lines
//     (search.SearchRegion), with the highest-R stars of every ROI;
//     optionally the R of every star of the search region, written to a
//     file (streamio.WriteR).
//   - Merge: every SRResult on one worker -> seeds, proto-clusters, stream
//     candidates, member stars (search.MergeResults); the output files
//     (streamio.WriteResults) and figures (plot.StreamFigures).
//
// Counters (namespace stars.Namespace): every star read leaves once, in
// stars_out (it is in at least one patch) or under a cut (parallax, or
// distance with Options.Distances; missing, outside_patches), so the run
// reconciles with rows_in; patch assignments are counted apart (patch.members, patch.dropped.*), as are
// search regions by veto (sr.*), ROIs (roi.*) and training time
// (sr.train_ms).
package streams
