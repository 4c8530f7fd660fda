package stars

import (
	"context"
	"fmt"
	"time"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/log"
	"github.com/apache/beam/sdks/v2/go/pkg/beam/register"
	"github.com/gaiaflow/gaiaflow/io/partition"
	"github.com/gaiaflow/gaiaflow/io/store"
	"github.com/gaiaflow/gaiaflow/model/star"
)

// ReadOptions configures Read.
type ReadOptions struct {
	// BlockSize is the largest number of stars in a block; 0 means 4096.
	BlockSize int
}

// Read reads Gaia partition files (DR2 CSV, EDR3/DR3 ECSV or archive CSV,
// plain or gzipped; Parquet, alone or in a HATS tree) named by local or gs://
// paths and globs, and returns their stars as blocks (PCollection<star.Block>)
// and their malformed rows (PCollection<partition.Reject>).
//
// Each file is opened, decompressed and parsed by one DoFn call, so a gzipped
// file is read whole (Beam's textio splits gzipped files by compressed size and
// loses rows). The files are reshuffled first so they spread over workers. A
// pattern that matches nothing, a broken gzip stream or a header without a
// required column fails the job with the file's name.
//
//	stars, rejects, tallies := stars.Read(s, []string{"gs://b/gaia/GaiaSource_*.csv.gz"}, stars.ReadOptions{})
func Read(s beam.Scope, patterns []string, opt ReadOptions) (blocks, rejects, tallies beam.PCollection) {
	s = s.Scope("stars.Read")
	if len(patterns) == 0 {
		panic("stars: Read needs at least one input pattern")
	}
	pats := beam.CreateList(s, patterns)
	files := beam.ParDo(s, expandPattern, pats)
	files = beam.Reshuffle(s, files)
	return beam.ParDo3(s, &readFileFn{BlockSize: opt.BlockSize}, files)
}

// expandPattern lists the files a pattern names.
func expandPattern(ctx context.Context, pattern string, emit func(string)) error {
	infos, err := store.Glob(ctx, pattern)
	if err != nil {
		return fmt.Errorf("input %s: %w", pattern, err)
	}
	n := 0
	for _, in := range infos {
		if partition.IsDataFile(in.Path) {
			emit(in.Path)
			n++
		}
	}
	if n == 0 {
		return fmt.Errorf("input %s: no partition files match", pattern)
	}
	return nil
}

type readFileFn struct {
	BlockSize int
}

// ProcessElement reads one file. Its tally counts the rows the reader saw,
// and apart from that the stars and rejects actually emitted, so a reader
// that lost a row would not reconcile.
func (fn *readFileFn) ProcessElement(ctx context.Context, path string, emit func(star.Block), reject func(partition.Reject), tally func(string, star.Tally)) error {
	start := time.Now()
	opt := partition.Options{BlockSize: fn.BlockSize}
	var nStars, nRejects int64
	emitBlock := func(b *star.Block) error {
		nStars += int64(b.Len())
		emit(*b)
		return nil
	}
	emitReject := func(r partition.Reject) {
		nRejects++
		reject(r)
	}
	c, err := partition.ReadPath(ctx, path, opt, emitBlock, emitReject)
	if err != nil {
		return err // names the file already
	}
	t := star.Tally{star.Files: 1, star.RowsIn: c.Rows, star.StarsIn: nStars, star.Rejected: nRejects}
	Monitor(ctx, t)
	tally(path, t)
	Progress("rows read", c.Rows)
	log.Debugf(ctx, "read %s: %d rows, %d stars, %d rejected in %v", path, c.Rows, nStars, nRejects, time.Since(start))
	return nil
}

func init() {
	register.Function3x1(expandPattern)
	register.DoFn5x1[context.Context, string, func(star.Block), func(partition.Reject), func(string, star.Tally), error](&readFileFn{})
}
