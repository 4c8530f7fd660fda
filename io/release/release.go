// Package release publishes a catalog atomically and keeps its versions.
//
// Layout under a catalog folder (local or gs://):
//
//	CURRENT                      the published version's name, e.g. "v0003"; written last
//	v0003/manifest.json          what v0003 is: inputs, model checksum, options, counts, shards
//	v0003/table1.json, ...       the version's summaries and plots
//	shards/<name>.<key>.csv.gz   catalog shards, one per input partition, and .parquet twins
//
// A shard's key is a hash of everything its content depends on: the input
// partition's path and version (object generation or modification time), the
// model's checksum and the options. A shard is never rewritten, so a version
// is complete as soon as its manifest exists, readers that follow CURRENT see
// the old complete version or the new complete one, never a mix, and a run
// killed half-way leaves CURRENT as it was while the shards it finished are
// reused by the next run.
package release

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/gaiaflow/gaiaflow/io/store"
	"github.com/gaiaflow/gaiaflow/model/star"
)

// Format is the manifest format this version writes. Format 2 added the
// counts, rejects and checksums of every shard; format 1 manifests are still
// read (as a previous version to build on).
const Format = "gaiaflow-catalog/2"

const format1 = "gaiaflow-catalog/1"

// File names inside a catalog folder.
const (
	CurrentName  = "CURRENT"
	ManifestName = "manifest.json"
	ShardDir     = "shards"
)

// Input is one input partition and the shard made from it.
type Input struct {
	Path    string `json:"path"`
	Size    int64  `json:"size"`
	Version int64  `json:"version"` // object generation or modification time (ns)
	Key     string `json:"key"`     // ShardKey
	Shard   string `json:"shard"`   // the CSV shard, relative to the catalog folder
	Parquet string `json:"parquet"` // the Parquet twin
	Stars   int64  `json:"stars"`   // rows in the shard
	// Arrived is when the partition was last written (its modification
	// time), from which a followed catalog measures its delay.
	Arrived time.Time `json:"arrived,omitzero"`
	// Rejects names the CSV of the partition's rejected rows (file, line,
	// reason, text), relative to the catalog folder; empty when none.
	Rejects string `json:"rejects,omitempty"`
	// Counts is what became of the partition's rows (star.Tally): rows_in,
	// stars_in, rejected, the cuts and stars_out, which reconcile.
	Counts star.Tally `json:"counts,omitempty"`
	// Files are the shard's files (CSV, Parquet, rejects) with their sizes
	// and SHA-256, so a reader can verify a version.
	Files []File `json:"files,omitempty"`
	// MinSourceID and MaxSourceID bound the shard's source_ids (Gaia's
	// partitions are disjoint ranges), so duplicates across shards are
	// looked for only where ranges overlap.
	MinSourceID int64 `json:"min_source_id,omitempty"`
	MaxSourceID int64 `json:"max_source_id,omitempty"`
	// DuplicateRows counts the shard's rows whose source_id another row of
	// the shard shares (each flagged "duplicate").
	DuplicateRows int64 `json:"duplicate_rows,omitempty"`
}

// Manifest describes one published version of a catalog.
type Manifest struct {
	Format      string          `json:"format"`
	Version     string          `json:"version"` // "v0003"
	Created     time.Time       `json:"created"`
	Model       string          `json:"model"`        // path of the CMD model
	ModelSHA256 string          `json:"model_sha256"` // its checksum
	Prior       string          `json:"prior"`        // the distance prior, by name
	Options     json.RawMessage `json:"options"`      // the estimator's configuration
	Dust        string          `json:"dust"`         // the dust map
	Inputs      []Input         `json:"inputs"`
	// Counts sums the counts of every input, those computed by this
	// version's run and those reused from earlier runs alike, so in = out +
	// cut + rejected holds per version.
	Counts star.Tally `json:"counts,omitempty"`
	Stars  int64      `json:"stars"`
	Files  []File     `json:"files,omitempty"` // the version's summaries and plots, relative to the catalog folder
	// DuplicateRows counts the rows whose source_id another row of the
	// version shares: inside a shard (flagged "duplicate" in the rows) or
	// in another shard (listed in the version's duplicates.csv: source_id
	// and the two input partitions). Gaia's partitions are disjoint, so a
	// duplicate means the inputs overlap.
	DuplicateRows int64 `json:"duplicate_rows,omitempty"`
	// Follow says, for a version a followed catalog published, what it
	// added and how long the new partitions waited.
	Follow *FollowStats `json:"follow,omitempty"`
}

// ShardKey returns the key of the shard made from in with the model of
// checksum modelSum and the options (any deterministic encoding).
func ShardKey(in store.Info, modelSum string, options []byte) string {
	h := sha256.New()
	fmt.Fprintf(h, "%s\x00%d\x00%d\x00%s\x00", in.Path, in.Size, in.Version, modelSum)
	h.Write(options)
	return hex.EncodeToString(h.Sum(nil))[:16]
}

