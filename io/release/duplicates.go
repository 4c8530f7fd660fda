package release

import (
	"bytes"
	"context"
	"fmt"
	"sort"
	"strconv"

	"github.com/gaiaflow/gaiaflow/io/catalog"
	"github.com/gaiaflow/gaiaflow/io/store"
)

// sharedID is a source_id that the shards of two inputs both hold.
type sharedID struct {
	id   int64
	a, b string // the inputs' partitions
}

// crossDuplicates finds the source_ids that shards of different inputs
// share. Gaia's partitions are disjoint ranges of source_id, so it compares
// only shards whose [min, max] ranges overlap, reading their source_ids
// from the Parquet shards; normally it reads nothing.
func crossDuplicates(ctx context.Context, dir string, inputs []Input) ([]sharedID, error) {
	ins := make([]Input, 0, len(inputs))
	for _, in := range inputs {
		if in.Stars > 0 {
			ins = append(ins, in)
		}
	}
	sort.Slice(ins, func(i, j int) bool { return ins[i].MinSourceID < ins[j].MinSourceID })
	ids := map[string][]int64{}
	load := func(in Input) ([]int64, error) {
		if v, ok := ids[in.Path]; ok {
			return v, nil
		}
		f, err := store.OpenFile(ctx, store.Join(dir, in.Parquet))
		if err != nil {
			return nil, err
		}
		defer f.Close()
		rows, err := catalog.ReadParquet(f, f.Size(), in.Parquet)
		if err != nil {
			return nil, err
		}
		ids[in.Path] = rows.SourceID // sorted, as every shard is
		return rows.SourceID, nil
	}
	var shared []sharedID
	for i := range ins {
		for j := i + 1; j < len(ins) && ins[j].MinSourceID <= ins[i].MaxSourceID; j++ {
			a, err := load(ins[i])
			if err != nil {
				return nil, err
			}
			b, err := load(ins[j])
			if err != nil {
				return nil, err
			}
			for x, y := 0, 0; x < len(a) && y < len(b); {
				switch {
				case a[x] < b[y]:
					x++
				case a[x] > b[y]:
					y++
				default:
					shared = append(shared, sharedID{a[x], ins[i].Path, ins[j].Path})
					x++
					y++
				}
			}
		}
	}
	return shared, nil
}

// duplicatesCSV lists shared source_ids for a version's duplicates.csv.
func duplicatesCSV(shared []sharedID) []byte {
	var b bytes.Buffer
	b.WriteString("source_id,partition_a,partition_b\n")
	for _, s := range shared {
		fmt.Fprintf(&b, "%s,%s,%s\n", strconv.FormatInt(s.id, 10), strconv.Quote(s.a), strconv.Quote(s.b))
	}
	return b.Bytes()
}
