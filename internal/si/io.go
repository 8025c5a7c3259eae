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
	"unspun/internal/technique"
)

const (
	magic   = "UNSPSI\x00\x00"
	version = 4
	// featureSet names the feature extractor the weights belong to: a
	// model's hashed weights mean nothing to another extractor, so any
	// change to features.go that alters which rows fire bumps it. Set 2:
	// lexicon.Stem, guillemets and nested quotes, sentences of at most
	// doc.MaxSentenceWords words.
	featureSet = 2
	// maxTaggers and maxMembers bound what Read accepts.
	maxTaggers = technique.Count
	maxMembers = 16
)

// WriteTo writes the model in unspun's binary SI format (little endian):
// magic, version, feature set, sizes, the word clusters, then per tagger
// its technique group, decoding, span reranker and CRF ensemble (per
// member: transition and start scores, sparse and dense weights as
// float32). The word vectors are not included: they are written once,
// beside it.
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
	put(m.bits)
	put(uint32(vdim))
	put(uint32(denseParts * vdim))
	put(uint32(nSpanFeats))
	put(uint32(len(m.clusters)))
	for _, c := range m.clusters {
		put(uint32(len(c)))
		put(c)
	}
	put(uint32(len(m.taggers)))
	for _, tg := range m.taggers {
		put(uint32(tg.group))
		dc := tg.dec
		put(dc.Threshold)
		put(int32(dc.Gap))
		put(int32(dc.MinWords))
		put(dc.Peak)
		put(dc.Sentence)
		put(dc.MinScore)
		put(dc.Clause)
		put(dc.Relative)
		put(tg.rerank)
		put(uint32(len(tg.members)))
		for _, c := range tg.members {
			put(c.trans)
			put(c.start)
			put(m.sparseOf(c))
			put(c.dense)
		}
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
		if err != nil {
			return
		}
		if f, ok := v.([]float32); ok {
			err = binfile.ReadSlice(br, f)
			return
		}
		err = binary.Read(br, binary.LittleEndian, v)
	}
	mg := make([]byte, len(magic))
	if _, err := io.ReadFull(br, mg); err != nil || string(mg) != magic {
		return nil, errors.New("si: not an SI model (bad magic)")
	}
	var ver, fs, bits, vdim, ndense, nsf uint32
	get(&ver)
	if err == nil && ver != version {
		if ver < version {
			return nil, fmt.Errorf("si: model version %d predates technique groups (this build reads version %d): retrain it", ver, version)
		}
		return nil, fmt.Errorf("si: unsupported model version %d (want %d)", ver, version)
	}
	get(&fs)
	get(&bits)
	get(&vdim)
	get(&ndense)
	get(&nsf)
	if err != nil {
		return nil, fmt.Errorf("si: reading header: %w", binfile.NoEOF(err))
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
	if int(vdim) != want || int(ndense) != denseParts*want {
		return nil, fmt.Errorf("si: model expects %d-dimensional word vectors (%d dense values), have %d", vdim, ndense, want)
	}
	if nsf != nSpanFeats {
		return nil, fmt.Errorf("si: model has %d span features, want %d", nsf, nSpanFeats)
	}
	m := &Model{vecs: vecs, bits: bits}
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
	var nt uint32
	get(&nt)
	if err == nil && (nt == 0 || nt > maxTaggers) {
		return nil, fmt.Errorf("si: %d taggers, want 1 to %d", nt, maxTaggers)
	}
	for k := range nt {
		if err != nil {
			break
		}
		tg, terr := readTagger(get, bits, int(ndense))
		if err != nil {
			break
		}
		if terr != nil {
			return nil, fmt.Errorf("si: tagger %d: %w", k+1, terr)
		}
		m.taggers = append(m.taggers, tg)
	}
	if err != nil {
		return nil, fmt.Errorf("si: reading model: %w", binfile.NoEOF(err))
	}
	m.prepareTagging()
	return m, nil
}

// readTagger reads one tagger of a model with get, which records the
// first read error itself; the returned error is about the values read.
func readTagger(get func(any), bits uint32, ndense int) (*tagger, error) {
	tg := &tagger{}
	var group, nm uint32
	var gap, mw int32
	get(&group)
	dc := &tg.dec
	get(&dc.Threshold)
	get(&gap)
	get(&mw)
	get(&dc.Peak)
	get(&dc.Sentence)
	get(&dc.MinScore)
	get(&dc.Clause)
	get(&dc.Relative)
	get(&tg.rerank)
	get(&nm)
	dc.Gap, dc.MinWords = int(gap), int(mw)
	tg.group = technique.Set(group)
	if group == 0 || group > uint32(technique.AllTechniques) {
		return nil, fmt.Errorf("invalid technique group %#x", group)
	}
	if nm == 0 || nm > maxMembers {
		return nil, fmt.Errorf("%d ensemble members, want 1 to %d", nm, maxMembers)
	}
	for _, f := range append(tg.rerank[:], dc.Threshold, dc.Peak, dc.Sentence, dc.MinScore, dc.Relative) {
		if math.IsNaN(f) || math.IsInf(f, 0) {
			return nil, errors.New("non-finite setting")
		}
	}
	for range nm {
		c := newCRF(bits, ndense)
		get(&c.trans)
		get(&c.start)
		get(c.w)
		get(c.dense)
		tg.members = append(tg.members, c)
	}
	tg.crf = tg.members[0]
	for _, c := range tg.members {
		for _, f := range [][]float32{c.w, c.dense, c.trans[:], c.start[:]} {
			for _, v := range f {
				if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
					return nil, errors.New("non-finite weight")
				}
			}
		}
	}
	return tg, nil
}

func vecsLen(v *embed.Vectors) int {
	if v == nil {
		return 0
	}
	return v.Len()
}
