#!/usr/bin/python3
"""Writes the HDF5 test fixtures of io/hdf5 and io/dustfile with h5py.

Run from the repository root with Debian's h5py (apt-get install python3-h5py):

    /usr/bin/python3 io/hdf5/testdata/make_fixtures.py

The Go tests do not need h5py: the files this script writes are committed. Every
value is a simple formula of its index, which the Go tests recompute; the
metadata h5py reports (shapes, types, chunks, filters, attributes) goes to
io/hdf5/testdata/features.json so that the Go reader is checked against h5py,
not against itself. Timestamps are off so that a rerun gives the same bytes.

Two layouts of each file are written: libver 'earliest' (superblock 0, object
header 1, symbol-table groups, B-tree 1 chunk index: what the distributed
Bayestar files, written by h5py 2.x, use) and libver 'latest' (superblock 3,
object header 2, link messages, fixed-array chunk index).
"""

import json
import os
import re

import h5py
import numpy as np

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", ".."))
HDF5_DIR = os.path.join(ROOT, "io", "hdf5", "testdata")
DUST_DIR = os.path.join(ROOT, "io", "dustfile", "testdata")
ARGONAUT = os.path.join(ROOT, "model", "dust", "testdata", "argonaut_output_v1.txt")

NT = dict(track_times=False)


def features(path, libver):
    meta = {}
    with h5py.File(path, "w", libver=libver) as f:
        f.attrs["title"] = np.bytes_(b"gaiaflow")
        f.attrs["vtitle"] = "hello"
        f.attrs["edges"] = np.linspace(4.0, 19.0, 31)
        f.attrs["n"] = np.int64(42)
        f.attrs["f32"] = np.float32(1.5)
        # With libver 'latest' a group of more than 8 members goes to dense
        # storage (fractal heap), which the reader does not read: the datasets
        # are in /num and /more, 8 at most each; /many (40 members) tests the
        # error.
        root = f
        top = f = root.create_group("num")

        i = np.arange(35)
        f.create_dataset("contig_f64", data=(i * 0.25 - 3).reshape(7, 5), **NT)

        i = np.arange(37 * 3 * 11)
        f.create_dataset("chunked_f32", data=(i * 0.5 + 1).astype("<f4").reshape(37, 3, 11),
                         chunks=(4, 2, 5), compression="gzip", compression_opts=4, shuffle=True, **NT)

        i = np.arange(100)
        f.create_dataset("chunked_i16_be", data=((i * 37) % 2000 - 1000).astype(">i2"),
                         chunks=(16,), compression="gzip", **NT)

        i = np.arange(50)
        f.create_dataset("fletcher", data=(i * 1.5).astype("<f4"), chunks=(10,),
                         compression="gzip", fletcher32=True, **NT)

        i = np.arange(6, dtype="<i4")
        space = h5py.h5s.create_simple((6,))
        dcpl = h5py.h5p.create(h5py.h5p.DATASET_CREATE)
        dcpl.set_layout(h5py.h5d.COMPACT)
        dcpl.set_obj_track_times(False)
        dsid = h5py.h5d.create(top.id, b"compact_i32", h5py.h5t.STD_I32LE, space, dcpl=dcpl)
        dsid.write(h5py.h5s.ALL, h5py.h5s.ALL, i * i - 7)

        f.create_dataset("scalar", data=np.float64(6.25), **NT)
        f.create_dataset("u8", data=((np.arange(10) * 3) % 256).astype("u1"), **NT)

        f = root.create_group("more")
        dt = np.dtype([("a", "<u4"), ("b", "<i8"), ("c", "<f4"), ("d", "<f8"),
                       ("flag", "?"), ("arr", "<f4", (3,))])
        i = np.arange(20)
        rec = np.zeros(20, dtype=dt)
        rec["a"] = i * 7
        rec["b"] = -i * 100000000000
        rec["c"] = i / 4
        rec["d"] = i / 3
        rec["flag"] = i % 3 == 0
        rec["arr"] = np.stack([i, i + 0.5, i + 0.25], axis=1)
        f.create_dataset("compound", data=rec, chunks=(8,), compression="gzip", **NT)
        f.create_dataset("compound_contig", data=rec, **NT)
        f["compound"].attrs["DM_bin_edges"] = np.linspace(4.0, 18.875, 120)

        i = np.arange(300)
        top.create_dataset("big_chunked", data=(i / 8).astype("<f4"), chunks=(2,),
                         compression="gzip", **NT)
        i = np.arange(2100, dtype="<i4")
        f.create_dataset("paged", data=i * 3, chunks=(1,), **NT)
        i = np.arange(10)
        f.create_dataset("extendable", data=i + 0.125, maxshape=(None,), chunks=(4,), **NT)
        i = np.arange(24)
        f.create_dataset("extendable2", data=(i + 0.5).reshape(4, 6), maxshape=(None, None),
                         chunks=(2, 3), **NT)

        f = root
        g = f.create_group("g1").create_group("g2")
        g.create_dataset("deep", data=np.array([1, 2, 3], dtype="<f4"), **NT)
        f["g1"]["soft"] = h5py.SoftLink("/num/scalar")
        many = f.create_group("many")
        for k in range(40):
            many.create_dataset("d%02d" % k, data=np.int64(k), **NT)

        i = np.arange(100)
        f = root["more"]
        f.create_dataset("lzf", data=i.astype("<f4"), chunks=(10,), compression="lzf", **NT)
        f.create_dataset("scaleoffset", data=i.astype("<i4"), chunks=(10,), scaleoffset=0, **NT)

        def visit(name, obj):
            if isinstance(obj, h5py.Dataset):
                dc = obj.id.get_create_plist()
                filters = [dc.get_filter(k)[0] for k in range(dc.get_nfilters())]
                meta[name] = dict(shape=list(obj.shape), dtype=obj.dtype.str if obj.dtype.names is None else str(obj.dtype),
                                  chunks=list(obj.chunks) if obj.chunks else None, filters=filters,
                                  layout=dc.get_layout())
        root.visititems(visit)
    return meta


