package distance

import (
	"errors"
	"math"
	"math/rand/v2"
	"testing"
)

// clusterSample draws nc members N(mean, sigma) seen through per-star errors
// uniform in [emin, emax] (0, 0 for none), and nf field stars spread as
// N(1.5 kpc, 0.8 kpc) (above 50 pc): a cone towards an open cluster whose
// field is what the mixture's second component assumes. (A field that is
// not Gaussian, say log-normal, puts more of its stars under the cluster
// than the fitted field component expects, and the cluster absorbs them.)
func clusterSample(r *rand.Rand, nc, nf int, mean, sigma, emin, emax float64) (x, errs []float64) {
	for i := 0; i < nc; i++ {
		e := emin + (emax-emin)*r.Float64()
		x = append(x, mean+sigma*r.NormFloat64()+e*r.NormFloat64())
		errs = append(errs, e)
	}
	for i := 0; i < nf; i++ {
		d := 1500 + 800*r.NormFloat64()
		for d < 50 {
			d = 1500 + 800*r.NormFloat64()
		}
		x = append(x, d)
		errs = append(errs, emin+(emax-emin)*r.Float64())
	}
	return x, errs
}

// The cluster of a synthetic cone is found where it was put, and MeanErr is
// an honest standard error: the pulls (Mean - truth)/MeanErr over many cones
// have unit spread.
func TestFitClusterRecoversTruth(t *testing.T) {
	const truth, depth = 845.0, 6.0 // pc: M67 in paper 000 Table 2
	r := rand.New(rand.NewPCG(1, 2))
	var pulls []float64
	for trial := 0; trial < 200; trial++ {
		x, _ := clusterSample(r, 300, 1200, truth, depth, 0, 0)
		fit, err := FitCluster(x, ClusterOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if math.Abs(fit.Sigma-depth) > 0.25*depth || math.Abs(fit.Members-300) > 30 {
			t.Fatalf("trial %d: sigma %g members %g, want %g and 300", trial, fit.Sigma, fit.Members, depth)
		}
		pulls = append(pulls, (fit.Mean-truth)/fit.MeanErr)
	}
	var m, v float64
	for _, p := range pulls {
		m += p
	}
	m /= float64(len(pulls))
	for _, p := range pulls {
		v += (p - m) * (p - m)
	}
	sd := math.Sqrt(v / float64(len(pulls)-1))
	if math.Abs(m) > 0.25 || sd < 0.8 || sd > 1.25 {
		t.Errorf("pulls: mean %.3f sd %.3f over %d cones, want 0 and 1", m, sd, len(pulls))
	}
}

// With per-star errors larger than the cluster's depth, the plain fit
// measures the blurred width and the deconvolved fit the true depth.
func TestFitClusterDeconvolves(t *testing.T) {
	const truth, depth = 845.0, 6.0
	r := rand.New(rand.NewPCG(3, 4))
	x, e := clusterSample(r, 2000, 3000, truth, depth, 10, 30)
	plain, err := FitCluster(x, ClusterOptions{})
	if err != nil {
		t.Fatal(err)
	}
	xd, err := FitCluster(x, ClusterOptions{Errors: e})
	if err != nil {
		t.Fatal(err)
	}
	blurred := math.Sqrt(depth*depth + (10*10+10*30+30*30)/3.0) // E[e²] for e uniform in [10, 30]
	if math.Abs(plain.Sigma-blurred) > 0.1*blurred {
		t.Errorf("plain sigma %g, want the blurred %g", plain.Sigma, blurred)
	}
	if math.Abs(xd.Sigma-depth) > 0.3*depth {
		t.Errorf("deconvolved sigma %g, want %g", xd.Sigma, depth)
	}
	if math.Abs(xd.Mean-truth) > 4*xd.MeanErr || math.Abs(plain.Mean-truth) > 4*plain.MeanErr {
		t.Errorf("means %g ± %g (XD), %g ± %g (plain), want %g", xd.Mean, xd.MeanErr, plain.Mean, plain.MeanErr, truth)
	}
	// Weights 1/e²: a weighted plain fit still finds the centre.
	w := make([]float64, len(e))
	for i := range e {
		w[i] = 1 / (e[i] * e[i])
	}
	wf, err := FitCluster(x, ClusterOptions{Weights: w})
	if err != nil || math.Abs(wf.Mean-truth) > 4*wf.MeanErr {
		t.Errorf("weighted: %g ± %g, %v", wf.Mean, wf.MeanErr, err)
	}
}

func TestFitClusterBadInput(t *testing.T) {
	if _, err := FitCluster([]float64{1, 2, math.NaN(), 3}, ClusterOptions{}); !errors.Is(err, ErrNoData) {
		t.Errorf("4 points: %v", err)
	}
	if _, err := FitCluster([]float64{1, 2, 3, 4, 5}, ClusterOptions{Errors: []float64{1}}); err == nil {
		t.Error("short errors: no error")
	}
	if _, err := FitCluster([]float64{7, 7, 7, 7, 7, 7}, ClusterOptions{}); err == nil {
		t.Error("equal distances: no error")
	}
	x := []float64{math.NaN(), 800, 801, 799, 802, 798, 800.5, 1500, 3000, 400, 2200, 799.5}
	fit, err := FitCluster(x, ClusterOptions{})
	if err != nil || !math.IsNaN(fit.Resp[0]) || len(fit.Resp) != len(x) {
		t.Errorf("with a NaN: %v, resp %v", err, fit.Resp)
	}
}

func TestCone(t *testing.T) {
	if !M67Cone.Contains(132.825, 11.8) || M67Cone.Contains(132.825, 12.2) {
		t.Error("M67 cone")
	}
	if math.Abs(M67Cone.RA-132.825) > 1e-12 || math.Abs(M67Cone.Dec-11.816666666666666) > 1e-12 {
		t.Errorf("M67 cone centre %g %g", M67Cone.RA, M67Cone.Dec)
	}
}
