// Package exchange converts annotated articles between unspun and the
// formats annotation tools use: the corpus layout (PTC), Label Studio
// JSON, BRAT standoff, and JSONL/CSV rows for spreadsheets.
//
// Every conversion is exact to the offset. Offsets inside unspun are
// Unicode code points (as in the corpus); each format's own convention is
// documented on its reader and writer, and converted there. A round trip
// PTC → Label Studio → PTC or PTC → BRAT → PTC gives byte-identical label
// files, rows in the corpus files' own order (which is not sorted).
//
// Malformed input is a *ParseError naming the file, the line or task, and
// the reason, which wraps one of the sentinels below for errors.Is.
package exchange

import (
	"errors"
	"fmt"
	"time"
	"unicode/utf16"
	"unicode/utf8"

	"unspun/internal/technique"
)

// Fragment is one labelled fragment of an article's text, in code points.
type Fragment struct {
	Start, End int
	Technique  technique.Technique
	// Confidence is the model's calibrated confidence; 0 for a person's
	// label.
	Confidence float64
}

// Span is an unlabelled fragment (a span identification row).
type Span struct{ Start, End int }

// Article is one article with its fragments as the formats carry them.
type Article struct {
	ID   string
	Text string
	// Annotated says a person labelled the article (the corpus's gold
	// labels or a review). Labels may then be empty: "no propaganda".
	Annotated bool
	// Labels are the person's fragments (the corpus's TC rows), in order.
	Labels []Fragment
	// Spans are the SI rows when they are not Labels' spans with
	// duplicates dropped, in order (as for a few corpus articles); nil
	// when they are.
	Spans []Span
	// Predictions are the model's fragments.
	Predictions []Fragment
	// Model is the model version that made Predictions.
	Model string
	// Reviewer, Done and Updated describe a review.
	Reviewer string
	Done     bool
	Updated  time.Time
}

// Fragments returns what an article's labels are in a format with one
// set of fragments: the person's when the article is annotated, the
// model's otherwise, and which of the two it is ("annotation" or "model").
func (a *Article) Fragments() ([]Fragment, string) {
	if a.Annotated {
		return a.Labels, "annotation"
	}
	return a.Predictions, "model"
}

// SISpans returns the article's span identification rows: Spans when set,
// else the spans of Fragments() with duplicates dropped, in order.
func (a *Article) SISpans() []Span {
	if a.Spans != nil {
		return a.Spans
	}
	frags, _ := a.Fragments()
	return dedupSpans(frags)
}

func dedupSpans(frags []Fragment) []Span {
	out := make([]Span, 0, len(frags))
	seen := make(map[Span]bool, len(frags))
	for _, f := range frags {
		s := Span{f.Start, f.End}
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}

func equalSpans(a, b []Span) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// SpanLabel is the label formats use for an unlabelled (SI) span.
const SpanLabel = "Propaganda"

// Sentinels wrapped by ParseError.
var (
	// ErrSyntax: the file is not in the format (bad JSON, a malformed line).
	ErrSyntax = errors.New("malformed")
	// ErrOffset: offsets out of order, negative or past the text.
	ErrOffset = errors.New("bad offsets")
	// ErrUnknownLabel: a label that is not one of the 14 techniques.
	ErrUnknownLabel = errors.New("unknown label")
	// ErrTextMismatch: the fragment text a file records is not the text
	// at its offsets.
	ErrTextMismatch = errors.New("text mismatch")
	// ErrMissing: a required part (an article's text, an id) is absent.
	ErrMissing = errors.New("missing")
)

// ParseError reports malformed input: the file, where in it, and why.
type ParseError struct {
	File string
	// Line is 1-based; 0 when unknown.
	Line int
	// Where names the item: "task 3", "T4", "row 2". May be "".
	Where string
	// Err is the reason; it wraps one of the sentinels.
	Err error
}

func (e *ParseError) Error() string {
	s := e.File
	if e.Line > 0 {
		s += fmt.Sprintf(":%d", e.Line)
	}
	if e.Where != "" {
		s += ": " + e.Where
	}
	return s + ": " + e.Err.Error()
}

func (e *ParseError) Unwrap() error { return e.Err }

// reason returns an error that wraps sentinel with a message.
func reason(sentinel error, format string, args ...any) error {
	return fmt.Errorf("%w: %s", sentinel, fmt.Sprintf(format, args...))
}

// text is an article's text indexed by code point, with UTF-16
// conversions for formats that count JavaScript string units.
type text struct {
	s     string
	runes []rune
	// u16 maps a code point offset to its UTF-16 offset (len+1 entries);
	// nil when every code point is one unit.
	u16 []int
}

func newText(s string) *text {
	t := &text{s: s, runes: []rune(s)}
	for _, r := range t.runes {
		if utf16.RuneLen(r) == 2 {
			t.u16 = make([]int, len(t.runes)+1)
			n := 0
			for i, r := range t.runes {
				t.u16[i] = n
				n += max(utf16.RuneLen(r), 1)
			}
			t.u16[len(t.runes)] = n
			break
		}
	}
	return t
}

// Len is the length in code points.
func (t *text) Len() int { return len(t.runes) }

// slice returns the text of code points [start,end); the caller has
// checked the range.
func (t *text) slice(start, end int) string { return string(t.runes[start:end]) }

// check reports whether [start,end) is a non-empty range inside the text.
func (t *text) check(start, end int) error {
	switch {
	case start < 0:
		return reason(ErrOffset, "negative start %d", start)
	case start >= end:
		return reason(ErrOffset, "start %d is not before end %d", start, end)
	case end > t.Len():
		return reason(ErrOffset, "end %d is past the end of the text (%d code points)", end, t.Len())
	}
	return nil
}

// toUTF16 converts a code point offset to UTF-16 units.
func (t *text) toUTF16(cp int) int {
	if t.u16 == nil {
		return cp
	}
	return t.u16[cp]
}

// fromUTF16 converts a UTF-16 offset to code points; ok is false when the
// offset is past the text or splits a surrogate pair.
func (t *text) fromUTF16(u int) (int, bool) {
	if t.u16 == nil {
		return u, u >= 0 && u <= len(t.runes)
	}
	lo, hi := 0, len(t.u16)
	for lo < hi {
		m := (lo + hi) / 2
		if t.u16[m] < u {
			lo = m + 1
		} else {
			hi = m
		}
	}
	return lo, lo < len(t.u16) && t.u16[lo] == u
}

// validText rejects text that cannot be an article (invalid UTF-8).
func validText(s string) error {
	if !utf8.ValidString(s) {
		return reason(ErrSyntax, "text is not valid UTF-8")
	}
	return nil
}

// parseLabel parses a technique label.
func parseLabel(label string) (technique.Technique, error) {
	t, err := technique.Parse(label)
	if err != nil {
		return 0, reason(ErrUnknownLabel, "%q is not one of the 14 techniques (or %q)", label, SpanLabel)
	}
	return t, nil
}
