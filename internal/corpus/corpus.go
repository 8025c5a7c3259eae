// Package corpus reads and writes the Propaganda Techniques Corpus and the
// SemEval-2020 Task 11 file formats: article folders (articleID.txt), span
// identification labels (ID START END) and technique classification labels
// (ID TECHNIQUE START END), all with code-point offsets.
//
// # Reading
//
// ReadPTC reads a corpus folder (articles/ with labels-tc/ or labels-si/),
// ReadArticles an article folder, ParseLabels and ReadLabels label rows,
// ReadIDs an id list; DecodeText is the one check of an article's bytes.
//
// # Errors
//
// Malformed input is an error naming the file, the line and the reason;
// nothing is silently dropped. A bad row is a *ParseError whose Err is one
// of the Err* sentinels, matched with errors.Is.
//
// # Writing
//
// WriteSI and WriteTC write the rows the task's scorers read.
package corpus

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"unspun/internal/doc"
	"unspun/internal/technique"
)

// Span is one labelled fragment of an article, in code points. Technique
// is meaningful only for TC labels (HasTechnique).
type Span struct {
	Article      string
	Start, End   int
	Technique    technique.Technique
	HasTechnique bool
}

// Article is one corpus article with its gold spans, if any.
type Article struct {
	ID   string
	Path string
	Doc  *doc.Document
	// Spans are the TC rows when a TC labels file was read, otherwise the
	// SI rows (without technique). Order is as in the file.
	Spans []Span
}

// MaxArticleBytes is the largest article file unspun reads.
const MaxArticleBytes = 10 << 20

// ParseError reports a malformed line of a labels, spans or id-list
// file, as encoding/csv's ParseError does: where, and what, with Err one
// of the sentinels below (possibly wrapped with the details), so that
// callers test errors.Is(err, corpus.ErrColumns) and the like.
type ParseError struct {
	File   string
	Line   int // 1-based; 0 when the error is not about one line
	Column int // 1-based tab-separated column; 0 when not about one
	Err    error
}

func (e *ParseError) Error() string {
	if e.Line == 0 {
		return fmt.Sprintf("%s: %v", e.File, e.Err)
	}
	return fmt.Sprintf("%s:%d: %v", e.File, e.Line, e.Err)
}

func (e *ParseError) Unwrap() error { return e.Err }

// What a ParseError's Err is or wraps.
var (
	ErrColumns        = errors.New("wrong number of tab-separated columns")
	ErrArticleID      = errors.New("empty article id")
	ErrTechnique      = errors.New("unknown technique")
	ErrOffset         = errors.New("offset is not a non-negative integer")
	ErrEmptySpan      = errors.New("start is not before end")
	ErrUnknownArticle = errors.New("unknown article")
	ErrPastEnd        = errors.New("span runs past the end of the article")
	ErrOtherArticle   = errors.New("row for another article than the file's")
	ErrLineTooLong    = errors.New("line longer than 1 MB")
	ErrIDList         = errors.New("expected one article id")
)

// detail is a sentinel with the particulars of one occurrence: its
// message is msg, and errors.Is sees the sentinel.
type detail struct {
	err error
	msg string
}

func (d *detail) Error() string { return d.msg }
func (d *detail) Unwrap() error { return d.err }

func errorf(sentinel error, format string, args ...any) error {
	return &detail{sentinel, fmt.Sprintf(format, args...)}
}

// bom is the UTF-8 byte-order mark some editors put at the start of a
// file; it is not part of the first article id.
const bom = "\ufeff"

// ArticleID returns the id in a file name of the form articleID.txt, or ""
// if name is not of that form.
func ArticleID(name string) string {
	base := filepath.Base(name)
	if !strings.HasPrefix(base, "article") || !strings.HasSuffix(base, ".txt") {
		return ""
	}
	id := strings.TrimSuffix(strings.TrimPrefix(base, "article"), ".txt")
	if id == "" {
		return ""
	}
	return id
}

// ReadText reads an article file as text. It rejects files that are too
// large, are not UTF-8 or look binary.
func ReadText(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	return DecodeText(path, f)
}

// Errors DecodeText wraps, with the file's name and the particulars.
var (
	ErrTooLarge = errors.New("article too large")
	ErrBinary   = errors.New("binary file, not an article")
	ErrUTF16    = errors.New("UTF-16 text: convert it to UTF-8")
	ErrNotUTF8  = errors.New("not valid UTF-8")
)

