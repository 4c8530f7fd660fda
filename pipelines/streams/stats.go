package streams

import (
	"github.com/gaiaflow/gaiaflow/model/star"
	"github.com/gaiaflow/gaiaflow/transforms/streams"
)

// SearchOptions configure the search itself (transforms/streams.Options):
// patches, cuts, regions, scans, retrainings, ANODE and the merge.
type SearchOptions = streams.Options

// Stats are what a run's counters say about the search's cost.
type Stats struct {
	Regions       int64   // search regions scored
	Patches       int64   // patches searched in this run
	PatchesReused int64   // patches whose results came from --since
	PatchStars    int64   // stars inside the searched patches' cuts, over the patches
	TrainCPUSec   float64 // CPU time of the training threads, summed over regions
	TrainWallSec  float64 // wall time of the trainings, summed over regions
	StagedBytes   int64   // patches written once for the workers
	WorkBytes     int64   // search-region work through the shuffle
	CPUPerRegion  float64 // TrainCPUSec / Regions
	WallPerRegion float64 // TrainWallSec / Regions
}

// StatsOf reads the Stats of a run from its tally.
func StatsOf(c star.Tally) Stats {
	s := Stats{Regions: c[streams.SRScored], Patches: c[streams.Patches] - c[streams.PatchesReused],
		PatchesReused: c[streams.PatchesReused], PatchStars: c[streams.PatchStars], TrainCPUSec: float64(c[streams.SRTrainCPUMS]) / 1000,
		TrainWallSec: float64(c[streams.SRTrainMS]) / 1000, StagedBytes: c[streams.StagedBytes], WorkBytes: c[streams.WorkBytes]}
	if s.Regions > 0 {
		s.CPUPerRegion, s.WallPerRegion = s.TrainCPUSec/float64(s.Regions), s.TrainWallSec/float64(s.Regions)
	}
	return s
}
