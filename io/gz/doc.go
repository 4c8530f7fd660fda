// Package gz opens text that may be gzipped: every reader of text files
// (Gaia partitions, catalogs, truth tables, stream outputs) sniffs the gzip
// magic here, so that all of them accept the same files: several gzip
// members one after another (bgzip and concatenated parts) and zero-byte
// padding after the last member, as GNU gzip does.
package gz
