package web

import (
	"fmt"
	"strings"
	"testing"
	"unspun/internal/analysis"

	"unspun/internal/technique"
)

func TestSegments(t *testing.T) {
	sp := func(s, e int, tech technique.Technique) analysis.Span {
		return analysis.Span{Start: s, End: e, Technique: tech}
	}
	tests := []struct {
		name  string
		text  string
		spans []analysis.Span
		want  string
	}{
		{"no spans", "plain text", nil, "[plain text]"},
		{"one span", "a bad idea", []analysis.Span{sp(2, 5, technique.LoadedLanguage)}, "[a ][bad|0|hl t8][ idea]"},
		{"nested", "abcdef", []analysis.Span{sp(0, 6, technique.Doubt), sp(2, 4, technique.LoadedLanguage)},
			"[ab|0|hl t5][cd|0 1|hl t5 t8 ov-5-8][ef|0|hl t5]"},
		{"crossing", "abcdef", []analysis.Span{sp(0, 4, technique.Doubt), sp(2, 6, technique.Slogans)},
			"[ab|0|hl t5][cd|0 1|hl t5 t11 ov-5-11][ef|1|hl t11]"},
		{"same technique twice", "abcd", []analysis.Span{sp(0, 4, technique.Doubt), sp(0, 2, technique.Doubt)},
			"[ab|0 1|hl t5][cd|0|hl t5]"},
		{"three deep", "abc", []analysis.Span{sp(0, 3, technique.Doubt), sp(0, 3, technique.Slogans), sp(1, 2, technique.Repetition)},
			"[a|0 1|hl t5 t11 ov-5-11][b|0 1 2|hl t5 t11 t10 ov-5-11 deep][c|0 1|hl t5 t11 ov-5-11]"},
		{"code points not bytes", "é «x» ü", []analysis.Span{sp(2, 5, technique.Slogans)}, "[é ][«x»|0|hl t11][ ü]"},
		{"out of range ignored", "abc", []analysis.Span{sp(1, 9, technique.Doubt), sp(2, 1, technique.Doubt), sp(0, 1, technique.Technique(99))}, "[abc]"},
		{"span at end", "abc", []analysis.Span{sp(1, 3, technique.Doubt)}, "[a][bc|0|hl t5]"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var b strings.Builder
			joined := ""
			for _, s := range Segments(tt.text, tt.spans) {
				joined += s.Text
				if s.Highlighted() {
					fmt.Fprintf(&b, "[%s|%s|%s]", s.Text, s.SpanIDs(), s.Class())
				} else {
					fmt.Fprintf(&b, "[%s]", s.Text)
				}
			}
			if b.String() != tt.want {
				t.Errorf("got  %s\nwant %s", b.String(), tt.want)
			}
			if joined != tt.text {
				t.Errorf("segments join to %q, want the text %q", joined, tt.text)
			}
		})
	}
}
