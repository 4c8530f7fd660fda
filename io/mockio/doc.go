// Package mockio writes and reads the files of a mock Gaia sky made by
// `gaiaflow simulate`: the truth table (one gzipped CSV per partition, keyed
// by source_id) and the manifest that lists a complete mock.
package mockio
