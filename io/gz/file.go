package gz

import (
	"bufio"
	"context"
	"fmt"
	"io"

	"github.com/gaiaflow/gaiaflow/io/store"
)

// OpenFile opens the file at path (local or gs://) for reading its text,
// decompressed if it is gzip (Open): the one way the small text inputs
// (truth tables, development patches, member lists) are read. Closing the
// result closes the file.
func OpenFile(ctx context.Context, path string) (io.ReadCloser, error) {
	r, err := store.Open(ctx, path)
	if err != nil {
		return nil, err
	}
	text, _, err := Open(bufio.NewReaderSize(r, 64<<10))
	if err != nil {
		r.Close()
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return struct {
		io.Reader
		io.Closer
	}{text, r}, nil
}
