package corpus

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"unspun/internal/technique"

	"unspun/internal/testenv"
)

func TestParseLabelsErrors(t *testing.T) {
	lengths := map[string]int{"1": 100, "2": -1}
	tests := []struct {
		name   string
		format Format
		input  string
		want   string // the whole error message
	}{
		{"SI with four columns", SI, "1\t0\t5\n1\tDoubt\t0\t5\n", "x.labels:2: expected 3 tab-separated columns, got 4"},
		{"TC with three columns", TC, "1\t0\t5\n", "x.labels:1: expected 4 tab-separated columns, got 3"},
		{"space separated", SI, "1 0 5\n", "x.labels:1: expected 3 tab-separated columns, got 1"},
		{"trailing tab", SI, "1\t0\t5\t\n", "x.labels:1: expected 3 tab-separated columns, got 4"},
		{"start not an integer", SI, "1\tten\t20\n", `x.labels:1: start "ten" is not an integer`},
		{"end not an integer", SI, "\n1\t10\t2.5\n", `x.labels:2: end "2.5" is not an integer`},
		{"integer overflow", SI, "1\t0\t99999999999999999999\n", `x.labels:1: end "99999999999999999999" is not an integer`},
		{"start equals end", SI, "1\t5\t5\n", "x.labels:1: start 5 is not before end 5"},
		{"start after end", TC, "1\tDoubt\t9\t5\n", "x.labels:1: start 9 is not before end 5"},
		{"negative start", SI, "1\t-1\t5\n", "x.labels:1: negative start -1"},
		{"past the end", SI, "1\t90\t101\n", "x.labels:1: span [90,101) runs past the end of article 1 (100 code points)"},
		{"unknown technique", TC, "1\tDoubt\t0\t5\n1\tLies\t0\t5\n", `x.labels:2: unknown technique "Lies"`},
		{"technique label with wrong case", TC, "1\tdoubt\t0\t5\n", `x.labels:1: unknown technique "doubt"`},
		{"unknown article", SI, "3\t0\t5\n", `x.labels:1: unknown article "3"`},
		{"empty article id", SI, "\t0\t5\n", "x.labels:1: empty article id"},
		{"overlong line", SI, "1\t0\t5\n" + strings.Repeat("9", 1<<20+1) + "\n", "x.labels:2: line longer than 1 MB"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseLabels("x.labels", strings.NewReader(tt.input), tt.format, lengths)
			var pe *ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("error = %v, want a *ParseError", err)
			}
			if err.Error() != tt.want {
				t.Errorf("error = %q\nwant    %q", err, tt.want)
			}
		})
	}
}

func TestParseLabels(t *testing.T) {
	lengths := map[string]int{"1": 100, "2": -1}
	tests := []struct {
		name   string
		format Format
		input  string
		want   []Span
	}{
		{"SI with CRLF and blank lines", SI, "1\t0\t5\r\n\r\n\n1\t3\t100\r\n", []Span{{Article: "1", Start: 0, End: 5}, {Article: "1", Start: 3, End: 100}}},
		{"TC keeps duplicate rows", TC, "1\tDoubt\t0\t5\n1\tDoubt\t0\t5\n1\tRepetition\t0\t5\n", []Span{
			{Article: "1", Start: 0, End: 5, Technique: technique.Doubt, HasTechnique: true},
			{Article: "1", Start: 0, End: 5, Technique: technique.Doubt, HasTechnique: true},
			{Article: "1", Start: 0, End: 5, Technique: technique.Repetition, HasTechnique: true},
		}},
		{"spans ignore the technique column", Spans, "1\t?\t0\t5\n", []Span{{Article: "1", Start: 0, End: 5}}},
		{"article known without length", SI, "2\t0\t5000\n", []Span{{Article: "2", Start: 0, End: 5000}}},
		{"empty file", SI, "", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseLabels("x.labels", strings.NewReader(tt.input), tt.format, lengths)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %+v\nwant %+v", got, tt.want)
			}
		})
	}
}

