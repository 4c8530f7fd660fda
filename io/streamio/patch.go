package streamio

import (
	"errors"
	"fmt"
	"io"
	"strconv"

	"github.com/parquet-go/parquet-go"

	"github.com/gaiaflow/gaiaflow/io/internal/parquetcheck"
	"github.com/gaiaflow/gaiaflow/model/stream/anode"
)

// ErrFormat is wrapped by the errors of a patch file that cannot be read.
var ErrFormat = errors.New("not a readable patch file")

// patchRow is one star of a staged patch.
type patchRow struct {
	SourceID int64   `parquet:"source_id"`
	Phi      float64 `parquet:"phi"`       // deg, patch frame
	Lambda   float64 `parquet:"lambda"`    // deg
	PMPhi    float64 `parquet:"pm_phi"`    // mas/yr, mu_phi* = mu_phi cos(lambda)
	PMLambda float64 `parquet:"pm_lambda"` // mas/yr
	BPRP     float64 `parquet:"bp_rp"`     // mag; NaN without photometry
	G        float64 `parquet:"g"`         // mag
	PMError  float64 `parquet:"pm_error"`  // mas/yr per coordinate; 0 if unknown
}

const idKey = "gaiaflow.patch_id"

// WritePatch writes p as a Parquet file (zstd; the patch's ID in the
// key-value metadata) to w, which it does not close.
func WritePatch(w io.Writer, p *anode.Patch) error {
	n := p.Len()
	if len(p.Lambda) != n || len(p.PMPhi) != n || len(p.PMLambda) != n || len(p.BPRP) != n || len(p.G) != n || len(p.SourceID) != n {
		return fmt.Errorf("streamio: patch %d: columns of different lengths", p.ID)
	}
	if p.PMError != nil && len(p.PMError) != n {
		return fmt.Errorf("streamio: patch %d: %d proper-motion errors for %d stars", p.ID, len(p.PMError), n)
	}
	pw := parquet.NewGenericWriter[patchRow](w, parquet.Compression(&parquet.Zstd),
		parquet.CreatedBy("gaiaflow", "", ""), parquet.KeyValueMetadata(idKey, strconv.FormatInt(p.ID, 10)))
	buf := make([]patchRow, 0, 1<<14)
	for i := 0; i < n; i++ {
		r := patchRow{p.SourceID[i], p.Phi[i], p.Lambda[i], p.PMPhi[i], p.PMLambda[i], p.BPRP[i], p.G[i], 0}
		if p.PMError != nil {
			r.PMError = p.PMError[i]
		}
		buf = append(buf, r)
		if len(buf) == cap(buf) || i == n-1 {
			if _, err := pw.Write(buf); err != nil {
				return fmt.Errorf("streamio: patch %d: %w", p.ID, err)
			}
			buf = buf[:0]
		}
	}
	return pw.Close()
}

// ReadPatch reads a patch file of size bytes from r. name is the file's
// name in errors, which wrap ErrFormat for a file that is not a readable
// patch. Sizes the footer and page headers state are checked against the
// file's before parquet-go makes room for them (io/internal/parquetcheck).
func ReadPatch(r io.ReaderAt, size int64, name string) (*anode.Patch, error) {
	var p *anode.Patch
	err := parquetcheck.Guard(func() error {
		var err error
		p, err = readPatch(r, size)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("streamio: %s: %w: %w", name, ErrFormat, err)
	}
	return p, nil
}

func readPatch(r io.ReaderAt, size int64) (*anode.Patch, error) {
	if err := parquetcheck.CheckFooter(r, size); err != nil {
		return nil, err
	}
	f, err := parquet.OpenFile(r, size, parquet.SkipBloomFilters(true), parquet.SkipPageIndex(true))
	if err != nil {
		return nil, err
	}
	if err := parquetcheck.CheckRows(f, size); err != nil {
		return nil, err
	}
	idText, ok := f.Lookup(idKey)
	if !ok {
		return nil, fmt.Errorf("no %s", idKey)
	}
	id, err := strconv.ParseInt(idText, 10, 64)
	if err != nil {
		return nil, fmt.Errorf("%s %q", idKey, idText)
	}
	meta := f.Metadata()
	for _, rg := range meta.RowGroups {
		for _, c := range rg.Columns {
			if err := parquetcheck.CheckChunk(r, size, &c.MetaData, rg.NumRows); err != nil {
				return nil, err
			}
		}
	}
	rows := f.NumRows()
	p := &anode.Patch{ID: id}
	rd := parquet.NewGenericReader[patchRow](f)
	defer rd.Close()
	buf := make([]patchRow, 1<<14)
	// Read no more rows than the footer states: on some damaged footers
	// parquet-go's reader returns no rows and no error forever.
	for int64(p.Len()) < rows {
		n, err := rd.Read(buf[:min(int64(len(buf)), rows-int64(p.Len()))])
		for _, s := range buf[:n] {
			p.SourceID = append(p.SourceID, s.SourceID)
			p.Phi = append(p.Phi, s.Phi)
			p.Lambda = append(p.Lambda, s.Lambda)
			p.PMPhi = append(p.PMPhi, s.PMPhi)
			p.PMLambda = append(p.PMLambda, s.PMLambda)
			p.BPRP = append(p.BPRP, s.BPRP)
			p.G = append(p.G, s.G)
			p.PMError = append(p.PMError, s.PMError)
		}
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, err
		}
		if n == 0 {
			return nil, fmt.Errorf("no rows after %d of %d", p.Len(), rows)
		}
	}
	if int64(p.Len()) != rows {
		return nil, fmt.Errorf("%d rows read, the footer says %d", p.Len(), rows)
	}
	return p, nil
}
