package tc

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"math"
	"slices"

	"unspun/internal/binfile"
	"unspun/internal/technique"
)

// The model file: magic, format version, then little-endian fields, then
// a CRC-32 (IEEE) of everything before it.
//
//	magic "UNSPUNTC" | version u32 | techniques u32 | config: charN u8,
//	flags u8 | temperature f64 | features u32 | hashes u64×features |
//	weights f32×features×techniques | dim u32 | dense f32×dim×techniques |
//	crc32 u32
const (
	magic = "UNSPUNTC"
	// formatVersion also names the feature set the weights belong to: a
	// model's hashed weights mean nothing to another extractor. Version 2:
	// doc's quote regions (guillemets, nested quotes), lexicon.Stem.
	// Version 3: the whole-span feature (nsIdentity, flagIdentity); a
	// version 2 file has it off and its features are otherwise the same,
	// so it still loads (oldFormat), and a model without it is written as
	// version 2. Version 4: the span's WordNet supersenses (nsSense,
	// flagSenses); a model without them is written as version 3 (or 2),
	// and older files load with them off.
	formatVersion = 4
	// oldFormat is the oldest version Read accepts.
	oldFormat   = 2
	maxFeatures = 1 << 24
	maxDim      = 4096
)

const (
	flagContext = 1 << iota
	flagBigrams
	flagVectors
	flagLexicons
	flagIdentity
	flagSenses
)

// WriteTo writes the model in its binary format and returns the number of
// bytes written.
func (m *Model) WriteTo(w io.Writer) (int64, error) {
	bw := bufio.NewWriter(w)
	cw := binfile.NewWriter(bw)
	le := binary.LittleEndian
	var flags uint8
	for _, f := range []struct {
		on  bool
		bit uint8
	}{{m.cfg.Context, flagContext}, {m.cfg.Bigrams, flagBigrams}, {m.cfg.Vectors, flagVectors}, {m.cfg.Lexicons, flagLexicons},
		{m.cfg.Identity, flagIdentity}, {m.cfg.Senses, flagSenses}} {
		if f.on {
			flags |= f.bit
		}
	}
	var hdr []byte
	hdr = append(hdr, magic...)
	// A model without a later format's feature is a model of the format
	// before it and says so, so that an older file read and written again
	// is unchanged.
	version := uint32(formatVersion)
	switch {
	case !m.cfg.Identity && !m.cfg.Senses:
		version = oldFormat
	case !m.cfg.Senses:
		version = 3
	}
	hdr = le.AppendUint32(hdr, version)
	hdr = le.AppendUint32(hdr, technique.Count)
	hdr = append(hdr, m.cfg.CharN, flags)
	hdr = le.AppendUint64(hdr, math.Float64bits(m.temp))
	hdr = le.AppendUint32(hdr, uint32(len(m.hashes)))
	if _, err := cw.Write(hdr); err != nil {
		return cw.N, err
	}
	if err := binary.Write(cw, le, m.hashes); err != nil {
		return cw.N, err
	}
	if err := binary.Write(cw, le, m.w); err != nil {
		return cw.N, err
	}
	if err := binary.Write(cw, le, uint32(m.dim)); err != nil {
		return cw.N, err
	}
	if err := binary.Write(cw, le, m.dense); err != nil {
		return cw.N, err
	}
	if err := binary.Write(cw, le, cw.CRC); err != nil {
		return cw.N, err
	}
	return cw.N, bw.Flush()
}

type crcReader struct {
	r   io.Reader
	crc uint32
}

func (c *crcReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.crc = crc32.Update(c.crc, crc32.IEEETable, p[:n])
	return n, err
}

