package streamio

import (
	"bufio"
	"compress/gzip"
	"context"
	"fmt"
	"strconv"

	"github.com/gaiaflow/gaiaflow/io/store"
	"github.com/gaiaflow/gaiaflow/model/stream"
	"github.com/gaiaflow/gaiaflow/model/stream/anode"
	"github.com/gaiaflow/gaiaflow/model/stream/search"
)

// WriteR writes source_id, phi, lambda, mu_phi*, mu_lambda and log R of the
// stars of the search region k of patch p (as its scan sees it) scored by
// res, to out/r/patch<pixel>[_<scan>]_sr<k>[_r<retraining>].csv.gz.
func WriteR(ctx context.Context, out string, k search.Key, p *anode.Patch, res *anode.Result) error {
	name := fmt.Sprintf("patch%d_sr%d", k.Pixel, k.SR)
	if k.Scan != stream.ScanLambda {
		name = fmt.Sprintf("patch%d_%s_sr%d", k.Pixel, k.Scan, k.SR)
	}
	if k.Retraining > 0 {
		name += fmt.Sprintf("_r%d", k.Retraining)
	}
	name += ".csv.gz"
	path := store.Join(out, "r", name)
	f, err := store.Create(ctx, path)
	if err != nil {
		return fmt.Errorf("streams: %s: %w", path, err)
	}
	zw := gzip.NewWriter(f)
	bw := bufio.NewWriter(zw)
	bw.WriteString("source_id,phi,lambda,pm_phi,pm_lambda,log_r\n")
	pmPhi, pmLambda := p.PMPhi, p.PMLambda
	if k.Scan == stream.ScanPhi {
		pmPhi, pmLambda = pmLambda, pmPhi
	}
	g := func(v float64) string { return strconv.FormatFloat(v, 'g', 8, 64) }
	for k, i := range res.Members {
		id := int64(-1)
		if p.SourceID != nil {
			id = p.SourceID[i]
		}
		fmt.Fprintf(bw, "%d,%s,%s,%s,%s,%s\n", id, g(p.Phi[i]), g(p.Lambda[i]), g(pmPhi[i]), g(pmLambda[i]), g(res.LogR[k]))
	}
	if err := bw.Flush(); err != nil {
		f.Abort()
		return err
	}
	if err := zw.Close(); err != nil {
		f.Abort()
		return err
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("streams: %s: %w", path, err)
	}
	return nil
}