// DecodeText reads article text from r, named name in errors, with the
// checks of ReadText. Errors wrap ErrTooLarge, ErrBinary, ErrUTF16 or
// ErrNotUTF8.
func DecodeText(name string, r io.Reader) (string, error) {
	b, err := io.ReadAll(io.LimitReader(r, MaxArticleBytes+1))
	if err != nil {
		return "", fmt.Errorf("%s: %w", name, err)
	}
	if len(b) > MaxArticleBytes {
		return "", fmt.Errorf("%s: %w", name, errorf(ErrTooLarge, "article larger than %d MB", MaxArticleBytes>>20))
	}
	if isUTF16(b) {
		return "", fmt.Errorf("%s: %w", name, ErrUTF16)
	}
	if i := bytes.IndexByte(b, 0); i >= 0 {
		return "", fmt.Errorf("%s: %w", name, errorf(ErrBinary, "binary file (NUL byte at offset %d), not an article", i))
	}
	if !utf8.Valid(b) {
		off := 0
		for off < len(b) {
			r, size := utf8.DecodeRune(b[off:])
			if r == utf8.RuneError && size == 1 {
				break
			}
			off += size
		}
		return "", fmt.Errorf("%s: %w", name, errorf(ErrNotUTF8, "not valid UTF-8 (byte offset %d)", off))
	}
	// A UTF-8 byte-order mark is kept: the corpus's offsets are Python
	// string indices of the decoded file, which count it (two PTC articles
	// start with one), and offsets unspun writes must be the same. doc
	// leaves it out of the words.
	return string(b), nil
}

// isUTF16 reports whether b looks like UTF-16 text: it starts with a
// UTF-16 byte-order mark, or, without one, at least 40% of its first 4 KB
// (and 8 bytes at least) are NUL bytes and nearly all of them sit at the same parity
// of position, as the high bytes of Latin-script text in UTF-16 do. A
// binary file has NULs anywhere.
func isUTF16(b []byte) bool {
	if len(b) >= 2 && (b[0] == 0xff && b[1] == 0xfe || b[0] == 0xfe && b[1] == 0xff) {
		return true
	}
	sample := b[:min(len(b), 4096)&^1]
	if len(sample) < 8 {
		return false
	}
	var nul [2]int
	for i, c := range sample {
		if c == 0 {
			nul[i&1]++
		}
	}
	all := nul[0] + nul[1]
	return 5*all >= 2*len(sample) && 10*max(nul[0], nul[1]) >= 9*all && all < len(sample)
}

// ReadArticles reads every articleID.txt in dir, sorted by id. When ids is
// non-nil only those articles are read, and a missing one is an error.
func ReadArticles(dir string, ids []string) ([]*Article, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	want := map[string]bool{}
	for _, id := range ids {
		want[id] = true
	}
	var out []*Article
	for _, e := range entries {
		id := ArticleID(e.Name())
		if id == "" || e.IsDir() {
			continue
		}
		// Only regular files: opening a named pipe would wait forever.
		if !e.Type().IsRegular() {
			return nil, fmt.Errorf("%s: not a regular file, not an article", filepath.Join(dir, e.Name()))
		}
		if ids != nil && !want[id] {
			continue
		}
		p := filepath.Join(dir, e.Name())
		text, err := ReadText(p)
		if err != nil {
			return nil, err
		}
		out = append(out, &Article{ID: id, Path: p, Doc: doc.New(id, text)})
		delete(want, id)
	}
	if len(want) > 0 {
		missing := make([]string, 0, len(want))
		for id := range want {
			missing = append(missing, id)
		}
		sort.Strings(missing)
		return nil, fmt.Errorf("%s: no article file for id(s) %s", dir, strings.Join(missing, ", "))
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%s: no articleID.txt files", dir)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out, nil
}

// ReadIDs reads a list of article ids, one a line (blank lines and lines
// starting with # are skipped). A list without ids is an error: callers
// read a nil list as "every article".
func ReadIDs(path string) ([]string, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var ids []string
	for i, line := range strings.Split(strings.TrimPrefix(string(b), bom), "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		if strings.IndexFunc(line, unicode.IsSpace) >= 0 {
			// Also a lone carriage return: old Mac line ends.
			return nil, &ParseError{File: path, Line: i + 1, Err: errorf(ErrIDList, "expected one article id, got %q", line)}
		}
		ids = append(ids, line)
	}
	if len(ids) == 0 {
		return nil, fmt.Errorf("%s: no article ids", path)
	}
	return ids, nil
}

// Format says which labels format a file holds.
type Format int

const (
	// SI rows are ID START END.
	SI Format = iota
	// TC rows are ID TECHNIQUE START END.
	TC
	// Spans rows are ID ANY START END: TC-shaped, technique column ignored
	// (the input of technique prediction).
	Spans
)

// ParseLabels reads labels rows of the given format from r, named name in
// errors. lengths, when non-nil, maps every known article id to its length
// in code points; rows for other articles or past the end are errors. A
// negative length marks an article as known without checking offsets
// against its length (as when only the gold labels, not the article texts,
// are at hand).
func ParseLabels(name string, r io.Reader, f Format, lengths map[string]int) ([]Span, error) {
	return parseLabels(name, r, f, lengths, "")
}