func TestWriteRoundTrip(t *testing.T) {
	in := []Span{
		{Article: "7", Start: 0, End: 5, Technique: technique.Whataboutism, HasTechnique: true},
		{Article: "7", Start: 0, End: 5, Technique: technique.Whataboutism, HasTechnique: true},
		{Article: "8", Start: 12, End: 40, Technique: technique.BandwagonReductio, HasTechnique: true},
	}
	var tc, si bytes.Buffer
	if err := WriteTC(&tc, in); err != nil {
		t.Fatal(err)
	}
	if want := "7\tWhataboutism,Straw_Men,Red_Herring\t0\t5\n7\tWhataboutism,Straw_Men,Red_Herring\t0\t5\n8\tBandwagon,Reductio_ad_hitlerum\t12\t40\n"; tc.String() != want {
		t.Errorf("WriteTC wrote %q, want %q", tc.String(), want)
	}
	got, err := ParseLabels("tc", &tc, TC, nil)
	if err != nil || !reflect.DeepEqual(got, in) {
		t.Errorf("TC round trip = %+v, %v; want %+v", got, err, in)
	}
	if err := WriteSI(&si, in); err != nil {
		t.Fatal(err)
	}
	got, err = ParseLabels("si", &si, SI, nil)
	if err != nil || len(got) != len(in) {
		t.Fatalf("SI round trip = %+v, %v", got, err)
	}
	for i := range got {
		if got[i].Article != in[i].Article || got[i].Start != in[i].Start || got[i].End != in[i].End || got[i].HasTechnique {
			t.Errorf("SI row %d = %+v, want offsets of %+v and no technique", i, got[i], in[i])
		}
	}
}

type failWriter struct{}

func (failWriter) Write([]byte) (int, error) { return 0, errors.New("disk full") }

func TestWriteReportsErrors(t *testing.T) {
	in := []Span{{Article: "1", Start: 0, End: 1, Technique: technique.Doubt, HasTechnique: true}}
	if err := WriteSI(failWriter{}, in); err == nil {
		t.Error("WriteSI ignored a write error")
	}
	if err := WriteTC(failWriter{}, in); err == nil {
		t.Error("WriteTC ignored a write error")
	}
	bad := []Span{{Article: "1", Start: 0, End: 1, Technique: technique.Count, HasTechnique: true}}
	if err := WriteTC(&bytes.Buffer{}, bad); err == nil {
		t.Error("WriteTC wrote an invalid technique")
	}
}

func TestDecodeText(t *testing.T) {
	tests := []struct {
		name, in, want, err string
	}{
		{"plain", "Hello “world”\n", "Hello “world”\n", ""},
		{"byte-order mark kept: offsets count it", "\ufeffHi", "\ufeffHi", ""},
		{"NUL byte", "ab\x00c", "", "a.txt: binary file (NUL byte at offset 2), not an article"},
		{"invalid UTF-8", "abc\xffdef", "", "a.txt: not valid UTF-8 (byte offset 3)"},
		{"truncated sequence", "é\xe2\x80", "", "a.txt: not valid UTF-8 (byte offset 2)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := DecodeText("a.txt", strings.NewReader(tt.in))
			if tt.err != "" {
				if err == nil || err.Error() != tt.err {
					t.Fatalf("error = %v, want %q", err, tt.err)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Errorf("DecodeText = %q, %v; want %q", got, err, tt.want)
			}
		})
	}
	big := strings.NewReader(strings.Repeat("a", MaxArticleBytes+1))
	if _, err := DecodeText("big.txt", big); err == nil || !strings.Contains(err.Error(), "big.txt: article larger than") {
		t.Errorf("oversized article: error = %v", err)
	}
}

func TestLabelsArticleID(t *testing.T) {
	for name, want := range map[string]string{
		"labels/article111111111.task1-SI.labels": "111111111",
		"article42.labels":                        "42",
		"articles.labels":                         "",
		"article.labels":                          "",
		"pred.labels":                             "",
		"article42.txt":                           "",
	} {
		if got := LabelsArticleID(name); got != want {
			t.Errorf("LabelsArticleID(%q) = %q, want %q", name, got, want)
		}
	}
}

func writeFiles(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, body := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func TestReadLabelSet(t *testing.T) {
	dir := writeFiles(t, map[string]string{
		"gold/article1.task1-SI.labels": "1\t0\t5\n1\t2\t4\n",
		"gold/article2.task1-SI.labels": "",
		"gold/notes.txt":                "not labels",
		"bad/article3.task1-SI.labels":  "3\t0\t5\n4\t0\t5\n",
	})
	set, err := ReadLabelSet(filepath.Join(dir, "gold"), SI, nil)
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"1", "2"}; !reflect.DeepEqual(set.Articles, want) {
		t.Errorf("Articles = %v, want %v (the empty file's article included)", set.Articles, want)
	}
	if len(set.Spans) != 2 {
		t.Errorf("Spans = %v, want 2 rows", set.Spans)
	}
	_, err = ReadLabelSet(filepath.Join(dir, "bad"), SI, nil)
	want := filepath.Join(dir, "bad", "article3.task1-SI.labels") + ":2: row for article 4 in the labels file of article 3"
	if err == nil || err.Error() != want {
		t.Errorf("error = %v, want %q", err, want)
	}
	if _, err := ReadLabels(filepath.Join(dir, "gold", "notes.txt"), SI, nil); err == nil {
		t.Error("ReadLabels accepted a file that is not labels")
	}
	if _, err := ReadLabels(t.TempDir(), SI, nil); err == nil || !strings.Contains(err.Error(), "no .labels files") {
		t.Errorf("empty folder: error = %v", err)
	}
}

