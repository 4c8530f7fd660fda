package partition

import (
	"bufio"
	"context"

	"github.com/gaiaflow/gaiaflow/io/store"
	"github.com/gaiaflow/gaiaflow/model/star"
)

// ReadPath reads the partition file at path (local or gs://) with Read, or
// with ReadParquet when it starts with Parquet's magic bytes: text is
// streamed, a Parquet file is reopened for random access, since Parquet
// keeps its index at the end.
func ReadPath(ctx context.Context, path string, opt Options, emit func(*star.Block) error, reject func(Reject)) (Counts, error) {
	r, err := store.Open(ctx, path)
	if err != nil {
		return Counts{}, err
	}
	br := bufio.NewReaderSize(r, 1<<20)
	magic, _ := br.Peek(4)
	if string(magic) != "PAR1" {
		defer r.Close()
		return Read(br, path, opt, emit, reject)
	}
	r.Close()
	f, err := store.OpenFile(ctx, path)
	if err != nil {
		return Counts{}, err
	}
	defer f.Close()
	return ReadParquet(f, f.Size(), path, opt, emit, reject)
}
