package model

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"unspun/internal/corpus"
	"unspun/internal/doc"
	"unspun/internal/si"
	"unspun/internal/tc"
	"unspun/internal/testenv"
)

var tinyOnce struct {
	once sync.Once
	m    *Model
	err  error
}

// tiny returns SI and TC trained without vectors on a few PTC training
// articles, trained once per test binary, as small and quick as training
// allows (2^14 hashed features, one run, no cross-validation): the tests
// check the file, not the model. Each call returns a copy of the model: a
// test may change its fields (Meta, Sentence, Version) but not the SI and
// TC models it shares.
func tiny(t *testing.T) *Model {
	t.Helper()
	dir := testenv.PTC(t)
	tinyOnce.once.Do(func() {
		ids, err := corpus.ReadIDs(filepath.Join(dir, "split-train.txt"))
		if err != nil {
			tinyOnce.err = err
			return
		}
		arts, err := corpus.ReadPTC(dir, ids[:8])
		if err != nil {
			tinyOnce.err = err
			return
		}
		m := &Model{Meta: []KV{{"data", "ptc"}, {"train-ids", "first 8"}}}
		if m.SI, err = si.Train(arts, nil, si.Options{Epochs: 2, Folds: 1, HashBits: 14, Bags: 1}); err != nil {
			tinyOnce.err = err
			return
		}
		if m.TC, err = tc.Train(arts, nil, tc.Options{Epochs: 2, Folds: 1}); err != nil {
			tinyOnce.err = err
			return
		}
		tinyOnce.m = m
	})
	if tinyOnce.err != nil {
		t.Fatal(tinyOnce.err)
	}
	m := *tinyOnce.m
	m.Meta = slices.Clone(m.Meta)
	return &m
}

func TestWriteRead(t *testing.T) {
	m := tiny(t)
	var b bytes.Buffer
	if err := Write(&b, m); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(m.Version, "unspun-") || len(m.Version) != len("unspun-")+12 {
		t.Errorf("version %q", m.Version)
	}
	got, err := Read(bytes.NewReader(b.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	if got.Version != m.Version || got.Get("train-ids") != "first 8" || got.Get("nothing") != "" {
		t.Errorf("read back version %q, meta %v", got.Version, got.Meta)
	}
	// The model read back predicts what the trained one does…
	d := doc.New("x", "They are traitors and liars, the worst enemies our great nation has ever had!\n")
	if a, b := m.TC.Classify(d, 9, 27).Probs, got.TC.Classify(d, 9, 27).Probs; a != b {
		t.Errorf("TC differs after a round trip: %v vs %v", a, b)
	}
	if a, b := m.SI.Predict(d), got.SI.Predict(d); len(a) != len(b) {
		t.Errorf("SI differs after a round trip: %v vs %v", a, b)
	}
	// …and writes the same bytes.
	var again bytes.Buffer
	if err := Write(&again, got); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(again.Bytes(), b.Bytes()) {
		t.Error("a model read back writes different bytes")
	}

	// Every damaged copy is refused with an error that says so.
	data := b.Bytes()
	for _, n := range []int{0, 7, 40, len(data) / 2, len(data) - 1} {
		if _, err := Read(bytes.NewReader(data[:n])); err == nil {
			t.Errorf("prefix of %d bytes read", n)
		}
	}
	bad := bytes.Clone(data)
	bad[len(bad)-10] ^= 1
	if _, err := Read(bytes.NewReader(bad)); !errors.Is(err, ErrCorrupt) || !strings.Contains(err.Error(), `section "tc" checksum`) {
		t.Errorf("flipped bit in tc: %v", err)
	}
}

func TestReadBadSection(t *testing.T) {
	// Sections with valid checksums but undecodable contents.
	c := &container{version: "unspun-x", sections: []section{{secSI, []byte("garbage")}, {secTC, []byte("garbage")}}}
	var b bytes.Buffer
	if err := writeContainer(&b, c); err != nil {
		t.Fatal(err)
	}
	if _, err := Read(&b); err == nil || !strings.Contains(err.Error(), "si section") {
		t.Errorf("garbage si section: %v", err)
	}
	c.sections = c.sections[1:]
	b.Reset()
	writeContainer(&b, c)
	if _, err := Read(&b); !errors.Is(err, ErrCorrupt) || !strings.Contains(err.Error(), `no "si" section`) {
		t.Errorf("missing si section: %v", err)
	}
}

func TestWriteIncomplete(t *testing.T) {
	if err := Write(&bytes.Buffer{}, &Model{}); err == nil {
		t.Error("wrote a model without parts")
	}
}

func TestEmbedded(t *testing.T) {
	m, err := Embedded()
	if _, statErr := os.Stat(filepath.Join("shipped", "unspun.model")); statErr != nil {
		if !errors.Is(err, ErrNoModel) {
			t.Fatalf("no shipped file, but Embedded = %v, %v", m, err)
		}
		return
	}
	if err != nil {
		t.Fatal(err)
	}
	if m.SI == nil || m.TC == nil || !strings.HasPrefix(m.Version, "unspun-") {
		t.Errorf("embedded model incomplete: %+v", m)
	}
	if m2, _ := Embedded(); m2 != m {
		t.Error("Embedded decoded the model twice")
	}
}

// TestShippedReencodes reads the shipped file and writes it again: the
// bytes must be the same, so a change to any section's encoder that would
// silently change the format (or the trained weights it carries) fails
// here rather than in a user's retrained model.
func TestShippedReencodes(t *testing.T) {
	data, err := shipped.ReadFile("shipped/unspun.model")
	if err != nil {
		t.Skip("no shipped model")
	}
	m, err := Read(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := Write(&b, m); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(b.Bytes(), data) {
		t.Errorf("re-encoded model differs from the shipped file (%d bytes, want %d)", b.Len(), len(data))
	}
}

func BenchmarkEmbeddedRead(b *testing.B) {
	data, err := shipped.ReadFile("shipped/unspun.model")
	if err != nil {
		b.Skip("no shipped model")
	}
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if _, err := Read(bytes.NewReader(data)); err != nil {
			b.Fatal(err)
		}
	}
}
