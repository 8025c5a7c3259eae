package exchange

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"unicode"

	"unspun/internal/corpus"
	"unspun/internal/technique"
)

// BRAT standoff: for each article, articleID.txt (the text, UTF-8) and
// articleID.ann, whose text-bound lines are "T1<TAB>TYPE START END<TAB>TEXT";
// a discontinuous annotation lists fragments as "START END;START END" and
// its TEXT joins the fragments' texts with a space.
//
// Offsets. BRAT counts characters of the decoded text, which brat's
// server (Python) indexes by code point — the same as unspun and the
// corpus (a narrow Python 2 build, long gone, counted UTF-16 units). They
// are read and written as code points.
//
// A .ann line holds no newline, so a fragment that crosses line breaks is
// written as a discontinuous annotation of the pieces between them, and
// fragments whose gaps are only white space are read back as one span.
// Fragments with other text between them are read as separate spans of
// the same type. Lines other than text-bound ones (relations, events,
// attributes, notes) are skipped.

// BRATConfig is the annotation.conf written beside an export so that brat
// shows the 14 techniques and the unlabelled "Propaganda" span.
func BRATConfig() string {
	var b strings.Builder
	b.WriteString("[entities]\n")
	for _, t := range technique.All() {
		b.WriteString(t.String() + "\n")
	}
	b.WriteString(SpanLabel + "\n[relations]\n\n[events]\n\n[attributes]\n")
	return b.String()
}

// WriteBRAT writes articles as BRAT standoff files under dir (which must
// not exist or be empty), with an annotation.conf. Each article's
// fragments are its Fragments(); SI spans that are not those fragments'
// follow as "Propaganda" annotations. A model's fragment carries its
// confidence in an AnnotatorNotes line.
func WriteBRAT(dir string, arts []*Article) error {
	if err := checkUnique(arts); err != nil {
		return err
	}
	if err := emptyDir(dir); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(dir, "annotation.conf"), []byte(BRATConfig()), 0o644); err != nil {
		return err
	}
	for _, a := range arts {
		if err := checkID(a.ID); err != nil {
			return err
		}
		t := newText(a.Text)
		var b strings.Builder
		n, notes := 0, 0
		line := func(start, end int, typ string) error {
			if err := t.check(start, end); err != nil {
				return fmt.Errorf("article %s: %w", a.ID, err)
			}
			n++
			frags := bratPieces(t, start, end)
			if len(frags) == 0 {
				return fmt.Errorf("article %s: fragment [%d,%d) is only line breaks, which BRAT cannot hold", a.ID, start, end)
			}
			locs := make([]string, len(frags))
			texts := make([]string, len(frags))
			for i, f := range frags {
				locs[i] = fmt.Sprintf("%d %d", f.Start, f.End)
				texts[i] = t.slice(f.Start, f.End)
			}
			fmt.Fprintf(&b, "T%d\t%s %s\t%s\n", n, typ, strings.Join(locs, ";"), strings.Join(texts, " "))
			return nil
		}
		frags, source := a.Fragments()
		for _, f := range frags {
			if err := line(f.Start, f.End, f.Technique.String()); err != nil {
				return err
			}
			if source == "model" {
				notes++
				fmt.Fprintf(&b, "#%d\tAnnotatorNotes T%d\tunspun %s confidence %.4f\n", notes, n, a.Model, f.Confidence)
			}
		}
		for _, s := range a.Spans {
			if err := line(s.Start, s.End, SpanLabel); err != nil {
				return err
			}
		}
		base := filepath.Join(dir, "article"+a.ID)
		if err := os.WriteFile(base+".txt", []byte(a.Text), 0o644); err != nil {
			return err
		}
		if err := os.WriteFile(base+".ann", []byte(b.String()), 0o644); err != nil {
			return err
		}
	}
	return nil
}

// bratPieces splits [start,end) at line breaks into the non-empty pieces
// between them.
func bratPieces(t *text, start, end int) []Span {
	var out []Span
	s := start
	for i := start; i <= end; i++ {
		if i == end || t.runes[i] == '\n' || t.runes[i] == '\r' {
			if i > s {
				out = append(out, Span{s, i})
			}
			s = i + 1
		}
	}
	return out
}

