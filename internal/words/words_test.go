package words

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"unspun/internal/doc"
	"unspun/internal/lexicon"
)

// fakeVectors knows two words.
type fakeVectors map[string]int

func (f fakeVectors) Lookup(w string) (int, bool) { r, ok := f[w]; return r, ok }

func TestNew(t *testing.T) {
	d := doc.New("", "The Dumbest threats, Don’t worry.")
	tab := New(d, fakeVectors{"the": 0, "don't": 7})
	if len(tab.Words) != len(d.Words) {
		t.Fatalf("%d table words for %d document words", len(tab.Words), len(d.Words))
	}
	want := []struct {
		lower, stem string
		isWord      bool
		vec         int32
	}{
		{"the", "the", true, 0},
		{"dumbest", "dumbest", true, -1},
		{"threats", "threat", true, -1},
		{",", ",", false, -1},
		{"don't", "don't", true, 7},
		{"worry", "worry", true, -1},
		{".", ".", false, -1},
	}
	for i, w := range want {
		got := tab.Words[i]
		if got.Lower != w.lower || got.Stem != w.stem || got.IsWord != w.isWord || got.Vec != w.vec {
			t.Errorf("word %d %q: got %+v, want %+v", i, d.Words[i].Text, got, w)
		}
		if got.Lex != lexicon.Word(got.Lower) || got.Superlative != lexicon.LooksSuperlative(got.Lower) {
			t.Errorf("word %d %q: lexicon facts %+v differ from lexicon's", i, d.Words[i].Text, got)
		}
		if v, ok := lexicon.Valence(got.Lower); v != got.Valence || ok != got.Rated {
			t.Errorf("word %d %q: valence %v %v, lexicon says %v %v", i, d.Words[i].Text, got.Valence, got.Rated, v, ok)
		}
	}
	if !tab.Words[1].Superlative {
		t.Error("“Dumbest” is not marked a superlative")
	}
	if New(d, nil).Words[0].Vec != -1 {
		t.Error("a word has a vector row without vectors")
	}
}

// TestRepeatedWordsCopied checks that a word seen before gets the same
// facts as its first occurrence, and its own phrase lists.
func TestRepeatedWordsCopied(t *testing.T) {
	d := doc.New("", "Lies, lies and more LIES.")
	tab := New(d, fakeVectors{"lies": 3})
	for _, i := range []int{2, 5} {
		if got, want := tab.Words[i], tab.Words[0]; got != want {
			t.Errorf("word %d %q: %+v, first occurrence %+v", i, d.Words[i].Text, got, want)
		}
	}
}

func BenchmarkNew(b *testing.B) {
	text := strings.Repeat("The corrupt regime destroys our great nation, and its evil leaders lie about the terrible disaster. ", 60)
	d := doc.New("", text)
	for b.Loop() {
		New(d, fakeVectors{"the": 0, "regime": 5})
	}
}

// vocab is a vector table listing its words, for Known.
type vocab []string

func (v vocab) Lookup(w string) (int, bool) {
	for i, x := range v {
		if x == w {
			return i, true
		}
	}
	return 0, false
}
func (v vocab) Len() int            { return len(v) }
func (v vocab) Word(row int) string { return v[row] }

// TestKnown checks that a table built with Known's cached facts is the
// table New builds without them, for words of each stem form (plain,
// inflected, "-ies", possessive), lexicon entries, rated and
// superlative words, numbers and punctuation, inside and outside the
// cached rows.
func TestKnown(t *testing.T) {
	v := vocab{"the", "countries", "worst", "greatest", "disaster", "hates", "trump's", "don't", "1990", ",", "flies", "running", "evil", "our", "nation"}
	texts := []string{
		"The countries' worst disaster: Trump's greatest evil, he hates it.",
		"Don’t run: flies running in 1990, our nation , the NATION.",
		"",
	}
	for _, n := range []int{0, 5, len(v), 100} {
		kn := NewKnown(v, n)
		for _, text := range texts {
			d := doc.New("", text)
			want, got := New(d, v), New(d, kn)
			for i := range want.Words {
				if got.Words[i] != want.Words[i] {
					t.Errorf("n=%d, word %d %q: got %+v, want %+v", n, i, d.Words[i].Text, got.Words[i], want.Words[i])
				}
			}
		}
	}
}

// TestFillReuses checks that one table filled for document after document,
// longer and shorter, with phrases and repeated words and a long text
// whose map is dropped, holds what New builds for each.
func TestFillReuses(t *testing.T) {
	vecs := fakeVectors{"the": 0, "don't": 7, "war": 3}
	long := strings.Repeat("alpha beta ", 10) + func() string {
		var b strings.Builder
		for i := range 2*maxKeptSeen + 10 {
			fmt.Fprintf(&b, "w%d ", i)
		}
		return b.String()
	}()
	texts := []string{
		"The Dumbest threats, Don’t worry.",
		"war war war on the war",
		"",
		long,
		"the deep state and the war",
		"Short.",
	}
	var tab Table
	for k, text := range texts {
		d := doc.New("", text)
		tab.Fill(d, vecs)
		want := New(d, vecs)
		if !slices.Equal(tab.Words, want.Words) || !slices.Equal(tab.Lower, want.Lower) {
			t.Fatalf("text %d (%.30q): the filled table differs from New's", k, text)
		}
	}
}