// parseLabels is ParseLabels that, when only is not "", also requires every
// row to be about article only.
func parseLabels(name string, r io.Reader, f Format, lengths map[string]int, only string) ([]Span, error) {
	var out []Span
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), 1<<20)
	line := 0
	for sc.Scan() {
		line++
		text := strings.TrimRight(sc.Text(), "\r")
		if line == 1 {
			text = strings.TrimPrefix(text, bom)
		}
		if strings.TrimSpace(text) == "" {
			continue
		}
		s, col, err := parseRow(text, f, lengths)
		if err != nil {
			return nil, &ParseError{File: name, Line: line, Column: col, Err: err}
		}
		if only != "" && s.Article != only {
			return nil, &ParseError{File: name, Line: line, Column: 1, Err: errorf(ErrOtherArticle, "row for article %s in the labels file of article %s", s.Article, only)}
		}
		out = append(out, s)
	}
	if err := sc.Err(); err != nil {
		if errors.Is(err, bufio.ErrTooLong) {
			return nil, &ParseError{File: name, Line: line + 1, Err: ErrLineTooLong}
		}
		return nil, &ParseError{File: name, Err: err}
	}
	return out, nil
}

// parseRow parses one row, returning on error the 1-based column at fault
// (0 for the row as a whole).
func parseRow(text string, f Format, lengths map[string]int) (Span, int, error) {
	cols := strings.Split(text, "\t")
	want := 4
	if f == SI {
		want = 3
	}
	if len(cols) != want {
		return Span{}, 0, errorf(ErrColumns, "expected %d tab-separated columns, got %d", want, len(cols))
	}
	s := Span{Article: strings.TrimSpace(cols[0])}
	if s.Article == "" {
		return Span{}, 1, ErrArticleID
	}
	startCol := 1
	if f != SI {
		startCol = 2
		if f == TC {
			t, err := technique.Parse(strings.TrimSpace(cols[1]))
			if err != nil {
				return Span{}, 2, &detail{ErrTechnique, err.Error()}
			}
			s.Technique, s.HasTechnique = t, true
		}
	}
	var err error
	if s.Start, err = parseOffset("start", cols[startCol]); err != nil {
		return Span{}, startCol + 1, err
	}
	if s.End, err = parseOffset("end", cols[startCol+1]); err != nil {
		return Span{}, startCol + 2, err
	}
	if s.Start >= s.End {
		return Span{}, startCol + 1, errorf(ErrEmptySpan, "start %d is not before end %d", s.Start, s.End)
	}
	if lengths != nil {
		n, ok := lengths[s.Article]
		if !ok {
			return Span{}, 1, errorf(ErrUnknownArticle, "unknown article %q", s.Article)
		}
		if n >= 0 && s.End > n {
			return Span{}, startCol + 2, errorf(ErrPastEnd, "span [%d,%d) runs past the end of article %s (%d code points)", s.Start, s.End, s.Article, n)
		}
	}
	return s, 0, nil
}

// parseOffset parses an offset column: decimal digits only, as the corpus
// writes them. strconv.Atoi alone would also take "+265".
func parseOffset(what, col string) (int, error) {
	v := strings.TrimSpace(col)
	n, err := strconv.Atoi(v)
	switch {
	case err != nil:
		return 0, errorf(ErrOffset, "%s %q is not an integer", what, col)
	case n < 0:
		return 0, errorf(ErrOffset, "negative %s %d", what, n)
	case strings.TrimLeft(v, "0123456789") != "":
		return 0, errorf(ErrOffset, "%s %q is not an offset: digits only, without a sign", what, col)
	}
	return n, nil
}

// ReadLabels reads a labels file, or every *.labels file in a folder, of
// the given format. A file named like the PTC's (articleID.….labels) must
// hold rows of that article only.
func ReadLabels(path string, f Format, lengths map[string]int) ([]Span, error) {
	set, err := ReadLabelSet(path, f, lengths)
	if err != nil {
		return nil, err
	}
	return set.Spans, nil
}

// LabelSet is what a labels file or folder holds.
type LabelSet struct {
	// Spans are the rows, in file order (files in name order); duplicate
	// rows are kept.
	Spans []Span
	// Articles are the ids of the articles the labels cover, sorted: every
	// article a row names and every article a file is named after
	// (articleID.….labels), so an article whose labels file is empty —
	// one with no propaganda — is covered too.
	Articles []string
}

