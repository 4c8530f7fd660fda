package mockio

import (
	"encoding/json"

	"github.com/gaiaflow/gaiaflow/model/mock"
)

// File is one partition of a mock and its truth table, paths relative to
// the mock's folder.
type File struct {
	Partition string `json:"partition"`
	Truth     string `json:"truth"`
	Stars     int64  `json:"stars"`
	MinID     int64  `json:"min_source_id"`
	MaxID     int64  `json:"max_source_id"`
}

// Manifest describes a complete mock sky. It is written last, so a folder
// with a manifest holds every file it lists.
type Manifest struct {
	Format  string      `json:"format"` // "gaiaflow-mock/1"
	Stars   int64       `json:"stars"`
	Files   []File      `json:"files"`
	DustMap string      `json:"dust_map"` // relative path of the dust map's JSON
	Config  mock.Config `json:"config"`
}

// ManifestFormat is the Format of manifests this version writes.
const ManifestFormat = "gaiaflow-mock/1"

// ManifestName and DustName are the file names of the manifest and the dust
// map inside a mock's folder; partitions are GaiaSource_*.csv.gz beside
// them, truth tables under truth/.
const (
	ManifestName = "manifest.json"
	DustName     = "dust.json"
	TruthDir     = "truth"
)

// Marshal returns m as indented JSON.
func (m *Manifest) Marshal() ([]byte, error) { return json.MarshalIndent(m, "", "  ") }