func TestReadPTCErrors(t *testing.T) {
	dir := writeFiles(t, map[string]string{
		"articles/article1.txt":              "Title\n\nBody “text”.\n",
		"labels-tc/article1.task2-TC.labels": "1\tDoubt\t0\t30\n",
	})
	_, err := ReadPTC(dir, nil)
	want := filepath.Join(dir, "labels-tc", "article1.task2-TC.labels") + ":1: span [0,30) runs past the end of article 1 (20 code points)"
	if err == nil || err.Error() != want {
		t.Errorf("error = %v, want %q", err, want)
	}
	if _, err := ReadPTC(dir, []string{"1", "5"}); err == nil || !strings.Contains(err.Error(), "no article file for id(s) 5") {
		t.Errorf("missing id: error = %v", err)
	}
}

// ptcDir returns ../shared/data/ptc relative to the module root, skipping
// the test when the shared data is not beside the repository.
func ptcDir(t testing.TB) string {
	t.Helper()
	return testenv.PTC(t)
}

func TestReadPTCSharedCorpus(t *testing.T) {
	dir := ptcDir(t)
	arts, err := ReadPTC(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	rows, empty := 0, 0
	for _, a := range arts {
		rows += len(a.Spans)
		if len(a.Spans) == 0 {
			empty++
		}
	}
	// Counts from the corpus README.
	if len(arts) != 371 || rows != 6128 {
		t.Errorf("read %d articles and %d TC rows, want 371 and 6128", len(arts), rows)
	}
	if empty == 0 {
		t.Error("no article without annotations; the corpus has some")
	}
	si, err := ReadLabelSet(filepath.Join(dir, "labels-si"), SI, Lengths(arts))
	if err != nil {
		t.Fatal(err)
	}
	if len(si.Spans) != 5468 || len(si.Articles) != 371 {
		t.Errorf("SI labels: %d spans over %d articles, want 5468 over 371", len(si.Spans), len(si.Articles))
	}
	sub, err := ReadSplit(dir, "split-validation.txt")
	if err != nil || len(sub) != 60 {
		t.Fatalf("validation split: %d articles, %v", len(sub), err)
	}
}

func TestReadIDsEmpty(t *testing.T) {
	p := filepath.Join(t.TempDir(), "ids.txt")
	if err := os.WriteFile(p, []byte("# none yet\n\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if ids, err := ReadIDs(p); err == nil || !strings.Contains(err.Error(), "no article ids") {
		t.Errorf("ReadIDs of a list without ids = %v, %v; want an error", ids, err)
	}
}

// TestParseErrorSentinels: callers tell errors apart with errors.Is, and
// the ParseError says where.
func TestParseErrorSentinels(t *testing.T) {
	lengths := map[string]int{"1": 100}
	tests := []struct {
		format Format
		input  string
		want   error
		line   int
		column int
	}{
		{SI, "1\t0\n", ErrColumns, 1, 0},
		{SI, "\t0\t5\n", ErrArticleID, 1, 1},
		{TC, "1\tLies\t0\t5\n", ErrTechnique, 1, 2},
		{SI, "1\tten\t5\n", ErrOffset, 1, 2},
		{SI, "1\t0\t+265\n", ErrOffset, 1, 3},
		{SI, "1\t+0\t5\n", ErrOffset, 1, 2},
		{SI, "1\t-1\t5\n", ErrOffset, 1, 2},
		{SI, "\n1\t5\t5\n", ErrEmptySpan, 2, 2},
		{SI, "2\t0\t5\n", ErrUnknownArticle, 1, 1},
		{SI, "1\t0\t101\n", ErrPastEnd, 1, 3},
	}
	for _, tt := range tests {
		_, err := ParseLabels("x.labels", strings.NewReader(tt.input), tt.format, lengths)
		var pe *ParseError
		if !errors.Is(err, tt.want) || !errors.As(err, &pe) || pe.Line != tt.line || pe.Column != tt.column {
			t.Errorf("%q: %v (%+v), want %v at line %d column %d", tt.input, err, pe, tt.want, tt.line, tt.column)
		}
	}
	_, err := ParseLabels("x.labels", strings.NewReader("1\t0\t5\n"+strings.Repeat("9", 1<<20+1)+"\n"), SI, lengths)
	if !errors.Is(err, ErrLineTooLong) {
		t.Errorf("overlong line: %v", err)
	}
}

// TestLabelsBOM: a UTF-8 byte-order mark at the start of a labels or id
// file is not part of the first article id.
func TestLabelsBOM(t *testing.T) {
	got, err := ParseLabels("x.labels", strings.NewReader("\ufeff1\t0\t5\n1\t6\t9\n"), SI, map[string]int{"1": 100})
	if err != nil || len(got) != 2 || got[0].Article != "1" {
		t.Errorf("BOM: %v, %v", got, err)
	}
	// Only at the start of the file: elsewhere it is part of an id.
	if _, err := ParseLabels("x.labels", strings.NewReader("1\t0\t5\n\ufeff1\t6\t9\n"), SI, map[string]int{"1": 100}); !errors.Is(err, ErrUnknownArticle) {
		t.Errorf("BOM on line 2: %v", err)
	}
	p := filepath.Join(t.TempDir(), "ids.txt")
	os.WriteFile(p, []byte("\ufeff111\n222\n"), 0o644)
	if ids, err := ReadIDs(p); err != nil || len(ids) != 2 || ids[0] != "111" {
		t.Errorf("ids with a BOM: %q, %v", ids, err)
	}
}

func TestDecodeTextEncodings(t *testing.T) {
	utf16 := func(s string, be bool) []byte {
		var b []byte
		for _, r := range s {
			if be {
				b = append(b, byte(r>>8), byte(r))
			} else {
				b = append(b, byte(r), byte(r>>8))
			}
		}
		return b
	}
	text := "Officials met on Monday to discuss the budget.\n"
	tests := []struct {
		name  string
		input []byte
		want  error
	}{
		{"UTF-16LE with BOM", append([]byte{0xff, 0xfe}, utf16(text, false)...), ErrUTF16},
		{"UTF-16BE with BOM", append([]byte{0xfe, 0xff}, utf16(text, true)...), ErrUTF16},
		{"UTF-16LE without BOM", utf16(text, false), ErrUTF16},
		{"UTF-16BE without BOM", utf16(text, true), ErrUTF16},
		{"binary with a NUL", []byte("ok\x00binary data here"), ErrBinary},
		{"all NULs", make([]byte, 64), ErrBinary},
		{"Latin-1", []byte("caf\xe9 au lait"), ErrNotUTF8},
		{"UTF-8 with BOM", []byte("\ufeff" + text), nil},
	}
	for _, tt := range tests {
		got, err := DecodeText("a.txt", bytes.NewReader(tt.input))
		if !errors.Is(err, tt.want) || (tt.want == nil && got != string(tt.input)) {
			t.Errorf("%s: %q, %v; want %v", tt.name, got, err, tt.want)
		}
		if tt.want == ErrUTF16 && err.Error() != "a.txt: UTF-16 text: convert it to UTF-8" {
			t.Errorf("%s: message %q", tt.name, err)
		}
	}
}

// TestReadPTCByteOrderMark: an article file starting with a byte-order
// mark keeps it, so that its gold offsets (Python string indices, which
// count the mark) select the annotated words, and the mark is no word.
func TestReadPTCByteOrderMark(t *testing.T) {
	dir := t.TempDir()
	for _, sub := range []string{"articles", "labels-tc"} {
		if err := os.Mkdir(filepath.Join(dir, sub), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	text := "\ufeffTitle\n\nThey are liars."
	if err := os.WriteFile(filepath.Join(dir, "articles", "article7.txt"), []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	// "liars" is characters 17–22 of the decoded file, the mark included.
	if err := os.WriteFile(filepath.Join(dir, "labels-tc", "article7.task2-TC.labels"), []byte("7\tName_Calling,Labeling\t17\t22\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	arts, err := ReadPTC(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	d := arts[0].Doc
	if s := arts[0].Spans[0]; d.Slice(s.Start, s.End) != "liars" {
		t.Errorf("gold span %d-%d selects %q, want \"liars\"", s.Start, s.End, d.Slice(s.Start, s.End))
	}
	if w := d.Words[0]; w.Text != "Title" || w.Start != 1 {
		t.Errorf("first word %q at %d, want \"Title\" at 1", w.Text, w.Start)
	}
}
