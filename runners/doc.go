// Package runners executes gaiaflow pipelines on the runner named by Beam's
// --runner flag and reports what they did.
//
// The runner is chosen at launch, never in pipeline code:
//
//	(default) prism       the embedded local runner, in process
//	direct                the Go direct runner (deprecated by Beam; ignores Reshuffle)
//	universal, flink      a Beam job server (Flink's, or a standalone prism) at --endpoint,
//	                      with --environment_type LOOPBACK | EXTERNAL | DOCKER | PROCESS
//	dataflow              Google Cloud Dataflow: --project --region --staging_location
//	                      --temp_location; --dry_run prints the job without submitting it
//
// Every runner gets the same pipeline, so output is identical across runners.
package runners
