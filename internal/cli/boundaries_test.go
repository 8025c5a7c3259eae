package cli

import (
	"encoding/json"
	"path/filepath"
	"slices"
	"testing"
	"unicode"
	"unicode/utf8"

	"unspun/internal/corpus"
	"unspun/internal/doc"
	"unspun/internal/lexicon"
	"unspun/internal/testenv"
)

// TestAnalyzeFragmentBoundaries reads what users read, the fragments of
// `unspun analyze --format json` on real validation articles, and checks
// that none is cut where an annotator would never cut: after a word that
// needs a word after it ("The dictators in"), inside a hyphenated word
// ("Christian-") or inside a name ("prime minister, Adel" of "Adel Abdul
// Mahdi"; runs of more than five capitalised words are headlines, not
// names).
func TestAnalyzeFragmentBoundaries(t *testing.T) {
	ptc := testenv.PTC(t)
	ids, err := corpus.ReadIDs(filepath.Join(ptc, "split-validation.txt"))
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(ids)
	fragments := 0
	for _, id := range ids[:20] {
		path := filepath.Join(ptc, "articles", "article"+id+".txt")
		stdout, stderr, code := runMain("analyze", "--format", "json", path)
		if code != 0 {
			t.Fatalf("unspun analyze --format json %s: exit %d: %s", path, code, stderr)
		}
		var res struct {
			Text  string `json:"text"`
			Spans []struct {
				Start int    `json:"start"`
				End   int    `json:"end"`
				Text  string `json:"text"`
			} `json:"spans"`
		}
		if err := json.Unmarshal([]byte(stdout), &res); err != nil {
			t.Fatalf("%s: the output is not JSON: %v", id, err)
		}
		d := doc.New(id, res.Text)
		ws := d.Words
		capital := func(i int) bool {
			r, _ := utf8.DecodeRuneInString(ws[i].Text)
			return unicode.IsUpper(r) && lexicon.Function(lexicon.Lower(ws[i].Text)) == lexicon.NotFunction
		}
		spaced := func(i int) bool { // words i and i+1 separated by spaces only
			gap := d.Slice(ws[i].End, ws[i+1].Start)
			return gap != "" && gap == spaces(len(gap))
		}
		// insideName reports that words i and i+1 belong to one run of
		// at most five capitalised words.
		insideName := func(i int) bool {
			if i < 0 || i+1 >= len(ws) || !capital(i) || !capital(i+1) || !spaced(i) {
				return false
			}
			s, e := i, i+1
			for s > 0 && spaced(s-1) && capital(s-1) {
				s--
			}
			for e+1 < len(ws) && spaced(e) && capital(e+1) {
				e++
			}
			return e-s+1 <= 5
		}
		insideWord := func(i int) bool { // words i and i+1 are one written word
			return i >= 0 && i+1 < len(ws) && ws[i].End == ws[i+1].Start &&
				(ws[i].Text == "-" || ws[i+1].Text == "-" || lexicon.IsWord(ws[i].Text) && lexicon.IsWord(ws[i+1].Text))
		}
		for _, sp := range res.Spans {
			fragments++
			a, b := d.WordsIn(sp.Start, sp.End)
			if a >= b {
				t.Errorf("%s: fragment %q [%d, %d) holds no word", id, sp.Text, sp.Start, sp.End)
				continue
			}
			last := ws[b-1].Text
			switch {
			case lexicon.Function(lexicon.Lower(last)).LeansForward() && !insideWord(b-2): // "Chick-fil-A" ends on a word
				t.Errorf("%s: fragment %q ends on %q", id, sp.Text, last)
			case insideWord(a-1) || insideWord(b-1):
				t.Errorf("%s: fragment %q starts or ends inside a word", id, sp.Text)
			case insideName(a-1) || insideName(b-1):
				t.Errorf("%s: fragment %q starts or ends inside a name", id, sp.Text)
			}
		}
	}
	if fragments < 100 {
		t.Fatalf("only %d fragments in 20 articles: the check says little", fragments)
	}
	t.Logf("%d fragments checked", fragments)
}

func spaces(n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = ' '
	}
	return string(b)
}
