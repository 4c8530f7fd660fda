package partition

import (
	"path"
	"strings"
)

// IsDataFile reports whether the file p (a local or gs:// path) may be a
// star table: the files that sit beside partitions (checksums, manifests,
// READMEs, markers) are not.
func IsDataFile(p string) bool {
	b := strings.ToLower(path.Base(p))
	for _, ext := range []string{".md5", ".json", ".md", ".txt", ".html", "_success"} {
		if strings.HasSuffix(b, ext) {
			return false
		}
	}
	return true
}
