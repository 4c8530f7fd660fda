package dustfile

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/gaiaflow/gaiaflow/model/dust"
)

// Dust maps as every command names them (--dust, dust query --map):
//
//	none         no dust
//	constant:E   a foreground screen of E (E(g-r)) everywhere, e.g. constant:0.037
//	PATH         a map file, local or gs://: gaiaflow compact (.gfdust), Bayestar
//	             HDF5 (.h5), or the JSON of an analytic map (a mock's dust.json)

// IsFile reports whether spec names a map file (not "none" or
// "constant:E").
func IsFile(spec string) bool {
	return !(spec == "" || spec == "none" || strings.HasPrefix(spec, "constant:"))
}

// analytic returns the map of a spec that is not a file.
func analytic(spec string) (dust.Map, error) {
	if spec == "" || spec == "none" {
		return dust.NewExact(dust.Constant{}), nil
	}
	v, err := strconv.ParseFloat(strings.TrimPrefix(spec, "constant:"), 64)
	if err != nil || !(v >= 0) || v > 100 {
		return nil, fmt.Errorf("dust %q: want constant:E with 0 <= E <= 100", spec)
	}
	return dust.NewExact(dust.Constant{Value: v}), nil
}

// OpenSpec opens the dust map named by spec (see above); a file is read
// afresh (Open).
func OpenSpec(ctx context.Context, spec string, opt Options) (dust.Map, error) {
	if !IsFile(spec) {
		return analytic(spec)
	}
	return Open(ctx, spec, opt)
}

// SharedSpec is OpenSpec with a file loaded once per process (Shared), as
// the workers of a pipeline want it.
func SharedSpec(ctx context.Context, spec string, opt Options) (dust.Map, error) {
	if !IsFile(spec) {
		return analytic(spec)
	}
	return Shared(ctx, spec, opt)
}
