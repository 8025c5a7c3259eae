// Package model is unspun's versioned model file: the word vectors, the
// span tagger (SI) and the technique classifier (TC) in one binary file
// with its training metadata and checksums, and the model shipped inside
// the binary.
package model

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"sync"

	uembed "unspun/internal/embed"
	"unspun/internal/si"
	"unspun/internal/tc"
)

// Model is a trained unspun model. Its parts are safe for concurrent use.
type Model struct {
	// Version names the model: "unspun-" and the first hex digits of the
	// SHA-256 of its sections, so equal models have equal versions.
	// Write sets it.
	Version string
	// Meta describes how the model was trained (data, split, options),
	// without dates, so that retraining gives the same bytes.
	Meta []KV
	// Vectors are the word vectors both models look words up in; nil
	// when they were trained without vectors.
	Vectors *uembed.Vectors
	SI      *si.Model
	TC      *tc.Model
	// Sentence calibrates sentence and article scores; the zero value
	// leaves them raw. Files written before it had a section of its own
	// carry it in the metadata, which Read still understands.
	Sentence SentenceCalibration
}

// Section names.
const (
	secVectors = "vectors"
	secSI      = "si"
	secTC      = "tc"
	secCal     = "calibration"
)

// Get returns the value of the metadata key, or "".
func (m *Model) Get(key string) string {
	for _, kv := range m.Meta {
		if kv.Key == key {
			return kv.Value
		}
	}
	return ""
}

// Write writes m as a model file to w and sets m.Version.
func Write(w io.Writer, m *Model) error {
	if m.SI == nil || m.TC == nil {
		return errors.New("model: write: the model needs both an SI and a TC part")
	}
	c := &container{meta: m.Meta}
	add := func(name string, wt io.WriterTo) error {
		var b bytes.Buffer
		if _, err := wt.WriteTo(&b); err != nil {
			return fmt.Errorf("model: write %s section: %w", name, err)
		}
		c.sections = append(c.sections, section{name, b.Bytes()})
		return nil
	}
	if m.Vectors != nil {
		if err := add(secVectors, m.Vectors); err != nil {
			return err
		}
	}
	if err := add(secSI, m.SI); err != nil {
		return err
	}
	if err := add(secTC, m.TC); err != nil {
		return err
	}
	// A model read from a file older than the calibration section keeps
	// its calibration where it was, so that it re-encodes to the same
	// bytes.
	legacy := false
	if v := m.Get(legacyCalibration); v != "" {
		c, err := parseLegacyCalibration(v)
		if err != nil || c != m.Sentence {
			return fmt.Errorf("model: write: the %q metadata does not match the model's sentence calibration", legacyCalibration)
		}
		legacy = true
	}
	if !m.Sentence.IsZero() && !legacy {
		data, err := m.Sentence.MarshalBinary()
		if err != nil {
			return fmt.Errorf("model: write %s section: %w", secCal, err)
		}
		c.sections = append(c.sections, section{secCal, data})
	}
	h := sha256.New()
	for _, kv := range c.meta {
		fmt.Fprintf(h, "%q=%q\n", kv.Key, kv.Value)
	}
	for _, s := range c.sections {
		fmt.Fprintf(h, "%s %d\n", s.name, len(s.data))
		h.Write(s.data)
	}
	c.version = "unspun-" + hex.EncodeToString(h.Sum(nil))[:12]
	if err := writeContainer(w, c); err != nil {
		return err
	}
	m.Version = c.version
	return nil
}

// Read reads a model file. Errors wrap ErrFormat, ErrVersion or
// ErrCorrupt when the file is not a model, is of another format version,
// or is truncated or damaged.
func Read(r io.Reader) (*Model, error) {
	c, err := readContainer(r)
	if err != nil {
		return nil, fmt.Errorf("model: %w", err)
	}
	m := &Model{Version: c.version, Meta: c.meta}
	if data, ok := c.section(secVectors); ok {
		v, err := uembed.Read(bytes.NewReader(data))
		if err != nil {
			return nil, fmt.Errorf("model: vectors section: %w", err)
		}
		m.Vectors = v
	}
	data, ok := c.section(secSI)
	if !ok {
		return nil, fmt.Errorf("model: %w: no %q section", ErrCorrupt, secSI)
	}
	if m.SI, err = si.Read(bytes.NewReader(data), m.Vectors); err != nil {
		return nil, fmt.Errorf("model: si section: %w", err)
	}
	if data, ok = c.section(secTC); !ok {
		return nil, fmt.Errorf("model: %w: no %q section", ErrCorrupt, secTC)
	}
	var vecs tc.Vectors
	if m.Vectors != nil {
		vecs = m.Vectors
	}
	if m.TC, err = tc.Read(bytes.NewReader(data), vecs); err != nil {
		return nil, fmt.Errorf("model: tc section: %w", err)
	}
	if data, ok = c.section(secCal); ok {
		if err := m.Sentence.UnmarshalBinary(data); err != nil {
			return nil, fmt.Errorf("model: %s section: %w", secCal, err)
		}
	} else if v := m.Get(legacyCalibration); v != "" {
		if m.Sentence, err = parseLegacyCalibration(v); err != nil {
			return nil, fmt.Errorf("model: metadata: %w", err)
		}
	}
	return m, nil
}

// ShippedPath is where the shipped model lives in the source tree,
// relative to the module root; the build embeds it.
const ShippedPath = "internal/model/shipped/unspun.model"

// ErrNoModel is returned by Embedded when the binary was built without a
// shipped model.
var ErrNoModel = errors.New("this unspun binary has no built-in model: train one with 'unspun train --data DIR --out " +
	ShippedPath + "' and rebuild, or pass --model FILE")

// The directory is embedded rather than the file so that the build works
// before the first model is trained: shipped/ always holds its README.
//
//go:embed shipped
var shipped embed.FS

var embedded struct {
	once sync.Once
	m    *Model
	err  error
}

// Embedded returns the model shipped inside the binary, decoding it on the
// first call only.
func Embedded() (*Model, error) {
	embedded.once.Do(func() {
		// Read streams from the binary's data: a copy of the whole file
		// first doubled the memory the load touches and its time.
		f, err := shipped.Open("shipped/unspun.model")
		if err != nil {
			embedded.err = ErrNoModel
			return
		}
		defer f.Close()
		m, err := Read(f)
		if err != nil {
			embedded.err = fmt.Errorf("built-in model: %w", err)
			return
		}
		embedded.m = m
	})
	return embedded.m, embedded.err
}