// ReadBRAT reads every articleID.txt with its articleID.ann in dir (a .txt
// whose name is not of that form gives the id of its base name). An
// article with a .ann file is Annotated; a .txt without one is an error,
// as is an .ann without its .txt.
func ReadBRAT(dir string) ([]*Article, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	var out []*Article
	txts := map[string]bool{}
	for _, e := range entries {
		if e.IsDir() || !strings.HasSuffix(e.Name(), ".txt") {
			continue
		}
		txts[strings.TrimSuffix(e.Name(), ".txt")] = true
	}
	for _, e := range entries {
		if base, ok := strings.CutSuffix(e.Name(), ".ann"); ok && !txts[base] {
			return nil, fmt.Errorf("%s: no %s.txt beside it", filepath.Join(dir, e.Name()), base)
		}
	}
	for base := range txts {
		a, err := readBRATArticle(dir, base)
		if err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%s: no .txt files", dir)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out, nil
}

func readBRATArticle(dir, base string) (*Article, error) {
	id := corpus.ArticleID(base + ".txt")
	if id == "" {
		id = base
	}
	if err := checkID(id); err != nil {
		return nil, fmt.Errorf("%s.txt: %w", filepath.Join(dir, base), err)
	}
	txt, err := corpus.ReadText(filepath.Join(dir, base+".txt"))
	if err != nil {
		return nil, err
	}
	a := &Article{ID: id, Text: txt}
	annPath := filepath.Join(dir, base+".ann")
	f, err := os.Open(annPath)
	if errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("%s: no .ann file beside %s.txt", annPath, base)
	}
	if err != nil {
		return nil, err
	}
	defer f.Close()
	a.Annotated = true
	a.Labels = []Fragment{}
	t := newText(txt)
	var spans []Span
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64*1024), 4<<20)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimRight(sc.Text(), "\r")
		if !strings.HasPrefix(line, "T") {
			continue
		}
		fail := func(err error) error {
			where := line
			if i := strings.IndexByte(line, '\t'); i > 0 {
				where = line[:i]
			}
			return &ParseError{File: annPath, Line: n, Where: where, Err: err}
		}
		typ, frags, err := parseTLine(t, line)
		if err != nil {
			return nil, fail(err)
		}
		for _, fr := range frags {
			if typ == SpanLabel {
				spans = append(spans, fr)
				continue
			}
			tech, err := parseLabel(typ)
			if err != nil {
				return nil, fail(err)
			}
			a.Labels = append(a.Labels, Fragment{Start: fr.Start, End: fr.End, Technique: tech})
		}
	}
	if err := sc.Err(); err != nil {
		return nil, &ParseError{File: annPath, Err: reason(ErrSyntax, "%v", err)}
	}
	if spans != nil && !equalSpans(spans, dedupSpans(a.Labels)) {
		a.Spans = spans
	}
	return a, nil
}

// parseTLine parses a text-bound annotation line into its type and spans
// (fragments separated by white space only are joined).
func parseTLine(t *text, line string) (string, []Span, error) {
	cols := strings.SplitN(line, "\t", 3)
	if len(cols) < 2 {
		return "", nil, reason(ErrSyntax, "expected ID<TAB>TYPE START END<TAB>TEXT")
	}
	typLoc := strings.SplitN(cols[1], " ", 2)
	if len(typLoc) != 2 || typLoc[0] == "" {
		return "", nil, reason(ErrSyntax, "expected TYPE START END, got %q", cols[1])
	}
	var frags []Span
	for _, loc := range strings.Split(typLoc[1], ";") {
		se := strings.Fields(loc)
		if len(se) != 2 {
			return "", nil, reason(ErrSyntax, "expected START END, got %q", loc)
		}
		s, err1 := strconv.Atoi(se[0])
		e, err2 := strconv.Atoi(se[1])
		if err1 != nil || err2 != nil {
			return "", nil, reason(ErrSyntax, "offsets %q are not integers", loc)
		}
		if err := t.check(s, e); err != nil {
			return "", nil, err
		}
		frags = append(frags, Span{s, e})
	}
	if len(cols) == 3 {
		texts := make([]string, len(frags))
		for i, f := range frags {
			texts[i] = t.slice(f.Start, f.End)
		}
		if got := strings.Join(texts, " "); got != cols[2] {
			return "", nil, reason(ErrTextMismatch, "the line's text %q is not the text at its offsets: %q", clip(cols[2]), clip(got))
		}
	}
	sort.Slice(frags, func(i, j int) bool { return frags[i].Start < frags[j].Start })
	out := frags[:1]
	for _, f := range frags[1:] {
		last := &out[len(out)-1]
		if f.Start >= last.End && strings.TrimFunc(t.slice(last.End, f.Start), unicode.IsSpace) == "" {
			last.End = f.End
			continue
		}
		out = append(out, f)
	}
	return typLoc[0], out, nil
}