def healpix_cover():
    """A multi-resolution NESTED cover of part of base face 0: each nside-64
    pixel 1000..1015 is kept (p % 4 in {2, 3}), left as a hole (p % 4 == 1), or
    split into four nside-128 pixels (p % 4 == 0) whose first one is split
    again into four nside-256 pixels. One more nside-64 pixel, 46599, holds
    Galactic (330, -50), which is south of dec -30 (index from sky.NestedPixel,
    tested against healpy)."""
    pix = []
    for p in range(1000, 1016):
        if p % 4 == 1:
            continue
        if p % 4 == 0:
            for q in range(4 * p, 4 * p + 4):
                if q == 4 * p:
                    pix += [(256, r) for r in range(4 * q, 4 * q + 4)]
                else:
                    pix.append((128, q))
        else:
            pix.append((64, p))
    pix.append((64, 46599))
    return pix


def write_bayestar(path, libver, nside, hpix, dm, samples, best, dm_min, dm_max, converged, n_stars,
                   chunk_rows):
    npix = len(nside)
    dt = np.dtype([("nside", "<u4"), ("healpix_index", "<u8"), ("n_stars", "<u4"),
                   ("DM_reliable_min", "<f4"), ("DM_reliable_max", "<f4"), ("converged", "?")])
    info = np.zeros(npix, dtype=dt)
    info["nside"] = nside
    info["healpix_index"] = hpix
    info["n_stars"] = n_stars
    info["DM_reliable_min"] = dm_min
    info["DM_reliable_max"] = dm_max
    info["converged"] = converged
    with h5py.File(path, "w", libver=libver) as f:
        d = f.create_dataset("pixel_info", data=info, chunks=(min(npix, 16),), compression="gzip", **NT)
        d.attrs["DM_bin_edges"] = dm
        f.create_dataset("samples", data=samples, chunks=(chunk_rows,) + samples.shape[1:],
                         compression="gzip", compression_opts=3, shuffle=True, **NT)
        f.create_dataset("best_fit", data=best, chunks=(chunk_rows, best.shape[1]),
                         compression="gzip", compression_opts=3, shuffle=True, **NT)
        f.create_dataset("GRDiagnostic", data=np.ones_like(best), **NT)


