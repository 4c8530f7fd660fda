// Package gz opens text that may be gzipped: every reader of text files
// (Gaia partitions, catalogs, truth tables, stream outputs) sniffs the gzip
// magic here, so that all of them accept the same files: several gzip
// members one after another (bgzip and concatenated parts) and zero-byte
// padding after the last member, as GNU gzip does.
//
// The DEFLATE data are decoded by the package's own decoder (inflate.go),
// 1.4-1.6 times as fast as klauspost/compress's on Gaia partitions
// (BenchmarkGunzipPartition): decompression was a quarter of a catalog
// run's CPU time. It is checked against compress/flate on every kind of
// block, on a real partition, on truncated and corrupted streams, and by
// FuzzInflate and, with the gzip framing, FuzzOpen.
package gz
