// Package search is the stream search of one sky without Beam: the ROI
// search of a search region that ANODE scored (SearchRegion), the view of a
// patch that each proper-motion scan trains on (ScanView), the merge of
// every region's result into stream candidates (MergeResults), and the
// measures of a search against the truth of a simulated sky or the
// labelled members of a real stream (validate.go). transforms/streams runs
// it on a runner; io/streamio writes and reads its outputs.
package search