def bayestar_mini(libver):
    pix = healpix_cover()
    npix = len(pix)
    nsamp, ndm = 5, 120
    dm = np.linspace(4.0, 18.875, ndm)
    row = np.arange(npix)[:, None, None]
    s = np.arange(nsamp)[None, :, None]
    k = np.arange(ndm)[None, None, :]
    samples = (0.01 * (row + 1) * (k + 1) / ndm * (1 + 0.1 * s)).astype("<f4")
    best = (0.01 * (row[:, :, 0] + 1) * (k[:, 0, :] + 1) / ndm * 1.05).astype("<f4")
    dm_min = np.full(npix, 6.0, dtype="<f4")
    dm_max = np.full(npix, 15.5, dtype="<f4")
    dm_min[3] = np.nan  # no reliable range in this pixel
    dm_max[3] = np.nan
    converged = np.ones(npix, dtype=bool)
    converged[5] = False
    name = "bayestar_mini.h5" if libver == "earliest" else "bayestar_mini_latest.h5"
    write_bayestar(os.path.join(DUST_DIR, name), libver,
                   [p[0] for p in pix], [p[1] for p in pix], dm, samples, best, dm_min, dm_max,
                   converged, np.arange(npix) * 10, 8)


def parse_argonaut(path):
    txt = open(path).read()
    out = []
    for block in txt.split("# Line-of-Sight Reddening Results")[1:]:
        row = {}
        for key, pat in [("l", r"l = ([-0-9.]+)"), ("b", r"b = ([-0-9.]+)"),
                         ("min", r"min: ([-0-9.]+)"), ("max", r"max: ([-0-9.]+)"),
                         ("stars", r"stars: ([0-9]+)")]:
            row[key] = float(re.search(pat, block).group(1))
        row["converged"] = re.search(r"converged: (True|False)", block).group(1) == "True"
        row["dm"] = [float(v) for v in re.search(r"DistanceModulus\s*\|(.*)", block).group(1).split()]
        row["best"] = [float(v) for v in re.search(r"BestFit\s*\|(.*)", block).group(1).split()]
        row["samples"] = [[float(v) for v in m.group(1).split()]
                          for m in re.finditer(r"\n\s+[0-9]+\s*\|(.*)", block)]
        out.append(row)
    return out


# NESTED index of each Argonaut sight line at the nside given to it here, from
# sky.NestedPixel (tested against healpy). The nsides are ours: they make the
# eight pixels a multi-resolution map.
ARGONAUT_PIX = [(512, 1519628), (256, 420522), (1024, 11508235), (128, 140355),
                (64, 4055), (512, 402460), (1024, 6107393), (256, 408760)]


def argonaut():
    rows = parse_argonaut(ARGONAUT)
    assert len(rows) == 8 and all(len(r["samples"]) == 20 for r in rows)
    dm = np.array(rows[0]["dm"])
    samples = np.array([r["samples"] for r in rows], dtype="<f4")
    best = np.array([r["best"] for r in rows], dtype="<f4")
    write_bayestar(os.path.join(DUST_DIR, "argonaut_bayestar2015.h5"), "earliest",
                   [p[0] for p in ARGONAUT_PIX], [p[1] for p in ARGONAUT_PIX], dm, samples, best,
                   [r["min"] for r in rows], [r["max"] for r in rows], [r["converged"] for r in rows],
                   [r["stars"] for r in rows], 4)


def main():
    os.makedirs(HDF5_DIR, exist_ok=True)
    os.makedirs(DUST_DIR, exist_ok=True)
    meta = {}
    for libver in ("earliest", "latest"):
        meta[libver] = features(os.path.join(HDF5_DIR, "features_%s.h5" % libver), libver)
        bayestar_mini(libver)
    argonaut()
    with open(os.path.join(HDF5_DIR, "features.json"), "w") as f:
        json.dump(dict(h5py=h5py.__version__, hdf5=h5py.version.hdf5_version, files=meta), f,
                  indent=1, sort_keys=True)
        f.write("\n")


if __name__ == "__main__":
    main()
