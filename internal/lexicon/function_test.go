package lexicon

import (
	"strings"
	"testing"
)

func TestFunctionWord(t *testing.T) {
	tests := map[string]bool{
		"the": true, "of": true, "us": true, "would": true, "said": true,
		"don't": true, "won't": true, "can't": true, "isn't": true, "it's": true, "i've": true,
		"they're": true, "we'll": true, "i'm": true, "that's": true,
		"trump's": false, "nation": false, "plundering": false, "o'brien": false, "rock'n'roll": false,
		"": false, "'s": false,
	}
	for w, want := range tests {
		if got := FunctionWord(w); got != want {
			t.Errorf("FunctionWord(%q) = %v, want %v", w, got, want)
		}
	}
}

func TestIsLinkAt(t *testing.T) {
	text := "See https://www.example.com/the-big-lie, (www.x.org/a) @handle pic.twitter.com/abc " +
		"source:https://t.co/q and the big lie."
	tests := []struct {
		word string
		n    int // occurrence
		want bool
	}{
		{"https", 0, true}, {"www.example.com", 0, true}, {"the", 0, true}, {"big", 0, true},
		{"x", 0, true}, {"handle", 0, true}, {"abc", 0, true}, {"t.co", 0, true},
		{"See", 0, false}, {"the", 1, false}, {"big", 1, false}, {"lie", 1, false},
	}
	for _, tt := range tests {
		i := -1
		for k := 0; k <= tt.n; k++ {
			j := strings.Index(text[i+1:], tt.word)
			if j < 0 {
				t.Fatalf("no occurrence %d of %q", tt.n, tt.word)
			}
			i += 1 + j
		}
		if got := IsLinkAt(text, i, i+len(tt.word)); got != tt.want {
			t.Errorf("IsLinkAt(%q #%d) = %v, want %v", tt.word, tt.n, got, tt.want)
		}
	}
	// A text without spaces costs the same per look-up as any other.
	long := strings.Repeat("a", 10*maxLinkScan) + "https://x" + strings.Repeat("b", 10*maxLinkScan)
	if IsLinkAt(long, 5*maxLinkScan, 5*maxLinkScan+1) {
		t.Error("a word far from a link counted as part of it")
	}
}

func TestDescribePhrase(t *testing.T) {
	tests := []struct {
		k          Kind
		word, many string
	}{
		{Flag, "a flag-waving word", "a flag-waving phrase"},
		{Minimiser, "a minimiser", "a minimiser"},
		{Fear | Flag, "a flag-waving word", "a flag-waving phrase"},
		{0, "", ""},
	}
	for _, tt := range tests {
		if got, got2 := tt.k.Describe(), tt.k.DescribePhrase(); got != tt.word || got2 != tt.many {
			t.Errorf("%v: Describe %q, DescribePhrase %q; want %q, %q", tt.k, got, got2, tt.word, tt.many)
		}
	}
}
