// Package distances holds the Beam transforms of the photometric-distance
// catalog (paper 000): the per-star estimate over blocks of stars, the
// catalog shards written per input partition, and Table 1 and the CMD
// histograms by combiners. The science is model/distance; the resources
// (the CMD density and the dust map) are loaded once per worker.
package distances
