package hdf5

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"reflect"
	"strings"
	"testing"
)

// The fixtures are written by testdata/make_fixtures.py (h5py 3.7, HDF5
// 1.10.8); features.json holds what h5py reports about each dataset. Values
// are formulas of the flat element index i, the same as in the script.

type h5pyMeta struct {
	Shape   []uint64 `json:"shape"`
	Dtype   string   `json:"dtype"`
	Chunks  []uint64 `json:"chunks"`
	Filters []int    `json:"filters"`
	Layout  int      `json:"layout"`
}

func loadMeta(t *testing.T) map[string]map[string]h5pyMeta {
	t.Helper()
	b, err := os.ReadFile("testdata/features.json")
	if err != nil {
		t.Fatal(err)
	}
	var m struct {
		Files map[string]map[string]h5pyMeta `json:"files"`
	}
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	return m.Files
}

func openFile(t testing.TB, name string) *File {
	t.Helper()
	fh, err := os.Open(name)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { fh.Close() })
	st, err := fh.Stat()
	if err != nil {
		t.Fatal(err)
	}
	f, err := Open(fh, st.Size())
	if err != nil {
		t.Fatalf("Open(%s): %v", name, err)
	}
	return f
}

var libvers = []string{"earliest", "latest"}

// numericDatasets: path, h5py dtype, value of element i.
var numericDatasets = []struct {
	path  string
	dtype string
	want  func(i int) float64
}{
	{"num/contig_f64", "<f8", func(i int) float64 { return float64(i)*0.25 - 3 }},
	{"num/chunked_f32", "<f4", func(i int) float64 { return float64(float32(float64(i)*0.5 + 1)) }},
	{"num/chunked_i16_be", ">i2", func(i int) float64 { return float64((i*37)%2000 - 1000) }},
	{"num/fletcher", "<f4", func(i int) float64 { return float64(float32(float64(i) * 1.5)) }},
	{"num/compact_i32", "<i4", func(i int) float64 { return float64(i*i - 7) }},
	{"num/scalar", "<f8", func(int) float64 { return 6.25 }},
	{"num/u8", "|u1", func(i int) float64 { return float64((i * 3) % 256) }},
	{"num/big_chunked", "<f4", func(i int) float64 { return float64(float32(float64(i) / 8)) }},
	{"more/paged", "<i4", func(i int) float64 { return float64(i * 3) }},
	{"more/extendable", "<f8", func(i int) float64 { return float64(i) + 0.125 }},
	{"more/extendable2", "<f8", func(i int) float64 { return float64(i) + 0.5 }},
	{"g1/g2/deep", "<f4", func(i int) float64 { return float64(i + 1) }},
}

var filterIDs = map[string]int{"deflate": 1, "shuffle": 2, "fletcher32": 3, "lzf": 32000, "scale-offset": 6}

func TestDatasets(t *testing.T) {
	meta := loadMeta(t)
	for _, lv := range libvers {
		f := openFile(t, "testdata/features_"+lv+".h5")
		for _, tt := range numericDatasets {
			name := lv + ":" + tt.path
			if lv == "latest" && strings.HasPrefix(tt.path, "more/extendable") {
				continue // unlimited dimensions: see TestUnsupported
			}
			d, err := f.Dataset(tt.path)
			if err != nil {
				t.Errorf("%s: %v", name, err)
				continue
			}
			m := meta[lv][tt.path]
			if got := d.Shape(); len(got)+len(m.Shape) > 0 && !reflect.DeepEqual(got, m.Shape) {
				t.Errorf("%s: shape %v, h5py says %v", name, got, m.Shape)
			}
			if got := d.Chunks(); len(got)+len(m.Chunks) > 0 && !reflect.DeepEqual(got, m.Chunks) {
				t.Errorf("%s: chunks %v, h5py says %v", name, got, m.Chunks)
			}
			var ids []int
			for _, s := range d.Filters() {
				ids = append(ids, filterIDs[s])
			}
			if len(ids)+len(m.Filters) > 0 && !reflect.DeepEqual(ids, m.Filters) {
				t.Errorf("%s: filters %v, h5py says %v", name, d.Filters(), m.Filters)
			}
			if tt.dtype != m.Dtype {
				t.Fatalf("%s: test table says %s, h5py %s", name, tt.dtype, m.Dtype)
			}
			typ := d.Type()
			wantBE := strings.HasPrefix(m.Dtype, ">")
			if typ.BigEndian != wantBE && typ.Size > 1 || fmt.Sprint(typ.Size) != m.Dtype[2:] {
				t.Errorf("%s: type %v, h5py %s", name, typ, m.Dtype)
			}
			got, err := d.ReadFloat64(nil, nil)
			if err != nil {
				t.Errorf("%s: %v", name, err)
				continue
			}
			if uint64(len(got)) != d.Len() {
				t.Errorf("%s: %d values, want %d", name, len(got), d.Len())
			}
			for i, v := range got {
				if w := tt.want(i); v != w {
					t.Errorf("%s[%d] = %v, want %v", name, i, v, w)
					break
				}
			}
		}
	}
}

