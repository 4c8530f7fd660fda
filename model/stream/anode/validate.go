package anode

import (
	"fmt"
	"math"
	"strings"
	"time"
)

// MinBackground is the least number of background stars a cut must keep to
// count in a maximum SIC: fewer make eps_B, and so eps_S/sqrt(eps_B), mostly
// noise.
const MinBackground = 20

// Validation is the result of ANODE on a labelled patch, beside the true
// density ratio's (the ceiling).
type Validation struct {
	Window                 Window
	Stars, SRStars, Signal int // stars in the patch, in the search region, in the stream (within the region)

	AUC float64 // of the ANODE log R of the search-region stars (App. A averages)
	SIC SIC     // its best eps_S/sqrt(eps_B) with at least MinBackground background stars

	TrueAUC float64 // of the true ratio (logp_sig_true - logp_bkg_true)
	TrueSIC SIC

	CREpoch  int        // last epoch of the CR window chosen by the App. A criterion
	CREpochs int        // epochs the CR flow trained (fewer than Options.Epochs if it stopped early)
	Curve    []EpochSIC // one per epoch of the CR flow

	Options Options       // with defaults filled in, without the hook
	Elapsed time.Duration // wall time of Score
}

// EpochSIC is the separation of signal from background after one epoch of
// both flows.
type EpochSIC struct {
	Epoch int
	// AUC and SIC of log R = log p_SR - log p_CR with both flows as they
	// are after this epoch.
	AUC, SIC float64
	// AvgAUC and AvgSIC with both densities averaged over the last
	// min(Average, Epoch) epochs.
	AvgAUC, AvgSIC float64
	Spread         float64 // the App. A criterion of the CR window ending here (NaN before Average)
	HeldOutLoss    float64 // the CR flow's held-out loss (Options.Patience; NaN without)
}

// Validate runs Score on the search region w of a labelled patch (for the
// development patch, DevWindow) with options opt (their hook is replaced)
// and measures the result against the labels: AUC and maximum SIC (at least
// MinBackground background stars) of the final, App. A, log R; the same
// after every epoch; and the true ratio's, from the true densities.
func Validate(dev *Dev, w Window, opt Options) (*Validation, error) {
	p := &dev.Patch
	members := p.Members(nil, w)
	v := &Validation{Window: w, Stars: p.Len(), SRStars: len(members), Options: opt.withDefaults()}
	v.Options.OnEpoch = nil
	sig := make([]bool, len(members))
	truth := make([]float64, len(members))
	for k, i := range members {
		sig[k] = dev.Signal[i]
		truth[k] = dev.LogPSig[i] - dev.LogPBkg[i]
	}
	v.Signal, _ = Labels(sig)
	if v.Signal == 0 || v.Signal == len(sig) {
		return nil, fmt.Errorf("anode: validate: region %v holds %d signal stars of %d", w, v.Signal, len(sig))
	}
	v.TrueAUC = AUC(truth, sig)
	v.TrueSIC = MaxSIC(truth, sig, MinBackground)

	// The SR flow runs first: keep its per-epoch densities, then score each
	// epoch of the CR flow against the SR flow at the same epoch.
	var srRaw, srAvg [][]float64
	logR := make([]float64, len(members))
	opt.OnEpoch = func(e Epoch) error {
		if opt.Method == Cathode {
			return nil // no SR flow: the classifiers score the region at the end
		}
		if e.Model == SRModel {
			srRaw = append(srRaw, append([]float64(nil), e.LogP...))
			srAvg = append(srAvg, append([]float64(nil), e.LogPAvg...))
			return nil
		}
		es := EpochSIC{Epoch: e.Epoch, HeldOutLoss: e.HeldOutLoss}
		for i := range logR {
			logR[i] = srRaw[e.Epoch-1][i] - e.LogP[i]
		}
		es.AUC, es.SIC = AUC(logR, sig), MaxSIC(logR, sig, MinBackground).Max
		for i := range logR {
			logR[i] = srAvg[e.Epoch-1][i] - e.LogPAvg[i]
		}
		es.AvgAUC, es.AvgSIC = AUC(logR, sig), MaxSIC(logR, sig, MinBackground).Max
		v.Curve = append(v.Curve, es)
		return nil
	}
	t0 := time.Now()
	res, err := Score(p, w, opt)
	if err != nil {
		return nil, err
	}
	v.Elapsed = time.Since(t0)
	for k := range v.Curve {
		if k < len(res.Spread) {
			v.Curve[k].Spread = res.Spread[k]
		}
	}
	v.CREpoch, v.CREpochs = res.CREpoch, res.CREpochs
	v.AUC = AUC(res.LogR, sig)
	v.SIC = MaxSIC(res.LogR, sig, MinBackground)
	return v, nil
}

// String renders v as a short Markdown report.
func (v *Validation) String() string {
	var b strings.Builder
	o := v.Options
	fmt.Fprintf(&b, "%s on %d stars, search region %v: %d stars, %d in the stream\n", strings.ToUpper(o.Method.String()), v.Stars, v.Window, v.SRStars, v.Signal)
	fmt.Fprintf(&b, "features %v, %d blocks x %d, batch %d, lr %g, %d epochs, averages over %d epochs, seed %d, %s\n\n",
		o.Features, o.Blocks, o.Hidden, o.Batch, o.LR, o.Epochs, o.Average, o.Seed, v.Elapsed.Round(time.Millisecond))
	if o.Patience > 0 {
		fmt.Fprintf(&b, "the control-region flow stopped after %d of %d epochs (patience %d, min delta %g nats, %g of its stars held out)\n\n",
			v.CREpochs, o.Epochs, o.Patience, o.MinDelta, o.HoldOut)
	}
	fmt.Fprintf(&b, "| | AUC | max SIC (>= %d bkg) | eps_S | eps_B | S | B |\n|---|---|---|---|---|---|---|\n", MinBackground)
	row := func(name string, auc float64, s SIC) {
		fmt.Fprintf(&b, "| %s | %.4f | %.2f | %.3f | %.2e | %d | %d |\n", name, auc, s.Max, s.EffS, s.EffB, s.S, s.B)
	}
	if o.Method == Cathode {
		row(fmt.Sprintf("CATHODE (CR last %d, %d folds, classifiers' best %d of %d epochs)", o.Average, o.Cathode.Folds, o.Cathode.Average, o.Cathode.Epochs), v.AUC, v.SIC)
	} else {
		row(fmt.Sprintf("ANODE (SR last %d, CR window ending %d)", o.Average, v.CREpoch), v.AUC, v.SIC)
	}
	row("true ratio", v.TrueAUC, v.TrueSIC)
	fmt.Fprintf(&b, "\n| epoch | AUC | max SIC | AUC (avg) | max SIC (avg) | CR spread | CR held-out loss |\n|---|---|---|---|---|---|---|\n")
	orDash := func(x float64) string {
		if math.IsNaN(x) {
			return "-"
		}
		return fmt.Sprintf("%.4f", x)
	}
	for _, e := range v.Curve {
		fmt.Fprintf(&b, "| %d | %.4f | %.2f | %.4f | %.2f | %s | %s |\n", e.Epoch, e.AUC, e.SIC, e.AvgAUC, e.AvgSIC, orDash(e.Spread), orDash(e.HeldOutLoss))
	}
	return b.String()
}
