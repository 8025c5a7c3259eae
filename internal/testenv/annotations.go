package testenv

import (
	"bufio"
	"os"
	"path/filepath"
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

// Tally scores a rule's answers against a hand-annotated set whose rows
// either name an answer (a speaker, a target) or say there is none.
type Tally struct {
	Rows int
	// Given counts the rows that got an answer, Correct those whose
	// answer matched the annotation.
	Given, Correct int
	// Annotated counts the rows that name an answer; None those that
	// say there is none, and NoneEmpty those of them left without one.
	Annotated, None, NoneEmpty int
}

// Add counts one row: got is the answer ("" for none), none whether the
// annotation says there is none, ok whether got matches the annotation.
// It returns the row's mark for a verbose listing: "✓" right, "✗" wrong,
// " " no answer.
func (s *Tally) Add(got string, none, ok bool) string {
	s.Rows++
	ok = ok && got != "" && !none
	if got != "" {
		s.Given++
		if ok {
			s.Correct++
		}
	}
	if none {
		s.None++
		if got == "" {
			s.NoneEmpty++
		}
	} else {
		s.Annotated++
	}
	switch {
	case ok:
		return "✓"
	case got != "":
		return "✗"
	}
	return " "
}

// Precision is the share of the answers given that are right.
func (s Tally) Precision() float64 { return float64(s.Correct) / float64(max(s.Given, 1)) }

// Recall is the share of the annotated answers found.
func (s Tally) Recall() float64 { return float64(s.Correct) / float64(max(s.Annotated, 1)) }

// Coverage is the share of rows given an answer.
func (s Tally) Coverage() float64 { return float64(s.Given) / float64(max(s.Rows, 1)) }

// ArticleText returns the text of PTC article id under the corpus folder
// ptc (see PTC), failing the test when it cannot be read.
func ArticleText(t testing.TB, ptc, id string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(ptc, "articles", "article"+id+".txt"))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