func TestHyperslab(t *testing.T) {
	for _, lv := range libvers {
		f := openFile(t, "testdata/features_"+lv+".h5")
		d, err := f.Dataset("/num/chunked_f32") // 37 x 3 x 11, chunks 4 x 2 x 5
		if err != nil {
			t.Fatal(err)
		}
		for _, box := range [][2][]uint64{
			{{0, 0, 0}, {37, 3, 11}},
			{{5, 1, 3}, {9, 2, 7}},   // crosses chunk edges in every dimension
			{{36, 2, 10}, {1, 1, 1}}, // the last element, in an edge chunk
			{{8, 0, 0}, {4, 3, 11}},  // whole rows of one chunk row
			{{3, 0, 4}, {0, 3, 2}},   // empty
		} {
			start, count := box[0], box[1]
			got, err := d.ReadFloat32(start, count)
			if err != nil {
				t.Fatal(err)
			}
			var want []float32
			for a := start[0]; a < start[0]+count[0]; a++ {
				for b := start[1]; b < start[1]+count[1]; b++ {
					for c := start[2]; c < start[2]+count[2]; c++ {
						i := (a*3+b)*11 + c
						want = append(want, float32(float64(i)*0.5+1))
					}
				}
			}
			if len(got) != len(want) || (len(want) > 0 && !reflect.DeepEqual(got, want)) {
				t.Errorf("%s box %v+%v: got %v, want %v", lv, start, count, got, want)
			}
		}
		if _, err := d.ReadRaw([]uint64{30, 0, 0}, []uint64{8, 1, 1}); err == nil {
			t.Errorf("%s: a box past the end gave no error", lv)
		}
		if _, err := d.ReadRaw([]uint64{0, 0}, nil); err == nil {
			t.Errorf("%s: a box of the wrong rank gave no error", lv)
		}
	}
}

func TestCompound(t *testing.T) {
	for _, lv := range libvers {
		f := openFile(t, "testdata/features_"+lv+".h5")
		for _, p := range []string{"more/compound", "more/compound_contig"} {
			d, err := f.Dataset(p)
			if err != nil {
				t.Fatal(err)
			}
			var names []string
			for _, m := range d.Type().Members {
				names = append(names, m.Name)
			}
			if want := []string{"a", "b", "c", "d", "flag", "arr"}; !reflect.DeepEqual(names, want) {
				t.Errorf("%s %s members %v, want %v", lv, p, names, want)
			}
			a, err := d.ReadFieldInt64("a", nil, nil)
			if err != nil {
				t.Fatal(err)
			}
			b, err := d.ReadFieldInt64("b", nil, nil)
			if err != nil {
				t.Fatal(err)
			}
			c, err := d.ReadFieldFloat64("c", nil, nil)
			if err != nil {
				t.Fatal(err)
			}
			dd, err := d.ReadFieldFloat64("d", []uint64{4}, []uint64{10})
			if err != nil {
				t.Fatal(err)
			}
			flag, err := d.ReadFieldInt64("flag", nil, nil)
			if err != nil {
				t.Fatal(err)
			}
			arr, err := d.ReadFieldFloat64("arr", nil, nil)
			if err != nil {
				t.Fatal(err)
			}
			for i := 0; i < 20; i++ {
				wantFlag := int64(0)
				if i%3 == 0 {
					wantFlag = 1
				}
				if a[i] != int64(i*7) || b[i] != -int64(i)*100000000000 || c[i] != float64(float32(float64(i)/4)) ||
					flag[i] != wantFlag || arr[3*i] != float64(i) || arr[3*i+1] != float64(i)+0.5 || arr[3*i+2] != float64(i)+0.25 {
					t.Errorf("%s %s row %d: a %d b %d c %v flag %d arr %v", lv, p, i, a[i], b[i], c[i], flag[i], arr[3*i:3*i+3])
				}
				if i >= 4 && i < 14 && dd[i-4] != float64(i)/3 {
					t.Errorf("%s %s d[%d] = %v, want %v", lv, p, i, dd[i-4], float64(i)/3)
				}
			}
			if _, err := d.ReadFieldFloat64("nope", nil, nil); !errors.Is(err, ErrNotFound) {
				t.Errorf("missing field: %v, want ErrNotFound", err)
			}
			if _, err := d.ReadFloat64(nil, nil); err == nil {
				t.Errorf("a compound read as numbers gave no error")
			}
		}
		d, err := f.Dataset("more/compound")
		if err != nil {
			t.Fatal(err)
		}
		at, err := d.Attr("DM_bin_edges")
		if err != nil {
			t.Fatal(err)
		}
		edges, err := at.Float64s()
		if err != nil {
			t.Fatal(err)
		}
		if len(edges) != 120 || edges[0] != 4 || edges[119] != 18.875 || edges[1] != 4.125 {
			t.Errorf("%s DM_bin_edges: %d values %v..%v", lv, len(edges), edges[0], edges[len(edges)-1])
		}
	}
}

