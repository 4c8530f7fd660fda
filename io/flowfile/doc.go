// Package flowfile reads and writes gaiaflow model files (".gff"): a trained
// model/flow Flow with its architecture, weights, feature standardisation
// and training metadata, under a checksum. It also stores a flow.Grid, the
// distilled density, in grid files (".gfg", see GridMagic), so that a grid
// is built once and loaded read-only by every worker.
//
// # Format, version 1
//
// All integers are little-endian.
//
//	offset      size  content
//	0           8     magic "GFLOWMAF"
//	8           4     format version, uint32 (1)
//	12          4     header length H in bytes, uint32 (at most 16 MiB)
//	16          H     header: a JSON object, UTF-8 (below)
//	16+H        8*N   the tensors, in header order, each row-major float64 (IEEE 754, little-endian)
//	16+H+8*N    32    SHA-256 of every byte before it
//
// The header:
//
//	{
//	  "format": "gaiaflow-maf", "version": 1,
//	  "created": "2026-01-02T15:04:05Z", "software": "gaiaflow model/flow",
//	  "config": {"d": 3, "c": 0, "blocks": 5, "hidden": [64, 64], "activation": "relu",
//	             "momentum": 0.1, "eps": 1e-05, "ordered": false},
//	  "precision": "float32",
//	  "meta": {"x_names": [...], "c_names": [...], "notes": {...},
//	           "train": {"epochs": 40, "batch": 256, "lr": 0.001, "beta1": 0.9, "beta2": 0.999,
//	                     "adam_eps": 1e-08, "weight_decay": 0, "seed": 0, "init": "orthogonal",
//	                     "precision": "float32", "hold_out": 0, "patience": 10, "standardize": true,
//	                     "rows": 20000, "held_out_rows": 0, "epochs_run": 40, "best_epoch": 40,
//	                     "loss": 2.75, "held_out_loss": null, "weighted": false}},
//	  "tensors": [{"name": "block.0.made.W1", "shape": [64, 3]}, ...]
//	}
//
// The tensors are those of flow.(*Flow).Tensors, by name: for each block the
// MADE weight layers (out x in, unmasked; masks follow from the
// architecture), their biases, the condition weights, the BatchNorm
// log-gamma, beta and running statistics; then the standardisation. A
// reader checks that the tensors are exactly those the architecture needs.
//
// A file that is not a model file, of another version, truncated, corrupt
// (checksum), or whose header and tensors do not agree gives an error that
// wraps ErrNotFlowFile, ErrVersion, ErrTruncated, ErrChecksum or ErrMismatch
// and names what is wrong.
package flowfile
