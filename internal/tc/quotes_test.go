package tc

import (
	"slices"
	"strings"
	"testing"

	"unspun/internal/doc"
)

// TestInQuoteReadsDocRegions checks that the classifier's quotation
// feature and its quotation cue read doc's regions, with
// guillemets and nested quotes as with plain ones.
func TestInQuoteReadsDocRegions(t *testing.T) {
	tests := []struct{ text, inside, outside string }{
		{"The minister said «we will never surrender to them» on Monday.", "never surrender", "on Monday"},
		{"He said: “The “elites” lie to all of us” and left the room.", "lie to all", "left the room"},
		{"He said: “The “elites” lie to all of us” and left the room.", "elites", "He said"},
		{"She wrote ‹they lie to us› twice.", "they lie", "twice"},
	}
	for _, tt := range tests {
		d := doc.New("", tt.text)
		st := newDocStats(d, nil, 0)
		for _, c := range []struct {
			frag string
			want bool
		}{{tt.inside, true}, {tt.outside, false}} {
			s, e := spanOf(t, d, c.frag, 0)
			if got := st.inQuote(s, e); got != c.want {
				t.Errorf("%q: %q inQuote = %v, want %v", tt.text, c.frag, got, c.want)
			}
			if got := d.QuoteOf(s, e) >= 0; got != c.want {
				t.Errorf("%q: %q doc region %v, want %v", tt.text, c.frag, got, c.want)
			}
			sc := st.span(s, e)
			fs := sc.extract(config{}, nil)
			if got := slices.ContainsFunc(fs, func(f feat) bool { return f.cue == cueQuote }); got != c.want {
				t.Errorf("%q: %q quotation cue %v, want %v", tt.text, c.frag, got, c.want)
			}
		}
		if strings.Count(tt.text, "“") == 2 && len(d.Quotes) != 1 {
			t.Errorf("%q: nested quote gave %d regions, want 1", tt.text, len(d.Quotes))
		}
	}
}
