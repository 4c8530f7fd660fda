package hdf5

import (
	"errors"
	"fmt"
	"strings"
)

// maxWalkElems bounds the values walk reads from one dataset: enough to
// touch every chunk index and filter, little enough to keep a walk fast.
const maxWalkElems = 1 << 14

// walk visits every object reachable from the root of f, as a reader of an
// unknown file would: the members, attributes and values of groups, the
// shape, type, chunks, filters, attributes and a box of values of datasets
// (every numeric field of a compound). Objects reached twice (hard links to
// an ancestor, soft links) are visited once. It does not stop at an error:
// it returns how many objects it visited and every error, each of which
// must wrap one of the package's sentinels.
func walk(f *File) (objects int, errs []error) {
	seen := map[uint64]bool{}
	note := func(err error) {
		if err != nil {
			errs = append(errs, err)
		}
	}
	var visit func(path string, depth int)
	visit = func(path string, depth int) {
		if depth > 32 || objects > 10000 {
			return
		}
		o, addr, err := f.lookup(path)
		if err != nil {
			note(err)
			return
		}
		if seen[addr] {
			return
		}
		seen[addr] = true
		objects++
		if o.isGroup() {
			g, err := f.Group(path)
			if err != nil {
				note(err)
				return
			}
			attrs, err := g.Attrs()
			note(err)
			for _, a := range attrs {
				note(readAttr(a))
			}
			names, err := g.Names()
			note(err)
			for _, n := range names {
				visit(path+"/"+n, depth+1)
			}
			return
		}
		d, err := f.Dataset(path)
		if err != nil {
			note(err)
			return
		}
		attrs, err := d.Attrs()
		note(err)
		for _, a := range attrs {
			note(readAttr(a))
		}
		_ = d.Chunks()
		_ = d.Filters()
		_ = d.Type().String()
		note(readBox(d))
	}
	visit("/", 0)
	return objects, errs
}

func readAttr(a *Attribute) error {
	switch t := a.Type; {
	case t.Class == ClassString || t.Class == ClassVarLen && t.VarString:
		_, err := a.Strings()
		return err
	default:
		if _, _, err := elems(t); err != nil {
			return nil // not numeric: nothing to read
		}
		if _, err := a.Float64s(); err != nil {
			return err
		}
		if bt, _, _ := elems(t); bt.Class == ClassInteger {
			_, err := a.Int64s()
			return err
		}
	}
	return nil
}

// readBox reads the first maxWalkElems or so elements of d with every
// method that applies to its type.
func readBox(d *Dataset) error {
	shape := d.Shape()
	count := make([]uint64, len(shape))
	left := uint64(maxWalkElems)
	for i := len(shape) - 1; i >= 0; i-- {
		count[i] = min(shape[i], max(left, 1))
		if count[i] > 0 {
			left /= count[i]
		}
	}
	raw, err := d.ReadRaw(nil, count)
	if err != nil {
		return err
	}
	n := uint64(1)
	for _, c := range count {
		n *= c
	}
	if uint64(len(raw)) != n*uint64(d.Type().Size) {
		return fmt.Errorf("%w: walk: %s: ReadRaw gave %d bytes for %d elements of %d", errWalk, d.Path(), len(raw), n, d.Type().Size)
	}
	t := d.Type()
	switch {
	case t.Class == ClassCompound:
		for _, m := range t.Members {
			if _, _, err := elems(m.Type); err != nil {
				continue
			}
			if _, err := d.ReadFieldFloat64(m.Name, nil, count); err != nil {
				return err
			}
			if bt, _, _ := elems(m.Type); bt.Class == ClassInteger || bt.Class == ClassEnum {
				if _, err := d.ReadFieldInt64(m.Name, nil, count); err != nil && !tooLarge(err) {
					return err
				}
			}
		}
	default:
		if _, _, err := elems(t); err != nil {
			return nil
		}
		if _, err := d.ReadFloat64(nil, count); err != nil {
			return err
		}
		if _, err := d.ReadFloat32(nil, count); err != nil {
			return err
		}
	}
	return nil
}

// errWalk marks a broken invariant found by walk itself.
var errWalk = errors.New("hdf5 walk: invariant broken")

// tooLarge reports an unsigned integer that does not fit int64: a property
// of the values, not an error of the file.
func tooLarge(err error) bool {
	return strings.Contains(err.Error(), "does not fit int64")
}

// checkWalkErrors reports the errors of walk that do not say what kind of
// problem the file has.
func checkWalkErrors(errs []error) error {
	for _, err := range errs {
		if !errors.Is(err, ErrFormat) && !errors.Is(err, ErrUnsupported) && !errors.Is(err, ErrNotFound) && !tooLarge(err) {
			return fmt.Errorf("error without a sentinel: %w", err)
		}
	}
	return nil
}
