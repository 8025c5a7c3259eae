package web

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"
	"unspun/internal/analysis"

	"unspun/internal/technique"
)

// Segment is a run of article text covered by the same set of spans.
// Overlapping spans cut the text into segments at every span boundary, so
// a segment knows every span it belongs to and none is lost.
type Segment struct {
	Text string
	// Spans are indices into the article's span list, by start then end.
	Spans []int
	// Techniques are the distinct techniques of Spans, in order.
	Techniques []technique.Technique
	// Ends are the 1-based numbers of the spans that end with this
	// segment: printed as footnote marks, since tooltips do not print.
	Ends []int
}

// footnotes sets each segment's Ends: a span ends in the last of its
// (consecutive) segments.
func footnotes(segs []Segment) {
	for k := range segs {
		for _, i := range segs[k].Spans {
			if k+1 == len(segs) || !containsInt(segs[k+1].Spans, i) {
				segs[k].Ends = append(segs[k].Ends, i+1)
			}
		}
	}
}

func containsInt(xs []int, x int) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}

// Highlighted reports whether any span covers the segment.
func (s Segment) Highlighted() bool { return len(s.Spans) > 0 }

// SpanIDs is Spans as a space-separated list for a data attribute.
func (s Segment) SpanIDs() string {
	var b strings.Builder
	for i, id := range s.Spans {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(strconv.Itoa(id))
	}
	return b.String()
}

// Class is the segment's CSS classes: one colour class per technique
// ("t3"), and for overlaps a striped class ("ov-3-7") that mixes the first
// two, plus "deep" when three or more spans overlap.
func (s Segment) Class() string {
	parts := []string{"hl"}
	for _, t := range s.Techniques {
		parts = append(parts, "t"+strconv.Itoa(int(t)))
	}
	if len(s.Techniques) >= 2 {
		parts = append(parts, fmt.Sprintf("ov-%d-%d", s.Techniques[0], s.Techniques[1]))
	}
	if len(s.Spans) >= 3 {
		parts = append(parts, "deep")
	}
	return strings.Join(parts, " ")
}

// Label is a short accessible description of the segment's techniques.
func (s Segment) Label() string {
	names := make([]string, len(s.Techniques))
	for i, t := range s.Techniques {
		names[i] = t.Info().Name
	}
	return strings.Join(names, "; ")
}

// SortSpans orders spans by start, longer first on ties, so that the
// indices Segments hands out are stable and outer spans come first.
func SortSpans(spans []analysis.Span) {
	sort.SliceStable(spans, func(i, j int) bool {
		if spans[i].Start != spans[j].Start {
			return spans[i].Start < spans[j].Start
		}
		return spans[i].End > spans[j].End
	})
}

// Segments cuts text at every boundary of spans (code-point offsets) and
// returns the pieces in order. Spans outside the text, empty or inverted,
// or with an invalid technique are ignored rather than trusted.
func Segments(text string, spans []analysis.Span) []Segment {
	n := utf8.RuneCountInString(text)
	cuts := map[int]bool{0: true, n: true}
	valid := make([]bool, len(spans))
	for i, sp := range spans {
		if sp.Start < 0 || sp.End > n || sp.Start >= sp.End || !sp.Technique.Valid() {
			continue
		}
		valid[i] = true
		cuts[sp.Start] = true
		cuts[sp.End] = true
	}
	points := make([]int, 0, len(cuts))
	for c := range cuts {
		points = append(points, c)
	}
	sort.Ints(points)
	// byteAt maps code-point offsets to byte offsets in one pass.
	byteAt := make(map[int]int, len(points))
	cp, next := 0, 0
	for b := range text {
		for next < len(points) && points[next] == cp {
			byteAt[cp] = b
			next++
		}
		cp++
	}
	for ; next < len(points); next++ {
		byteAt[points[next]] = len(text)
	}
	var out []Segment
	for k := 0; k+1 < len(points); k++ {
		a, b := points[k], points[k+1]
		seg := Segment{Text: text[byteAt[a]:byteAt[b]]}
		seen := map[technique.Technique]bool{}
		for i, sp := range spans {
			if valid[i] && sp.Start <= a && b <= sp.End {
				seg.Spans = append(seg.Spans, i)
				if !seen[sp.Technique] {
					seen[sp.Technique] = true
					seg.Techniques = append(seg.Techniques, sp.Technique)
				}
			}
		}
		out = append(out, seg)
	}
	return out
}
