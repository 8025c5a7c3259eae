package lexicon

import (
	"archive/tar"
	"bufio"
	"compress/gzip"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"unspun/internal/testenv"
)

// TestVaderMatchesPackage checks that data/vader.tsv is the first two
// columns of vader_lexicon.txt in the npm package scripts/fetch-resources.sh
// downloads, so the committed table can be reproduced from its source.
func TestVaderMatchesPackage(t *testing.T) {
	tgz := filepath.Join(testenv.ModuleRoot(), ".cache", "resources", "vader-sentiment-1.1.3.tgz")
	f, err := os.Open(tgz)
	if errors.Is(err, os.ErrNotExist) {
		t.Skipf("%s not downloaded (run scripts/fetch-resources.sh)", tgz)
	}
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatalf("%s: %v", tgz, err)
	}
	tr := tar.NewReader(zr)
	var want []string
	for {
		h, err := tr.Next()
		if err == io.EOF {
			t.Fatalf("%s: no package/vader_lexicon.txt", tgz)
		}
		if err != nil {
			t.Fatalf("%s: %v", tgz, err)
		}
		if h.Name != "package/vader_lexicon.txt" {
			continue
		}
		sc := bufio.NewScanner(tr)
		for sc.Scan() {
			cols := strings.Split(sc.Text(), "\t")
			if len(cols) < 2 {
				continue
			}
			want = append(want, cols[0]+"\t"+cols[1])
		}
		if err := sc.Err(); err != nil {
			t.Fatal(err)
		}
		break
	}
	b, err := files.ReadFile("data/vader.tsv")
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, line := range strings.Split(string(b), "\n") {
		if line != "" && !strings.HasPrefix(line, "#") {
			got = append(got, line)
		}
	}
	if len(got) != len(want) {
		t.Fatalf("data/vader.tsv has %d entries, the package %d", len(got), len(want))
	}
	for i := range got {
		if got[i] != want[i] {
			t.Fatalf("entry %d: data/vader.tsv has %q, the package %q", i+1, got[i], want[i])
		}
	}
}
