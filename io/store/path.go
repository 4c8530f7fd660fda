package store

import (
	"fmt"
	"path"
	"path/filepath"
	"strings"
)

const gsScheme = "gs://"

// IsGCS reports whether p names a Cloud Storage object.
func IsGCS(p string) bool { return strings.HasPrefix(p, gsScheme) }

// splitGCS splits gs://bucket/object into its bucket and object names.
func splitGCS(p string) (bucket, object string, err error) {
	rest := strings.TrimPrefix(p, gsScheme)
	bucket, object, _ = strings.Cut(rest, "/")
	if bucket == "" {
		return "", "", fmt.Errorf("store: %q has no bucket", p)
	}
	return bucket, object, nil
}

// Join joins a directory (local or gs://) and a relative name.
func Join(dir string, elem ...string) string {
	if IsGCS(dir) {
		return gsScheme + path.Join(append([]string{strings.TrimPrefix(dir, gsScheme)}, elem...)...)
	}
	return filepath.Join(append([]string{dir}, elem...)...)
}

// Base returns the last element of p.
func Base(p string) string {
	if IsGCS(p) {
		return path.Base(p)
	}
	return filepath.Base(p)
}

// Dir returns all of p but its last element: the folder of a local path or
// of a gs:// object.
func Dir(p string) string {
	if IsGCS(p) {
		return gsScheme + path.Dir(strings.TrimPrefix(p, gsScheme))
	}
	return filepath.Dir(p)
}

// hasMeta reports whether pattern contains glob metacharacters.
func hasMeta(pattern string) bool { return strings.ContainsAny(pattern, `*?[\`) }
