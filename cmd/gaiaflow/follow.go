package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/gaiaflow/gaiaflow/pipelines/distances"
	"github.com/gaiaflow/gaiaflow/runners"
)

// runFollow runs the followed catalog's streaming pipeline. On the local
// runners it runs until SIGINT or SIGTERM, then drains: no partition is
// started any more, those in flight are finished, a last version is
// published if shards arrived, and it exits 0 (a second signal exits at
// once; what was finished is kept). On Dataflow and Flink the job runs on
// the cluster and is drained there.
func runFollow(ctx context.Context, c *catalogSpec, f *followFlags) error {
	if err := c.Validate(); err != nil {
		return err
	}
	if err := distances.CheckFollow(f.poll, f.publish, f.notifications); err != nil {
		return err
	}
	opt, err := c.options(ctx)
	if err != nil {
		return err
	}
	p, err := distances.BuildFollow(opt, f.poll, f.publish, f.notifications)
	if err != nil {
		return err
	}
	local := runners.Name() == "prism" || runners.Name() == "direct" || runners.Loopback()
	if !local || runners.DryRun() {
		_, err := runJob(ctx, p, "distances --follow")
		return err
	}
	fmt.Fprintf(os.Stderr, "gaiaflow distances --follow: following %v into %s (poll every %v, publish every %v); SIGINT or SIGTERM drains\n", c.Inputs, c.Out, f.poll, f.publish)
	sigs := make(chan os.Signal, 2)
	signal.Notify(sigs, syscall.SIGINT, syscall.SIGTERM)
	done := make(chan error, 1)
	go func() {
		_, err := runJob(ctx, p, "distances --follow")
		done <- err
	}()
	select {
	case err := <-done:
		if err == nil {
			err = errors.New("the streaming pipeline ended by itself")
		}
		return err
	case sig := <-sigs:
		fmt.Fprintf(os.Stderr, "gaiaflow distances --follow: %v: draining (%d partitions in flight; a second signal exits now)\n", sig, distances.InFlight())
	}
	distances.Drain()
	for distances.InFlight() > 0 {
		select {
		case <-sigs:
			return errors.New("interrupted while draining; the shards finished so far are kept and a restart publishes them")
		case err := <-done:
			return err
		case <-time.After(100 * time.Millisecond):
		}
	}
	m, err := distances.PublishFollowed(ctx, opt, f.poll, f.publish, f.notifications)
	if err != nil {
		return err
	}
	if m != nil {
		fmt.Printf("drained: published %s/%s: %d stars in %d shards\n", c.Out, m.Version, m.Stars, len(m.Inputs))
	} else {
		fmt.Printf("drained: nothing new to publish in %s\n", c.Out)
	}
	return nil
}
