package store

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"strconv"
)

// Checksum returns a fingerprint of p's content, prefixed by its kind: the
// MD5 or CRC32C that Cloud Storage keeps of an object (read from its
// metadata, not its bytes), or the SHA-256 of a local file. Two files with
// the same content may differ in kind across stores; the same file keeps its
// fingerprint until its content changes.
func Checksum(ctx context.Context, p string) (string, error) {
	if IsGCS(p) {
		o, err := object(ctx, p)
		if err != nil {
			return "", err
		}
		qctx, cancel := quick(ctx)
		defer cancel()
		a, err := o.Attrs(qctx)
		if err != nil {
			return "", gcsErr(p, err)
		}
		if len(a.MD5) > 0 {
			return "md5:" + hex.EncodeToString(a.MD5), nil
		}
		// Composite objects have no MD5.
		return "crc32c:" + strconv.FormatUint(uint64(a.CRC32C), 16) + ":" + strconv.FormatInt(a.Size, 10), nil
	}
	f, err := os.Open(p)
	if err != nil {
		return "", fmt.Errorf("store: %w", err)
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", fmt.Errorf("store: read %s: %w", p, err)
	}
	return "sha256:" + hex.EncodeToString(h.Sum(nil)), nil
}
