package store

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"
)

// tempMark is in the name of every local file being written ("." + base +
// tempMark + random); RemoveTemps finds them by it.
const tempMark = ".tmp"

// umask is this process's file-creation mask, read once from
// /proc/self/status (setting and restoring it with umask(2) would race
// with other goroutines creating files); 022 where it cannot be read.
var umask = readUmask()

func readUmask() fs.FileMode {
	data, err := os.ReadFile("/proc/self/status")
	if err == nil {
		for _, line := range strings.Split(string(data), "\n") {
			if v, ok := strings.CutPrefix(line, "Umask:"); ok {
				if m, err := strconv.ParseUint(strings.TrimSpace(v), 8, 32); err == nil {
					return fs.FileMode(m)
				}
			}
		}
	}
	return 0o022
}

// RemoveTemps deletes the files that writes into dir left unfinished (a
// process killed while writing leaves its hidden temporary file) and that
// were last written more than olderThan ago, so that writes going on now
// are not disturbed. Cloud Storage has no such files: an object appears when
// its upload completes.
func RemoveTemps(ctx context.Context, dir string, olderThan time.Duration) (int, error) {
	if IsGCS(dir) {
		return 0, nil
	}
	entries, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("store: %w", err)
	}
	n := 0
	for _, e := range entries {
		name := e.Name()
		if e.IsDir() || !strings.HasPrefix(name, ".") || !strings.Contains(name, tempMark) {
			continue
		}
		if fi, err := e.Info(); err != nil || time.Since(fi.ModTime()) < olderThan {
			continue
		}
		if err := os.Remove(filepath.Join(dir, name)); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return n, fmt.Errorf("store: %w", err)
		}
		n++
	}
	return n, nil
}

// RemoveAll deletes the folder dir and everything under it (every object
// with the prefix dir/ in Cloud Storage).
func RemoveAll(ctx context.Context, dir string) error {
	if !IsGCS(dir) {
		if err := os.RemoveAll(dir); err != nil {
			return fmt.Errorf("store: %w", err)
		}
		return nil
	}
	infos, err := gcsList(ctx, strings.TrimSuffix(dir, "/")+"/")
	if err != nil {
		return err
	}
	for _, in := range infos {
		if err := gcsRemove(ctx, in.Path); err != nil {
			return err
		}
	}
	return nil
}

// Subdirs returns the names of the folders directly under dir (for Cloud
// Storage, the prefixes of objects one level below dir/), sorted.
func Subdirs(ctx context.Context, dir string) ([]string, error) {
	var names []string
	if IsGCS(dir) {
		infos, err := gcsList(ctx, strings.TrimSuffix(dir, "/")+"/")
		if err != nil {
			return nil, err
		}
		prefix := strings.TrimSuffix(dir, "/") + "/"
		seen := map[string]bool{}
		for _, in := range infos {
			if sub, _, ok := strings.Cut(strings.TrimPrefix(in.Path, prefix), "/"); ok && !seen[sub] {
				seen[sub] = true
				names = append(names, sub)
			}
		}
	} else {
		entries, err := os.ReadDir(dir)
		if err != nil && !errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("store: %w", err)
		}
		for _, e := range entries {
			if e.IsDir() {
				names = append(names, e.Name())
			}
		}
	}
	sort.Strings(names)
	return names, nil
}
