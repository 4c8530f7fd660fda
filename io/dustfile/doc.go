// Package dustfile reads and writes the dust-map files of gaiaflow: the
// Bayestar maps as distributed (HDF5: /pixel_info, /samples, /best_fit), our
// compact format that loads fast, and the JSON of the simulation's analytic
// Gaussian map. Paths are local or gs:// (through io/store).
//
// The compact format (".gfdust") is, little-endian throughout:
//
//	"GFDUST\x00\x02"            8-byte magic (format version 2)
//	uint32 n, n bytes of JSON    the header: map version, units, sizes, the
//	                             distance-modulus grid, and each array's name,
//	                             type, byte offset and length
//	uint32                       CRC-32C of the magic, n and the header
//	arrays, each at an offset that is a multiple of 8:
//	  nside    int32[npix]       HEALPix nside of each pixel
//	  pixel    int64[npix]       NESTED index (Galactic)
//	  dm_min   float32[npix]     DM_reliable_min (NaN: none)
//	  dm_max   float32[npix]     DM_reliable_max
//	  converged uint8[npix]
//	  order    int32[npix]       pixels sorted along the finest level (the index)
//	  best     float32[npix*ndm]
//	  samples  float32[npix*ndm*nsamp], ordered [pixel][DM][sample]
//	trailer: uint32 CRC-32C of each array in the order above, then "GFDUSTEND"
//
// so that a loader reads each array straight into memory in one pass and
// checks it, with no decompression and no sorting. Every byte that matters
// is under a checksum: the header's is checked before its sizes are used,
// and the sizes must describe the file's length when that is known.
//
// Format version 1 had the same layout without the header
// checksum, so a damaged unit or distance modulus was not noticed. Read
// refuses it with ErrFormat and a note: re-run "gaiaflow dust import" on
// the Bayestar HDF5 file to write version 2. (Version 1 files are not read
// on trust: a map whose header cannot be checked would shift every
// extinction without a sign.)
package dustfile
