// Command gaiaflow turns Gaia source tables into photometric-distance
// catalogs and stellar-stream candidates with Apache Beam pipelines that run
// unchanged on the embedded local runner, Flink and Google Cloud Dataflow.
//
// Usage:
//
//	gaiaflow <command> [flags] [Beam flags]
//
// Run `gaiaflow help` for the commands and `gaiaflow <command> --help` for one.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"sort"
	"strings"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"
	"github.com/gaiaflow/gaiaflow/runners"
)

// command is one sub-command of gaiaflow.
type command struct {
	name    string
	summary string // one line, for the command list
	usage   string // what it does, a paragraph
	example string
	// setup declares the command's flags on fs and returns the function
	// that runs it once flags are parsed.
	setup func(fs *flag.FlagSet) func(ctx context.Context, args []string) error
}

var commands = map[string]*command{}

func register(c *command) { commands[c.name] = c }

func main() {
	if workerMode(os.Args[1:]) {
		// A runner (Dataflow, Flink with a non-loopback environment)
		// launched this binary as its SDK worker: serve bundles.
		flag.Parse()
		beam.Init()
		return
	}
	// A temporary folder of the run's own, removed at the end: Beam leaves
	// a file in it at every job (runners.PrivateTemp).
	restore, err := runners.PrivateTemp()
	if err != nil {
		fmt.Fprintln(os.Stderr, "gaiaflow:", err)
		os.Exit(1)
	}
	code := run(context.Background(), os.Args[1:])
	restore()
	os.Exit(code)
}

func run(ctx context.Context, args []string) int {
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		if len(args) > 1 {
			if c, ok := commands[args[1]]; ok {
				printHelp(c, newFlagSet(c))
				return 0
			}
		}
		printCommands()
		return 0
	}
	// Two-word commands ("flow fit") take their second word here, before
	// flag parsing, which would stop at it.
	if len(args) > 1 {
		if c, ok := commands[args[0]+" "+args[1]]; ok {
			args = append([]string{c.name}, args[2:]...)
		}
	}
	c, ok := commands[args[0]]
	if !ok {
		fmt.Fprintf(os.Stderr, "gaiaflow: unknown command %q\n\n", args[0])
		printCommands()
		return 2
	}
	fs := newFlagSet(c)
	runFn := c.setup(fs)
	ours, beamArgs, err := splitArgs(fs, args[1:])
	if err == nil {
		err = fs.Parse(ours)
	}
	if errors.Is(err, flag.ErrHelp) {
		printHelp(c, fs)
		return 0
	}
	if err == nil {
		err = flag.CommandLine.Parse(beamArgs)
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "gaiaflow %s: %v\n(see gaiaflow %s --help)\n", c.name, err, c.name)
		return 2
	}
	for _, w := range warnDeprecated(fs) {
		fmt.Fprintf(os.Stderr, "gaiaflow %s: %s\n", c.name, w)
	}
	beam.Init()
	quietLocalRunner()
	if *cpuProfile != "" {
		stop, err := startCPUProfile(*cpuProfile)
		if err != nil {
			fmt.Fprintf(os.Stderr, "gaiaflow %s: %v\n", c.name, err)
			return 1
		}
		defer stop()
	}
	if err := runFn(ctx, fs.Args()); err != nil {
		fmt.Fprintf(os.Stderr, "gaiaflow %s: %s\n", c.name, rootCause(err))
		return 1
	}
	if *memProfile != "" {
		if err := writeMemProfile(*memProfile); err != nil {
			fmt.Fprintf(os.Stderr, "gaiaflow %s: %v\n", c.name, err)
			return 1
		}
	}
	return 0
}

func newFlagSet(c *command) *flag.FlagSet {
	fs := flag.NewFlagSet(c.name, flag.ContinueOnError)
	fs.SetOutput(os.Stderr)
	fs.Usage = func() {}
	return fs
}

func printCommands() {
	fmt.Println("gaiaflow: Gaia photometric distances and stellar streams with Apache Beam.")
	fmt.Println("\nUsage: gaiaflow <command> [flags] [Beam flags such as --runner]\n\nCommands:")
	names := make([]string, 0, len(commands))
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Printf("  %-20s %s\n", n, commands[n].summary)
	}
	fmt.Println("\nRun `gaiaflow <command> --help` for its flags and an example.")
}

func printHelp(c *command, fs *flag.FlagSet) {
	defined := false
	fs.VisitAll(func(*flag.Flag) { defined = true })
	if !defined {
		c.setup(fs)
	}
	fmt.Printf("gaiaflow %s: %s\n\n%s\n\nExample:\n  %s\n\nFlags:\n", c.name, c.summary, c.usage, c.example)
	fs.SetOutput(os.Stdout)
	fs.PrintDefaults()
	fmt.Print(beamFlagsHelp)
}

const beamFlagsHelp = `
Beam flags pass through unchanged, for example:
  --runner=prism (default, embedded) | direct | universal | flink | dataflow
  --endpoint=HOST:PORT        a Beam job server (Flink's, or a standalone prism)
  --environment_type=LOOPBACK | EXTERNAL | DOCKER | PROCESS, --environment_config=...
  --worker_binary=PATH        a prebuilt linux/amd64 gaiaflow for remote workers
  --job_name, --project, --region, --staging_location, --temp_location, --dry_run
`

// rootCause trims a runner's error to what the user needs: Beam wraps the
// DoFn's error in the whole execution plan of the failed bundle.
func rootCause(err error) string {
	msg := err.Error()
	if i := strings.LastIndex(msg, "] failed:\n"); i >= 0 {
		msg = msg[i+len("] failed:\n"):]
	}
	return strings.TrimSpace(strings.Trim(msg, `"`))
}

// quietLocalRunner keeps the embedded runner's log off the terminal: its
// INFO lines are per-job chatter, and its ERROR lines repeat the failed
// bundle's whole plan, whose cause gaiaflow prints itself. Remote
// submissions keep their log, since it carries the job's id, its URL and,
// for --dry_run, the job itself.
func quietLocalRunner() {
	if r := runners.Name(); r == "prism" || r == "direct" {
		slog.SetDefault(slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelError + 4})))
	}
}
