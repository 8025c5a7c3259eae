package si

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"

	"unspun/internal/binfile"
	"unspun/internal/embed"
)

const (
	magic   = "UNSPSI\x00\x00"
	version = 3
	// featureSet names the feature extractor the weights belong to: a
	// model's hashed weights mean nothing to another extractor, so any
	// change to features.go that alters which rows fire bumps it.
	// Version 1 files predate the field and used feature set 1.
	featureSet = 1
)

// WriteTo writes the model in unspun's binary SI format (little endian):
// magic, version, sizes, decoding and calibration, transition and start
// scores, the word clusters, then the sparse and dense weights as float32;
// from version 3 on, the number of further ensemble members and, for each,
// its transition and start scores and weights in the same layout. Version
// 3 also stores the decoding's Relative. The word vectors are not
// included: they are written once, beside it.
func (m *Model) WriteTo(w io.Writer) (int64, error) {
	bw := bufio.NewWriter(w)
	cw := binfile.NewWriter(bw)
	put := func(v any) {
		if cw.Err == nil {
			cw.Err = binary.Write(cw, binary.LittleEndian, v)
		}
	}
	cw.Write([]byte(magic))
	vdim := 0
	if m.vecs != nil {
		vdim = m.vecs.Dim()
	}
	put(uint32(version))
	put(uint32(featureSet))
	put(uint32(m.crf.bits))
	put(uint32(vdim))
	put(uint32(len(m.crf.dense)))
	put(m.dec.Threshold)
	put(int32(m.dec.Gap))
	put(int32(m.dec.MinWords))
	put(m.dec.Sentence)
	put(m.dec.Peak)
	put(m.dec.Clause)
	put(m.dec.MinScore)
	put(uint32(nSpanFeats))
	put(m.rerank)
	put(m.crf.trans)
	put(m.crf.start)
	put(uint32(len(m.clusters)))
	for _, c := range m.clusters {
		put(uint32(len(c)))
		put(c)
	}
	put(m.crf.w)
	put(m.crf.dense)
	put(m.dec.Relative)
	more := m.members
	if len(more) > 0 {
		more = more[1:]
	}
	put(uint32(len(more)))
	for _, c := range more {
		put(c.trans)
		put(c.start)
		put(c.w)
		put(c.dense)
	}
	if cw.Err == nil {
		cw.Err = bw.Flush()
	}
	return cw.N, cw.Err
}

// Read reads a model written by WriteTo. vecs must be the vectors the
// model was trained with (nil if it was trained without).
func Read(r io.Reader, vecs *embed.Vectors) (*Model, error) {
	br := bufio.NewReader(r)
	var err error
	get := func(v any) {
		if err == nil {
			err = binary.Read(br, binary.LittleEndian, v)
		}
	}
	mg := make([]byte, len(magic))
	if _, err := io.ReadFull(br, mg); err != nil || string(mg) != magic {
		return nil, errors.New("si: not an SI model (bad magic)")
	}
	var ver, fs, bits, vdim, ndense uint32
	get(&ver)
	fs = 1
	if ver >= 2 {
		get(&fs)
	}
	get(&bits)
	get(&vdim)
	get(&ndense)
	if err != nil {
		return nil, fmt.Errorf("si: reading header: %w", binfile.NoEOF(err))
	}
	if ver < 1 || ver > version {
		return nil, fmt.Errorf("si: unsupported model version %d (want at most %d)", ver, version)
	}
	if fs != featureSet {
		return nil, fmt.Errorf("si: model was trained with feature set %d, this build extracts set %d: retrain it", fs, featureSet)
	}
	if bits < 10 || bits > 26 {
		return nil, fmt.Errorf("si: hash bits %d out of range", bits)
	}
	want := 0
	if vecs != nil {
		want = vecs.Dim()
	}
	if int(vdim) != want || int(ndense) != denseParts*want*nTags {
		return nil, fmt.Errorf("si: model expects %d-dimensional word vectors (%d dense weights), have %d", vdim, ndense, want)
	}
	m := &Model{vecs: vecs, crf: newCRF(bits, int(ndense)/nTags)}
	var gap, mw int32
	get(&m.dec.Threshold)
	get(&gap)
	get(&mw)
	get(&m.dec.Sentence)
	get(&m.dec.Peak)
	get(&m.dec.Clause)
	get(&m.dec.MinScore)
	var nsf uint32
	get(&nsf)
	if err == nil && nsf != nSpanFeats {
		return nil, fmt.Errorf("si: model has %d span features, want %d", nsf, nSpanFeats)
	}
	get(&m.rerank)
	get(&m.crf.trans)
	get(&m.crf.start)
	m.dec.Gap, m.dec.MinWords = int(gap), int(mw)
	var nc uint32
	get(&nc)
	if err == nil && nc > 8 {
		return nil, fmt.Errorf("si: %d cluster levels, want at most 8", nc)
	}
	for range nc {
		var n uint32
		get(&n)
		if err != nil {
			break
		}
		if vecs == nil || int(n) > vecs.Len() {
			return nil, fmt.Errorf("si: %d clustered words but only %d vectors", n, vecsLen(vecs))
		}
		c := make([]uint16, n)
		get(c)
		m.clusters = append(m.clusters, c)
	}
	get(m.crf.w)
	get(m.crf.dense)
	m.members = []*crf{m.crf}
	if ver >= 3 {
		get(&m.dec.Relative)
		var nm uint32
		get(&nm)
		if err == nil && nm > 15 {
			return nil, fmt.Errorf("si: %d further ensemble members, want at most 15", nm)
		}
		for range nm {
			if err != nil {
				break
			}
			c := newCRF(bits, int(ndense)/nTags)
			get(&c.trans)
			get(&c.start)
			get(c.w)
			get(c.dense)
			m.members = append(m.members, c)
		}
	}
	if err != nil {
		return nil, fmt.Errorf("si: reading model: %w", binfile.NoEOF(err))
	}
	for _, f := range append(m.rerank[:], m.dec.Threshold, m.dec.Peak, m.dec.Sentence, m.dec.MinScore, m.dec.Relative) {
		if math.IsNaN(f) || math.IsInf(f, 0) {
			return nil, errors.New("si: model has a non-finite setting")
		}
	}
	for _, c := range m.members {
		for _, f := range [][]float32{c.w, c.dense, c.trans[:], c.start[:]} {
			for _, v := range f {
				if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
					return nil, errors.New("si: model has a non-finite weight")
				}
			}
		}
	}
	return m, nil
}

func vecsLen(v *embed.Vectors) int {
	if v == nil {
		return 0
	}
	return v.Len()
}
