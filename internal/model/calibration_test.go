package model

import (
	"bytes"
	"errors"
	"math"
	"slices"
	"testing"
)

func TestSentenceCalibrationEncoding(t *testing.T) {
	for _, tt := range []struct {
		c       SentenceCalibration
		version byte
	}{
		{SentenceCalibration{A: 1.5, B: -2, C: 0.3, E: -4, F: 7}, 2},
		{SentenceCalibration{A: 0.1, B: 3e-7}, 2},
		{SentenceCalibration{A: 1.5, B: -2, C: 0.3, E: -4, F: 7, G: 0.25, H: 0.5, Q: -0.1}, 3},
		{SentenceCalibration{E: -3, Q: 0.2}, 3},
		{SentenceCalibration{A: 1.5, B: -2, C: 0.3, E: -4, F: 7, G: 0.25, H: 0.5, Q: -0.1, P: 0.4}, 4},
		{SentenceCalibration{E: -3, P: 0.2}, 4},
		{SentenceCalibration{E: -3, R: -1}, 4},
	} {
		b, err := tt.c.MarshalBinary()
		if err != nil {
			t.Fatal(err)
		}
		if b[0] != tt.version {
			t.Errorf("%+v written as version %d, want %d (the oldest that holds it)", tt.c, b[0], tt.version)
		}
		var got SentenceCalibration
		if err := got.UnmarshalBinary(b); err != nil || got != tt.c {
			t.Errorf("round trip of %+v: %+v, %v", tt.c, got, err)
		}
	}
	if _, err := (SentenceCalibration{A: math.NaN()}).MarshalBinary(); err == nil {
		t.Error("a NaN calibration was encoded")
	}
	// Version 1 (A, B) reads as σ(A·r + B) for every sentence.
	v1 := []byte{1, 0, 0, 0}
	v1 = append(v1, f64(2)...)
	v1 = append(v1, f64(-1)...)
	var c SentenceCalibration
	if err := c.UnmarshalBinary(v1); err != nil || c != (SentenceCalibration{A: 2, B: -1, E: -1}) {
		t.Errorf("version 1: %+v, %v", c, err)
	}
	if got, want := c.Apply(Sentence{Words: 12, Loaded: 3}), 1/(1+math.Exp(1)); math.Abs(got-want) > 1e-12 {
		t.Errorf("version 1 without fragments: %v, want σ(B) = %v", got, want)
	}
	for name, tt := range map[string]struct {
		data []byte
		want error
	}{
		"short":     {[]byte{2, 0}, ErrCorrupt},
		"version 9": {[]byte{9, 0, 0, 0}, ErrVersion},
		"truncated": {v1[:12], ErrCorrupt},
	} {
		if err := c.UnmarshalBinary(tt.data); !errors.Is(err, tt.want) {
			t.Errorf("%s: %v, want %v", name, err, tt.want)
		}
	}
	if got := (SentenceCalibration{}).Apply(Sentence{Raw: 0.3, Mean: 0.9, Found: true, Words: 4}); got != 0.3 {
		t.Errorf("the zero calibration changes scores: %v", got)
	}
}

// TestSentenceCalibrationApply checks each term of the calibration.
func TestSentenceCalibrationApply(t *testing.T) {
	c := SentenceCalibration{A: 3, B: -2, C: 1, E: -4, F: 2, G: 0.5, H: 0.25, Q: 0.75, P: 0.5, R: -2}
	logit := func(p float64) float64 { return math.Log(p / (1 - p)) }
	for _, tt := range []struct {
		s    Sentence
		want float64 // logit
	}{
		{Sentence{Raw: 0.5, Mean: 0.2, Found: true, Words: 9, Loaded: 2, Quoted: true, Peak: 0.9}, 3*0.5 - 2 + 0.2},
		{Sentence{Mean: 0.2, Peak: 0.5}, -4 + 0.4 - 1},
		{Sentence{Mean: 0.2, Words: 9, Peak: 0.5}, -4 + 0.4 + 0.5*math.Log(10) - 1},
		{Sentence{Words: 9, Loaded: 3, Peak: 0.5}, -4 + 0.5*math.Log(10) + 0.25*math.Log(4) - 1},
		{Sentence{Words: 9, Quoted: true, Peak: 0.5}, -4 + 0.5*math.Log(10) + 0.75 - 1},
		{Sentence{Peak: 0.2}, -4 + 0.5*logit(0.2) - 0.4},
		{Sentence{Peak: 0}, -4 + 0.5*logit(1e-4)},
		{Sentence{Peak: 1}, -4 + 0.5*logit(1-1e-4) - 2},
	} {
		if got := logit(c.Apply(tt.s)); math.Abs(got-tt.want) > 1e-9 {
			t.Errorf("Apply(%+v): logit %.6f, want %.6f", tt.s, got, tt.want)
		}
	}
}

func TestLegacyCalibration(t *testing.T) {
	c, err := parseLegacyCalibration("1.5 -2")
	if err != nil || c != (SentenceCalibration{A: 1.5, B: -2, E: -2}) {
		t.Errorf("legacy: %+v, %v", c, err)
	}
	for _, bad := range []string{"", "1", "1 2 3", "a b", "NaN 1", "1 +Inf"} {
		if _, err := parseLegacyCalibration(bad); !errors.Is(err, ErrCorrupt) {
			t.Errorf("parseLegacyCalibration(%q): %v", bad, err)
		}
	}
}

func f64(v float64) []byte {
	b := make([]byte, 8)
	u := math.Float64bits(v)
	for i := range b {
		b[i] = byte(u >> (8 * i))
	}
	return b
}

// TestCalibrationSection writes a calibration as its own section and
// reads it back, and reads the metadata form of older files.
func TestCalibrationSection(t *testing.T) {
	m := tiny(t)
	m.Sentence = SentenceCalibration{A: 3, B: -2, C: 1, E: -5, F: 2}
	var b bytes.Buffer
	if err := Write(&b, m); err != nil {
		t.Fatal(err)
	}
	got, err := Read(bytes.NewReader(b.Bytes()))
	if err != nil || got.Sentence != m.Sentence {
		t.Fatalf("read back %+v, %v", got.Sentence, err)
	}
	// An older file: no section, the calibration in the metadata. It
	// reads as version 1 and writes back the same way.
	old := *m
	old.Sentence = SentenceCalibration{A: 2.5, B: -1.75, E: -1.75}
	old.Meta = append(slices.Clone(m.Meta), KV{legacyCalibration, "2.5 -1.75"})
	b.Reset()
	if err := Write(&b, &old); err != nil {
		t.Fatal(err)
	}
	got, err = Read(bytes.NewReader(b.Bytes()))
	if err != nil || got.Sentence != old.Sentence {
		t.Errorf("older file: %+v, %v", got.Sentence, err)
	}
	c, err := readContainer(bytes.NewReader(b.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := c.section(secCal); ok {
		t.Error("an older model was written with a calibration section")
	}
	// A calibration that disagrees with the metadata is not written.
	old.Sentence.A = 3
	if err := Write(&bytes.Buffer{}, &old); err == nil {
		t.Error("wrote a model whose metadata and calibration disagree")
	}
	// A malformed metadata value is a corrupt file.
	c.meta[len(c.meta)-1].Value = "2.5"
	b.Reset()
	if err := writeContainer(&b, c); err != nil {
		t.Fatal(err)
	}
	if _, err := Read(bytes.NewReader(b.Bytes())); !errors.Is(err, ErrCorrupt) {
		t.Errorf("a malformed metadata calibration: %v", err)
	}
}