// Read reads a model written by WriteTo. It consumes exactly the model's
// bytes, so a model can sit inside a larger stream. vecs must be the word
// vectors the model was trained with when it uses vector features;
// otherwise it may be nil.
func Read(r io.Reader, vecs Vectors) (*Model, error) {
	vecs = usable(vecs)
	cr := &crcReader{r: r}
	le := binary.LittleEndian
	hdr := make([]byte, len(magic)+4+4+2+8+4)
	if _, err := io.ReadFull(cr, hdr); err != nil {
		return nil, fmt.Errorf("tc: reading model header: %w", binfile.NoEOF(err))
	}
	if string(hdr[:len(magic)]) != magic {
		return nil, errors.New("tc: not a technique model (bad magic)")
	}
	p := hdr[len(magic):]
	version := le.Uint32(p)
	if version < oldFormat || version > formatVersion {
		return nil, fmt.Errorf("tc: model format version %d, want %d to %d: retrain it", version, oldFormat, formatVersion)
	}
	if n := le.Uint32(p[4:]); n != technique.Count {
		return nil, fmt.Errorf("tc: model has %d techniques, want %d", n, technique.Count)
	}
	m := &Model{}
	m.cfg.CharN = p[8]
	flags := p[9]
	m.cfg.Context = flags&flagContext != 0
	m.cfg.Bigrams = flags&flagBigrams != 0
	m.cfg.Vectors = flags&flagVectors != 0
	m.cfg.Lexicons = flags&flagLexicons != 0
	m.cfg.Identity = flags&flagIdentity != 0
	m.cfg.Senses = flags&flagSenses != 0
	if flags >= flagSenses<<1 || version < 3 && m.cfg.Identity || version < 4 && m.cfg.Senses {
		return nil, fmt.Errorf("tc: corrupt model header (flags %#x in format version %d)", flags, version)
	}
	m.temp = math.Float64frombits(le.Uint64(p[10:]))
	if !(m.temp > 0) || math.IsInf(m.temp, 0) || m.cfg.CharN > 8 {
		return nil, fmt.Errorf("tc: corrupt model header (temperature %v, n-gram size %d)", m.temp, m.cfg.CharN)
	}
	nf := le.Uint32(p[18:])
	if nf > maxFeatures {
		return nil, fmt.Errorf("tc: corrupt model: %d features (at most %d)", nf, maxFeatures)
	}
	var err error
	if m.hashes, err = readSlice[uint64](cr, int(nf)); err != nil {
		return nil, fmt.Errorf("tc: reading feature hashes: %w", err)
	}
	if !slices.IsSorted(m.hashes) {
		return nil, errors.New("tc: corrupt model: feature hashes not sorted")
	}
	if m.w, err = readSlice[float32](cr, int(nf)*technique.Count); err != nil {
		return nil, fmt.Errorf("tc: reading weights: %w", err)
	}
	var dim uint32
	if err := binary.Read(cr, le, &dim); err != nil {
		return nil, fmt.Errorf("tc: reading vector size: %w", binfile.NoEOF(err))
	}
	if dim > maxDim {
		return nil, fmt.Errorf("tc: corrupt model: vector size %d", dim)
	}
	m.dim = int(dim)
	if m.dense, err = readSlice[float32](cr, denseBlocks*m.dim*technique.Count); err != nil {
		return nil, fmt.Errorf("tc: reading vector weights: %w", err)
	}
	want := cr.crc
	var got uint32
	if err := binary.Read(cr, le, &got); err != nil {
		return nil, fmt.Errorf("tc: reading checksum: %w", binfile.NoEOF(err))
	}
	if got != want {
		return nil, errors.New("tc: corrupt model: checksum mismatch")
	}
	for _, ws := range [][]float32{m.w, m.dense} {
		for _, v := range ws {
			if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
				return nil, errors.New("tc: corrupt model: weight is not finite")
			}
		}
	}
	if m.dim > 0 {
		if vecs == nil {
			return nil, fmt.Errorf("tc: model uses %d-dimensional word vectors but none were given", m.dim)
		}
		if vecs.Dim() != m.dim {
			return nil, fmt.Errorf("tc: model uses %d-dimensional word vectors, given %d", m.dim, vecs.Dim())
		}
		m.vecs = vecs
	}
	return m, nil
}

// readSlice reads n little-endian values in chunks, so that a corrupt
// count in a short file fails at its end instead of allocating the count.
func readSlice[T uint64 | float32](r io.Reader, n int) ([]T, error) {
	const chunk = 1 << 16
	out := make([]T, 0, min(n, chunk))
	for k := 0; k < n; k = len(out) {
		more := min(n-k, chunk)
		out = slices.Grow(out, more)[:k+more]
		if err := binfile.ReadSlice(r, out[k:]); err != nil {
			return nil, err
		}
	}
	return out, nil
}
