package testenv

import (
	"bufio"
	"os"
	"strconv"
	"strings"
	"testing"
)

// Row is one row of a hand-annotated set under testdata: an article id, a
// code-point range of that article, and the columns after them.
type Row struct {
	Article    string
	Start, End int
	Columns    []string
}

// Annotations reads a hand-annotated TSV file whose rows are "article,
// start, end" and then columns more columns, skipping "#" comment lines
// and a header line that starts with "article". A malformed row fails
// the test with its file and line.
func Annotations(t testing.TB, path string, columns int) []Row {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []Row
	sc := bufio.NewScanner(f)
	for line := 1; sc.Scan(); line++ {
		text := sc.Text()
		if strings.HasPrefix(text, "#") || strings.HasPrefix(text, "article\t") {
			continue
		}
		c := strings.Split(text, "\t")
		if len(c) != 3+columns {
			t.Fatalf("%s:%d: %d columns, want %d", path, line, len(c), 3+columns)
			return nil
		}
		s, err1 := strconv.Atoi(c[1])
		e, err2 := strconv.Atoi(c[2])
		if err1 != nil || err2 != nil || e <= s {
			t.Fatalf("%s:%d: bad offsets %q %q", path, line, c[1], c[2])
			return nil
		}
		for i, v := range c[3:] {
			if v == "" {
				t.Fatalf("%s:%d: column %d is empty", path, line, 4+i)
				return nil
			}
		}
		out = append(out, Row{Article: c[0], Start: s, End: e, Columns: c[3:]})
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}