// ShardName returns the shard path (relative to the catalog folder) for an
// input partition and key: its base name without compression and format
// extensions, then the key, then ext (".csv.gz" or ".parquet").
func ShardName(input, key, ext string) string {
	base := store.Base(input)
	for _, e := range []string{".gz", ".csv", ".ecsv", ".parquet"} {
		base = strings.TrimSuffix(base, e)
	}
	return ShardDir + "/" + base + "." + key + ext
}

// ErrNoRelease means the folder has no published version yet.
var ErrNoRelease = errors.New("no published catalog version")

// Current reads the published manifest of the catalog at dir.
func Current(ctx context.Context, dir string) (*Manifest, error) {
	cur, err := store.ReadFile(ctx, store.Join(dir, CurrentName))
	if errors.Is(err, store.ErrNotExist) {
		return nil, fmt.Errorf("%s: %w", dir, ErrNoRelease)
	}
	if err != nil {
		return nil, err
	}
	v := strings.TrimSpace(string(cur))
	if _, ok := versionNumber(v); !ok {
		return nil, fmt.Errorf("%s: CURRENT names %q, which is not a version of this catalog (v0001, v0002, ...)", dir, v)
	}
	data, err := store.ReadFile(ctx, store.Join(dir, v, ManifestName))
	if err != nil {
		return nil, fmt.Errorf("%s: CURRENT names %s: %w", dir, v, err)
	}
	m, err := ParseManifest(data)
	if err != nil {
		return nil, fmt.Errorf("%s/%s/%s: %w", dir, v, ManifestName, err)
	}
	if m.Version != v {
		return nil, fmt.Errorf("%s: CURRENT names %s, whose manifest says it is %q", dir, v, m.Version)
	}
	return m, nil
}

// ParseManifest decodes and checks a manifest: a known format, a version
// name, counts that are not negative.
func ParseManifest(data []byte) (*Manifest, error) {
	var m Manifest
	if err := json.Unmarshal(data, &m); err != nil {
		return nil, err
	}
	if m.Format != Format && m.Format != format1 {
		return nil, fmt.Errorf("manifest format %q, want %q", m.Format, Format)
	}
	if _, ok := versionNumber(m.Version); !ok {
		return nil, fmt.Errorf("manifest version %q is not a version name", m.Version)
	}
	if m.Stars < 0 {
		return nil, fmt.Errorf("manifest: %d stars", m.Stars)
	}
	for _, in := range m.Inputs {
		if in.Stars < 0 || in.Path == "" {
			return nil, fmt.Errorf("manifest: input %q with %d stars", in.Path, in.Stars)
		}
	}
	return &m, nil
}

// NextVersion returns the name of the version after the published one
// ("v0001" for a new catalog).
func NextVersion(ctx context.Context, dir string) (string, error) {
	m, err := Current(ctx, dir)
	if errors.Is(err, ErrNoRelease) {
		return "v0001", nil
	}
	if err != nil {
		return "", err
	}
	n, ok := versionNumber(m.Version)
	if !ok {
		return "", fmt.Errorf("%s: manifest version %q is not a version name", dir, m.Version)
	}
	return versionName(n + 1), nil
}

// versionNumber parses a version name, "v" and at least four digits.
func versionNumber(v string) (int, bool) {
	digits, ok := strings.CutPrefix(v, "v")
	if !ok || len(digits) < 4 {
		return 0, false
	}
	for _, c := range digits {
		if c < '0' || c > '9' {
			return 0, false
		}
	}
	n, err := strconv.Atoi(digits)
	return n, err == nil
}

func versionName(n int) string { return fmt.Sprintf("v%04d", n) }

// Publish writes m as version m.Version of the catalog at dir and then
// points CURRENT at it, if CURRENT still names previous ("" for a catalog
// without a version): a compare-and-swap, so a run that planned on a version
// another run has since replaced fails loudly instead of hiding that
// publication. Callers hold the catalog's Lock, which makes the check and
// the swap one step. Every shard m lists must already exist.
func Publish(ctx context.Context, dir string, m *Manifest, previous string) error {
	m.Format = Format
	cur, err := Current(ctx, dir)
	switch {
	case errors.Is(err, ErrNoRelease):
		if previous != "" {
			return fmt.Errorf("publish %s: %s had version %s when this run began and now has none", m.Version, dir, previous)
		}
	case err != nil:
		return fmt.Errorf("publish %s: %w", m.Version, err)
	case cur.Version != previous:
		return fmt.Errorf("publish %s: %s moved from %q to %s while this run worked (another run published it); nothing published", m.Version, dir, previous, cur.Version)
	}
	for _, in := range m.Inputs {
		if _, err := store.Stat(ctx, store.Join(dir, in.Shard)); err != nil {
			return fmt.Errorf("publish %s: shard of %s: %w", m.Version, in.Path, err)
		}
	}
	data, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return err
	}
	if err := store.WriteFile(ctx, store.Join(dir, m.Version, ManifestName), data); err != nil {
		return err
	}
	return store.WriteFile(ctx, store.Join(dir, CurrentName), []byte(m.Version+"\n"))
}
