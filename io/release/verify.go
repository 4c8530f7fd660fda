package release

import (
	"context"
	"errors"
	"fmt"

	"github.com/gaiaflow/gaiaflow/io/store"
	"github.com/gaiaflow/gaiaflow/model/star"
)

// Read reads the manifest of version v of the catalog at dir.
func Read(ctx context.Context, dir, v string) (*Manifest, error) {
	if _, ok := versionNumber(v); !ok {
		return nil, fmt.Errorf("%q is not a version name (v0001, v0002, ...)", v)
	}
	data, err := store.ReadFile(ctx, store.Join(dir, v, ManifestName))
	if err != nil {
		return nil, err
	}
	return ParseManifest(data)
}

// Verify checks version v of the catalog at dir ("" for the published one)
// as a reader would before trusting it: every file the manifest lists exists
// with its size and SHA-256, and the counts of every shard and of the whole
// version reconcile. It returns the manifest and the problems found, joined.
func Verify(ctx context.Context, dir, v string) (*Manifest, error) {
	var m *Manifest
	var err error
	if v == "" {
		m, err = Current(ctx, dir)
	} else {
		m, err = Read(ctx, dir, v)
	}
	if err != nil {
		return nil, err
	}
	if m.Format == format1 {
		return m, fmt.Errorf("%s/%s: a %s manifest has no checksums to verify; regenerate the catalog", dir, m.Version, format1)
	}
	var errs []error
	var stars int64
	for _, in := range m.Inputs {
		if len(in.Files) == 0 {
			errs = append(errs, fmt.Errorf("%s: the manifest lists no files", in.Path))
		}
		for _, f := range in.Files {
			if err := f.Check(ctx, dir); err != nil {
				errs = append(errs, err)
			}
		}
		if err := in.Counts.Reconcile(); err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", in.Path, err))
		}
		if in.Counts[star.StarsOut] != in.Stars {
			errs = append(errs, fmt.Errorf("%s: %d stars, counts say %d", in.Path, in.Stars, in.Counts[star.StarsOut]))
		}
		stars += in.Stars
	}
	for _, f := range m.Files {
		if err := f.Check(ctx, dir); err != nil {
			errs = append(errs, err)
		}
	}
	if err := m.Counts.Reconcile(); err != nil {
		errs = append(errs, fmt.Errorf("version: %w", err))
	}
	if stars != m.Stars {
		errs = append(errs, fmt.Errorf("version: shards hold %d stars, the manifest says %d", stars, m.Stars))
	}
	if len(errs) > 0 {
		return m, fmt.Errorf("%s/%s does not verify: %w", dir, m.Version, errors.Join(errs...))
	}
	return m, nil
}
