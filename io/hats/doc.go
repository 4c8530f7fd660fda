// Package hats writes a catalog version as a HATS catalog (hierarchical
// adaptive tiling: the astronomy-commons hats directory scheme and the IVOA
// HATS note), the layout LSDB opens with lsdb.open_catalog and
// cross-matches against Gaia DR3's own HATS catalog:
//
//	hats.properties                     key=value: collection, columns, rows, orders, provenance
//	partition_info.csv                  Norder,Npix of every partition
//	dataset/_common_metadata            the Parquet schema, no rows
//	dataset/_metadata                   the schema and every row group of every partition
//	dataset/Norder=k/Dir=d/Npix=n.parquet
//
// A partition is the HEALPix NESTED pixel n at order k (Dir is n rounded
// down to a multiple of 10,000); its rows are those whose _healpix_29 (the
// order-29 index of ra, dec) lies in it, sorted by _healpix_29. Orders adapt
// to the density (Plan): a pixel holding more than MaxRows rows is split
// into its four children, down to the order its counts were taken at.
package hats