// ReadLabelSet reads a labels file, or every *.labels file in a folder,
// like ReadLabels, and also reports the articles covered.
func ReadLabelSet(path string, f Format, lengths map[string]int) (*LabelSet, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	files := []string{path}
	if st.IsDir() {
		files, err = filepath.Glob(filepath.Join(path, "*.labels"))
		if err != nil {
			return nil, err
		}
		sort.Strings(files)
		if len(files) == 0 {
			return nil, fmt.Errorf("%s: no .labels files", path)
		}
	}
	set := &LabelSet{}
	seen := map[string]bool{}
	for _, p := range files {
		if id := LabelsArticleID(p); id != "" {
			seen[id] = true
		}
		spans, err := readLabelsFile(p, f, lengths)
		if err != nil {
			return nil, err
		}
		for _, s := range spans {
			seen[s.Article] = true
		}
		set.Spans = append(set.Spans, spans...)
	}
	set.Articles = make([]string, 0, len(seen))
	for id := range seen {
		set.Articles = append(set.Articles, id)
	}
	sort.Strings(set.Articles)
	return set, nil
}

// LabelsArticleID returns the article id in a labels file name of the PTC
// form articleID.….labels (for example article111111111.task1-SI.labels),
// or "" if the name is not of that form. Only digit ids are recognised, so
// that a file such as articles.labels is not taken for one article's.
func LabelsArticleID(name string) string {
	base := filepath.Base(name)
	if !strings.HasPrefix(base, "article") || !strings.HasSuffix(base, ".labels") {
		return ""
	}
	id := strings.TrimPrefix(base, "article")
	id = id[:strings.IndexByte(id, '.')]
	if id == "" || strings.TrimLeft(id, "0123456789") != "" {
		return ""
	}
	return id
}

// readLabelsFile parses one labels file and checks that a file named after
// an article holds that article's rows only.
func readLabelsFile(p string, f Format, lengths map[string]int) ([]Span, error) {
	fh, err := os.Open(p)
	if err != nil {
		return nil, err
	}
	defer fh.Close()
	return parseLabels(p, fh, f, lengths, LabelsArticleID(p))
}

// Lengths returns the length in code points of every article, by id.
func Lengths(arts []*Article) map[string]int {
	m := make(map[string]int, len(arts))
	for _, a := range arts {
		m[a.ID] = a.Doc.Len()
	}
	return m
}

// ReadSplit reads the articles of PTC-format folder dir listed in its
// split file (such as "split-validation.txt"), with their gold spans.
func ReadSplit(dir, split string) ([]*Article, error) {
	ids, err := ReadIDs(filepath.Join(dir, split))
	if err != nil {
		return nil, err
	}
	return ReadPTC(dir, ids)
}

// ReadPTC reads a PTC-format folder (articles/, labels-tc/ and, failing
// that, labels-si/) restricted to ids when ids is non-nil, attaching every
// article's gold spans.
func ReadPTC(dir string, ids []string) ([]*Article, error) {
	arts, err := ReadArticles(filepath.Join(dir, "articles"), ids)
	if err != nil {
		return nil, err
	}
	lengths := Lengths(arts)
	labels := filepath.Join(dir, "labels-tc")
	format := TC
	if _, err := os.Stat(labels); err != nil {
		labels, format = filepath.Join(dir, "labels-si"), SI
	}
	// Only the chosen articles' labels are read; other files are skipped
	// by name so a subset can be read from a full corpus.
	byID := make(map[string]*Article, len(arts))
	for _, a := range arts {
		byID[a.ID] = a
	}
	files, err := filepath.Glob(filepath.Join(labels, "*.labels"))
	if err != nil {
		return nil, err
	}
	if len(files) == 0 {
		return nil, fmt.Errorf("%s: no .labels files", labels)
	}
	for _, p := range files {
		// Selected by the name's id, digits or not, as articles are.
		base := strings.TrimPrefix(filepath.Base(p), "article")
		if byID[base[:strings.IndexByte(base, '.')]] == nil {
			continue
		}
		spans, err := readLabelsFile(p, format, lengths)
		if err != nil {
			return nil, err
		}
		for _, s := range spans {
			a := byID[s.Article]
			a.Spans = append(a.Spans, s)
		}
	}
	return arts, nil
}

// WriteSI writes spans as SI rows.
func WriteSI(w io.Writer, spans []Span) error {
	bw := bufio.NewWriter(w)
	for _, s := range spans {
		fmt.Fprintf(bw, "%s\t%d\t%d\n", s.Article, s.Start, s.End)
	}
	return bw.Flush()
}

// WriteTC writes spans as TC rows. A span without a valid technique is an
// error, not a row a scorer would reject later.
func WriteTC(w io.Writer, spans []Span) error {
	bw := bufio.NewWriter(w)
	for _, s := range spans {
		if !s.HasTechnique || !s.Technique.Valid() {
			return fmt.Errorf("TC row for article %s [%d,%d) has no valid technique", s.Article, s.Start, s.End)
		}
		fmt.Fprintf(bw, "%s\t%s\t%d\t%d\n", s.Article, s.Technique, s.Start, s.End)
	}
	return bw.Flush()
}
