// Package hdf5 reads the part of the HDF5 file format that HDF5 files written
// by h5py use for plain numeric data, in pure Go (no cgo, no C library): the
// Bayestar dust maps as distributed (bayestar2015.h5, bayestar2017.h5,
// bayestar2019.h5) and files like them.
//
// Supported, following the HDF5 File Format Specification version 3.0:
//   - superblock versions 0, 1, 2 and 3, a user block before it, 2-, 4- and
//     8-byte offsets and lengths, a base address;
//   - object headers version 1 and 2 (with their continuation blocks and, for
//     version 2, their Jenkins lookup3 checksums);
//   - groups stored as symbol tables (B-tree version 1 of group nodes,
//     symbol-table nodes, local heap) and groups stored compactly as link
//     messages in the object header; hard and soft links;
//   - datatypes: fixed-point integers (1, 2, 4, 8 bytes, either byte order,
//     signed or not), IEEE floating point (4 and 8 bytes, either byte order),
//     compound (versions 1 to 3, members at any offset, array members), enum
//     (h5py's bool is one), array, fixed-length strings, and variable-length
//     strings in attributes (global heap);
//   - dataspaces version 1 and 2: scalar and simple (any rank);
//   - data layouts version 1 to 4: compact, contiguous and chunked; chunk
//     indexes B-tree version 1 (layout 3, what h5py writes by default),
//     single chunk, implicit and fixed array (paged or not) (layout 4, what
//     h5py writes with libver="latest");
//   - filters deflate (gzip), shuffle and fletcher32 (checked), in any order,
//     with per-chunk filter masks; fill values for chunks never written;
//   - attributes (message versions 1 to 3) stored in the object header.
//
// Anything else is reported by an error that wraps ErrUnsupported and names
// the feature: dense link or attribute storage (fractal heap and B-tree
// version 2), extensible-array and B-tree-2 chunk indexes (datasets with
// unlimited dimensions written with libver="latest"), virtual datasets,
// external storage, shared (committed) datatypes, the szip, nbit,
// scale-offset and third-party filters (lzf, blosc, ...), external links,
// floating-point formats other than IEEE binary32/binary64. A file that
// breaks the format gives an error wrapping ErrFormat.
//
// A damaged or hostile file gives an error, never a panic, an allocation the
// file cannot justify or a loop without end: every size and count read from
// the file is checked against the bytes that hold it (shapes, chunk sizes and
// chunk grids must fit 64 bits, chunks 4 GiB); a read of values is refused
// beyond what a file of its size can hold (Dataset.MaxRead, MaxReadBytes:
// the file's size, times DeflateMaxRatio for deflated data, plus FillSlack of
// fill values); a chunk index must list chunks inside the file that do not
// overlap, and a chunk may not claim to decode to more than its stored bytes
// can; B-tree nodes, symbol-table nodes and object-header blocks reached
// twice are errors, so cycles end.
//
// A File reads through an io.ReaderAt and keeps only metadata it has parsed;
// dataset values are read on request, by hyperslab (a box of start, count in
// each dimension), so a dataset larger than memory can be read in parts. A
// File is safe for concurrent use.
package hdf5