func TestAttributes(t *testing.T) {
	for _, lv := range libvers {
		f := openFile(t, "testdata/features_"+lv+".h5")
		root := f.Root()
		str := func(name string) string {
			a, err := root.Attr(name)
			if err != nil {
				t.Fatal(err)
			}
			s, err := a.Strings()
			if err != nil || len(s) != 1 {
				t.Fatalf("%s: %v %v", name, s, err)
			}
			return s[0]
		}
		if s := str("title"); s != "gaiaflow" {
			t.Errorf("%s title %q", lv, s)
		}
		if s := str("vtitle"); s != "hello" {
			t.Errorf("%s vtitle %q", lv, s)
		}
		a, err := root.Attr("edges")
		if err != nil {
			t.Fatal(err)
		}
		e, err := a.Float64s()
		if err != nil || len(e) != 31 || e[0] != 4 || e[30] != 19 || e[3] != 5.5 {
			t.Errorf("%s edges %v %v", lv, e, err)
		}
		if a, _ := root.Attr("n"); a == nil {
			t.Errorf("no attribute n")
		} else if v, err := a.Int64s(); err != nil || len(v) != 1 || v[0] != 42 || len(a.Shape) != 0 {
			t.Errorf("%s n = %v %v shape %v", lv, v, err, a.Shape)
		}
		if a, _ := root.Attr("f32"); a == nil {
			t.Errorf("no attribute f32")
		} else if v, err := a.Float64s(); err != nil || v[0] != 1.5 {
			t.Errorf("%s f32 = %v %v", lv, v, err)
		}
		if _, err := root.Attr("missing"); !errors.Is(err, ErrNotFound) {
			t.Errorf("missing attribute: %v", err)
		}
		as, err := root.Attrs()
		if err != nil || len(as) != 5 {
			t.Errorf("%s: %d attributes, %v", lv, len(as), err)
		}
	}
}

func TestGroups(t *testing.T) {
	for _, lv := range libvers {
		f := openFile(t, "testdata/features_"+lv+".h5")
		names, err := f.Root().Names()
		if err != nil {
			t.Fatal(err)
		}
		if want := []string{"g1", "many", "more", "num"}; !reflect.DeepEqual(names, want) {
			t.Errorf("%s root %v, want %v", lv, names, want)
		}
		g, err := f.Group("/g1")
		if err != nil {
			t.Fatal(err)
		}
		if names, _ := g.Names(); !reflect.DeepEqual(names, []string{"g2", "soft"}) {
			t.Errorf("%s /g1 %v", lv, names)
		}
		// A soft link to /num/scalar.
		d, err := f.Dataset("g1/soft")
		if err != nil {
			t.Fatal(err)
		}
		if v, err := d.ReadFloat64(nil, nil); err != nil || v[0] != 6.25 {
			t.Errorf("%s soft link: %v %v", lv, v, err)
		}
		if _, err := f.Dataset("num/nothing"); !errors.Is(err, ErrNotFound) {
			t.Errorf("missing dataset: %v", err)
		}
		if _, err := f.Dataset("num/scalar/deeper"); !errors.Is(err, ErrNotFound) {
			t.Errorf("path through a dataset: %v", err)
		}
		if _, err := f.Dataset("g1"); err == nil {
			t.Errorf("a group opened as a dataset")
		}
		if _, err := f.Group("num/u8"); err == nil {
			t.Errorf("a dataset opened as a group")
		}
		// 40 members: symbol-table nodes and a B-tree of several entries
		// (earliest); dense storage (latest), which is not read.
		g, err = f.Group("many")
		if err != nil {
			t.Fatal(err)
		}
		names, err = g.Names()
		if lv == "earliest" {
			if err != nil || len(names) != 40 || names[0] != "d00" || names[39] != "d39" {
				t.Errorf("/many: %d names %v", len(names), err)
			}
			d, err := f.Dataset("many/d27")
			if err != nil {
				t.Fatal(err)
			}
			if v, err := d.ReadInt64(nil, nil); err != nil || v[0] != 27 {
				t.Errorf("many/d27 = %v %v", v, err)
			}
		} else if !errors.Is(err, ErrUnsupported) || !strings.Contains(err.Error(), "dense link storage") {
			t.Errorf("latest /many: %v, want ErrUnsupported naming dense link storage", err)
		}
	}
}

