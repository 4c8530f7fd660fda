package hats

import (
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/parquet-go/parquet-go"
	"github.com/parquet-go/parquet-go/encoding/thrift"
	"github.com/parquet-go/parquet-go/format"

	"github.com/gaiaflow/gaiaflow/io/catalog"
	"github.com/gaiaflow/gaiaflow/io/store"
	"github.com/gaiaflow/gaiaflow/model/distance"
)

// WritePartition writes the rows of partition p (rows whose _healpix_29 lie
// in p; they are sorted here) under the catalog root. It returns an error
// if a row is not in p.
func WritePartition(ctx context.Context, root string, p Pixel, rows *distance.Rows) error {
	key := make([]int64, rows.Len())
	for i := range key {
		key[i] = catalog.HEALPix29(rows.RA[i], rows.Dec[i])
		if !p.Contains(key[i]) {
			return fmt.Errorf("hats: row %d (source_id %d at %g, %g) is not in partition %d/%d", i, rows.SourceID[i], rows.RA[i], rows.Dec[i], p.Order, p.Pix)
		}
	}
	rows.SortByKey(key)
	w, err := store.Create(ctx, store.Join(root, p.Path()))
	if err != nil {
		return err
	}
	pw := catalog.NewHATSWriter(w)
	if err := pw.Write(rows); err != nil {
		w.Abort()
		return err
	}
	if err := pw.Close(); err != nil {
		w.Abort()
		return err
	}
	return w.Close()
}

// Properties are the catalog-level facts of hats.properties.
type Properties struct {
	Collection string // obs_collection, e.g. "gaiaflow_distances_v0003"
	Rows       int64  // hats_nrows
	MaxRows    int64  // hats_max_rows
	Builder    string // hats_builder: the program and its version
	Extra      map[string]string
}

// WriteMetadata writes the catalog-level files of a HATS catalog whose
// partitions parts are written under root: dataset/_metadata (the footers
// of every partition file, their row groups pointing at the files),
// dataset/_common_metadata (the schema alone), partition_info.csv and
// hats.properties, last.
func WriteMetadata(ctx context.Context, root string, parts []Pixel, props Properties) error {
	if len(parts) == 0 {
		return fmt.Errorf("hats: no partitions")
	}
	var all *format.FileMetaData
	var rows int64
	maxOrder := 0
	for _, p := range parts {
		md, err := footer(ctx, store.Join(root, p.Path()))
		if err != nil {
			return err
		}
		rel := strings.TrimPrefix(p.Path(), "dataset/")
		for i := range md.RowGroups {
			for j := range md.RowGroups[i].Columns {
				md.RowGroups[i].Columns[j].FilePath = rel
			}
		}
		if all == nil {
			c := *md
			c.RowGroups = nil
			c.NumRows = 0
			all = &c
		}
		all.RowGroups = append(all.RowGroups, md.RowGroups...)
		all.NumRows += md.NumRows
		rows += md.NumRows
		maxOrder = max(maxOrder, p.Order)
	}
	if rows != props.Rows {
		return fmt.Errorf("hats: the partitions hold %d rows, the catalog %d", rows, props.Rows)
	}
	common := *all
	common.RowGroups, common.NumRows = nil, 0
	for name, md := range map[string]*format.FileMetaData{"dataset/_metadata": all, "dataset/_common_metadata": &common} {
		b, err := footerFile(md)
		if err != nil {
			return err
		}
		if err := store.WriteFile(ctx, store.Join(root, name), b); err != nil {
			return err
		}
	}
	var info strings.Builder
	info.WriteString("Norder,Npix\n")
	for _, p := range parts {
		fmt.Fprintf(&info, "%d,%d\n", p.Order, p.Pix)
	}
	if err := store.WriteFile(ctx, store.Join(root, "partition_info.csv"), []byte(info.String())); err != nil {
		return err
	}
	kv := [][2]string{
		{"obs_collection", props.Collection},
		{"dataproduct_type", "object"},
		{"hats_nrows", fmt.Sprint(props.Rows)},
		{"hats_col_ra", "ra"},
		{"hats_col_dec", "dec"},
		{"hats_col_healpix", catalog.HEALPix29Name},
		{"hats_col_healpix_order", "29"},
		{"hats_npix_suffix", ".parquet"},
		{"hats_max_rows", fmt.Sprint(props.MaxRows)},
		{"hats_order", fmt.Sprint(maxOrder)},
		{"hats_builder", props.Builder},
		{"hats_creation_date", time.Now().UTC().Format("2006-01-02T15:04Z")},
		{"hats_version", "v0.1"},
	}
	var b strings.Builder
	for _, e := range kv {
		fmt.Fprintf(&b, "%s=%s\n", e[0], e[1])
	}
	extra := make([]string, 0, len(props.Extra))
	for k := range props.Extra {
		extra = append(extra, k)
	}
	slices.Sort(extra)
	for _, k := range extra {
		fmt.Fprintf(&b, "%s=%s\n", k, props.Extra[k])
	}
	return store.WriteFile(ctx, store.Join(root, "hats.properties"), []byte(b.String()))
}

// footer reads the footer of a Parquet file.
func footer(ctx context.Context, path string) (*format.FileMetaData, error) {
	f, err := store.OpenFile(ctx, path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	pf, err := parquet.OpenFile(f, f.Size(), parquet.SkipBloomFilters(true), parquet.SkipPageIndex(true))
	if err != nil {
		return nil, fmt.Errorf("hats: %s: %w", path, err)
	}
	md := *pf.Metadata()
	md.RowGroups = append(md.RowGroups[:0:0], md.RowGroups...)
	for i := range md.RowGroups {
		md.RowGroups[i].Columns = append(md.RowGroups[i].Columns[:0:0], md.RowGroups[i].Columns...)
	}
	return &md, nil
}

// footerFile returns a Parquet file of no data and the footer md: the form
// of _metadata and _common_metadata.
func footerFile(md *format.FileMetaData) ([]byte, error) {
	b, err := thrift.Marshal(new(thrift.CompactProtocol), md)
	if err != nil {
		return nil, fmt.Errorf("hats: footer: %w", err)
	}
	var out bytes.Buffer
	out.WriteString("PAR1")
	out.Write(b)
	var n [4]byte
	binary.LittleEndian.PutUint32(n[:], uint32(len(b)))
	out.Write(n[:])
	out.WriteString("PAR1")
	return out.Bytes(), nil
}
