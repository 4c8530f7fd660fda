// Package mock generates a seeded mock Gaia sky, shard by shard: the science
// core of `gaiaflow simulate`, which writes the stars as DR2-format
// partitions with a truth table and the dust map used.
//
// # Ingredients
//
// Two smooth populations, each optional, share Config.Stars exactly:
//
//   - The simulation of Cranmer et al. (paper 000, §4.1): directions uniform
//     on the sky; distances from P(d) ∝ d² exp(-d/L), L = 1 kpc; intrinsic
//     (M_G, bp-rp, bp-g) from a known colour-magnitude density (CMD: a main
//     sequence along a line with Gaussian colour scatter, a giant branch and a
//     white-dwarf sequence; CMD.LogProb is its exact density); reddening from
//     a known dust map, a 2D Gaussian over (ra, dec) uniform along each line
//     of sight (dust.Gaussian), turned into Gaia bands by A_G = 2.71 E,
//     E(BP-RP) = 0.85 E, E(BP-G) = 0.39 E; parallax errors d/(10 kpc) mas.
//     Unlike the paper, which has neither photometric noise nor a magnitude
//     limit, every star lies in Gaia's window (BrightLimit <= G <=
//     Config.MagLimit): its distance is drawn from the prior conditioned on
//     that (visibleDistance), so the population's CMD is still the CMD.
//   - A smooth background for the stream search of Shih et al. (paper 004):
//     thick-disk and halo stars (Juric et al. 2008 density laws) with
//     Galactic kinematics, the magnitudes of an old metal-poor MIST isochrone
//     sampled with a Kroupa IMF, brighter than Config.MagLimit (G = 21).
//
// and any number of thin streams (Stream), in addition to Config.Stars:
// stars uniform along a track (ReadTrack reads galstreams' tracks; GD1Track
// is embedded), Gaussian across it in position, distance and proper motion,
// with isochrone magnitudes brighter than the magnitude limit.
//
// Every star is observed as Gaia DR2 would report it (star.Row): positions
// exact, parallaxes, proper motions and magnitudes with Gaussian errors that
// grow with magnitude (ParallaxErrorDR2, PhotErrorsDR2), and an astrometric
// chi² consistent with RUWE ≈ 1 for most stars. Its Truth records the
// component, distance, intrinsic photometry, reddening, true astrometry and
// mass.
//
// # Shards and seeds
//
// The sky is cut into HEALPix NESTED pixels (ICRS) at Config.ShardLevel.
// Shards lists them with the exact number of stars each holds (largest
// remainder of the expected counts); Generate makes the stars of one shard.
// source_id = (level-12 NESTED pixel of ra, dec) << 35 | counter, as Gaia's
// are, so a shard (level <= 12) owns the source_ids of its pixels; the
// counter is the star's rank in a seeded shuffle of its shard.
//
// Every random draw comes from a PCG stream (math/rand/v2) keyed by
// (Config.Seed, purpose, identity): (shard level, pixel) for the smooth
// populations of a shard, (stream index, star index) for stream star i. The
// output of a shard therefore depends only on the Config and the Shard, not
// on which other shards run, in what order or on how many workers; a stream
// star is the same star whatever the shard level. (The numbers are stable
// for a given Go release; math/rand/v2's samplers may change between
// releases.)
//
// # Units
//
// As in package star: degrees (ICRS ra, dec; Galactic l, b), mas, mas/yr,
// Gaia DR2 Vega magnitudes; Truth distances in parsecs; Track distances in
// kiloparsecs.
package mock