func TestUnsupported(t *testing.T) {
	tests := []struct {
		lv, path, feature string
	}{
		{"earliest", "more/lzf", "filter lzf"},
		{"latest", "more/lzf", "filter lzf"},
		{"earliest", "more/scaleoffset", "filter scale-offset"},
		{"latest", "more/extendable", "extensible-array chunk index"},
		{"latest", "more/extendable2", "B-tree 2 chunk index"},
	}
	for _, tt := range tests {
		f := openFile(t, "testdata/features_"+tt.lv+".h5")
		d, err := f.Dataset(tt.path)
		if err == nil {
			_, err = d.ReadRaw(nil, nil)
		}
		if !errors.Is(err, ErrUnsupported) || !strings.Contains(err.Error(), tt.feature) {
			t.Errorf("%s %s: %v, want ErrUnsupported naming %q", tt.lv, tt.path, err, tt.feature)
		}
	}
}

func TestMalformed(t *testing.T) {
	good, err := os.ReadFile("testdata/features_latest.h5")
	if err != nil {
		t.Fatal(err)
	}
	open := func(b []byte) error {
		f, err := Open(bytes.NewReader(b), int64(len(b)))
		if err != nil {
			return err
		}
		_, err = f.Root().Names()
		return err
	}
	if err := open([]byte("definitely not an HDF5 file, just text")); !errors.Is(err, ErrFormat) {
		t.Errorf("text: %v", err)
	}
	bad := bytes.Clone(good)
	bad[20] ^= 0xff // inside the superblock: checksum fails
	if err := open(bad); !errors.Is(err, ErrFormat) || !strings.Contains(err.Error(), "checksum") {
		t.Errorf("flipped superblock byte: %v", err)
	}
	if err := open(good[:40]); !errors.Is(err, ErrFormat) {
		t.Errorf("truncated: %v", err)
	}
}

// A user block before the superblock: addresses are relative to the
// superblock, so 512 bytes put in front of a file leave it readable.
func TestUserBlock(t *testing.T) {
	for _, lv := range libvers {
		b, err := os.ReadFile("testdata/features_" + lv + ".h5")
		if err != nil {
			t.Fatal(err)
		}
		b = append(make([]byte, 512), b...)
		f, err := Open(bytes.NewReader(b), int64(len(b)))
		if err != nil {
			t.Fatalf("%s: %v", lv, err)
		}
		d, err := f.Dataset("num/chunked_f32")
		if err != nil {
			t.Fatal(err)
		}
		v, err := d.ReadFloat32([]uint64{36, 2, 10}, []uint64{1, 1, 1})
		if err != nil || v[0] != float32(1220*0.5+1) {
			t.Errorf("%s with a user block: %v %v", lv, v, err)
		}
	}
}

func TestLookup3(t *testing.T) {
	// Test values from Bob Jenkins' lookup3.c driver (hashlittle, initval 0).
	if got := lookup3(nil); got != 0xdeadbeef {
		t.Errorf("lookup3(\"\") = %#x, want 0xdeadbeef", got)
	}
	if got := lookup3([]byte("Four score and seven years ago")); got != 0x17770551 {
		t.Errorf("lookup3(Four score...) = %#x, want 0x17770551", got)
	}
}

func TestFloatConversion(t *testing.T) {
	// float32 data converts exactly, NaN stays NaN.
	typ := &Datatype{Class: ClassFloat, Size: 4}
	raw := []byte{0, 0, 0xc0, 0x7f, 0, 0, 0x80, 0x3f}
	v, err := decodeFloat64(nil, raw, typ, 0, 4, 2)
	if err != nil || !math.IsNaN(v[0]) || v[1] != 1 {
		t.Errorf("decode %v %v", v, err)
	}
}
