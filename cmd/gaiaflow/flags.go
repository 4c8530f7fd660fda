package main

import (
	"flag"
	"fmt"
	"strconv"
	"strings"
)

// splitArgs separates the command's own flags from Beam's: a flag the
// command defines goes to it, a flag registered on the global flag set (Beam
// registers its options there: --runner, --endpoint, --project, ...) is
// passed through, anything else is an error. Positional arguments stay with
// the command.
func splitArgs(fs *flag.FlagSet, args []string) (ours, beamArgs []string, err error) {
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			ours = append(ours, args[i:]...)
			break
		}
		if !strings.HasPrefix(a, "-") || a == "-" {
			ours = append(ours, a)
			continue
		}
		name, _, hasValue := strings.Cut(strings.TrimLeft(a, "-"), "=")
		if name == "h" || name == "help" {
			ours = append(ours, a)
			continue
		}
		var dst *[]string
		var f *flag.Flag
		if f = fs.Lookup(name); f != nil {
			dst = &ours
		} else if f = flag.CommandLine.Lookup(name); f != nil {
			dst = &beamArgs
		} else {
			return nil, nil, fmt.Errorf("unknown flag %s", a)
		}
		*dst = append(*dst, a)
		if !hasValue && !isBool(f) && i+1 < len(args) {
			i++
			*dst = append(*dst, args[i])
		}
	}
	return ours, beamArgs, nil
}

func isBool(f *flag.Flag) bool {
	b, ok := f.Value.(interface{ IsBoolFlag() bool })
	return ok && b.IsBoolFlag()
}

// workerMode reports whether a runner started this binary as an SDK worker
// harness (it passes --worker, with no sub-command).
func workerMode(args []string) bool {
	for _, a := range args {
		if a == "--worker" || a == "-worker" || strings.HasPrefix(a, "--worker=") || strings.HasPrefix(a, "-worker=") {
			return true
		}
	}
	return false
}

// listFlag collects a flag given several times or as a comma-separated list.
type listFlag []string

func (l *listFlag) String() string { return strings.Join(*l, ",") }

func (l *listFlag) Set(v string) error {
	for _, s := range strings.Split(v, ",") {
		if s = strings.TrimSpace(s); s != "" {
			*l = append(*l, s)
		}
	}
	return nil
}

// pixels parses the list of flag name as HEALPix pixel indices.
func (l listFlag) pixels(name string) ([]int64, error) {
	var px []int64
	for _, s := range l {
		p, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			return nil, fmt.Errorf("--%s: bad pixel %q", name, s)
		}
		px = append(px, p)
	}
	return px, nil
}

// deprecatedPrefix starts the usage of a flag kept only as an old name.
const deprecatedPrefix = "deprecated: "

// alias defines old as a deprecated second name of the flag current (the
// same value): commands renamed their flags to one scheme (--input for
// every input, --blocks and --hidden for every flow, --block-size for
// stars per block), and the old names work for one more release, with a
// warning (warnDeprecated).
func alias(fs *flag.FlagSet, old, current string) {
	f := fs.Lookup(current)
	if f == nil {
		panic("alias of an undefined flag " + current)
	}
	fs.Var(f.Value, old, deprecatedPrefix+"the old name of --"+current)
}

// warnDeprecated returns a warning for each deprecated flag name that was
// set on fs.
func warnDeprecated(fs *flag.FlagSet) []string {
	var w []string
	fs.Visit(func(f *flag.Flag) {
		if strings.HasPrefix(f.Usage, deprecatedPrefix) {
			w = append(w, fmt.Sprintf("--%s is deprecated (%s); it will be removed in the next release", f.Name, strings.TrimPrefix(f.Usage, deprecatedPrefix)))
		}
	})
	return w
}
