// Package stars holds the Beam transforms that move blocks of Gaia stars
// (star.Block) through a pipeline: reading partition files, writing rejected
// rows, and the counters every pipeline reports.
//
// The science is elsewhere (model/); these are thin wrappers that run it over
// PCollections, with one element per block of a few thousand stars.
package stars
