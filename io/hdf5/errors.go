package hdf5

import (
	"errors"
	"fmt"
)

var (
	// ErrUnsupported is wrapped by every error about a valid HDF5 feature that
	// this package does not read; the message names the feature.
	ErrUnsupported = errors.New("hdf5: unsupported feature")
	// ErrFormat is wrapped by every error about bytes that break the HDF5
	// format: a bad signature, a checksum that does not match, a structure
	// that points outside the file.
	ErrFormat = errors.New("hdf5: malformed file")
	// ErrNotFound is wrapped when a path names no object, or an object has no
	// attribute or compound member of the given name.
	ErrNotFound = errors.New("hdf5: not found")
)

func unsupported(format string, args ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{ErrUnsupported}, args...)...)
}

func malformed(format string, args ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{ErrFormat}, args...)...)
}
