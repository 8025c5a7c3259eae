package cue

import (
	"slices"
	"strings"
	"testing"

	"unspun/internal/doc"
	"unspun/internal/lexicon"
	"unspun/internal/technique"
	"unspun/internal/words"
)

// stems counts repetitions the way tc.Article.Recurs does, for the tests:
// stem sequences of words, punctuation skipped.
type stems struct{ tab *words.Table }

func (s stems) Recurs(i, j int) (n, other int) {
	ws := s.tab.Words
	var key []string
	for _, w := range ws[i:j] {
		if w.IsWord {
			key = append(key, w.Stem)
		}
	}
	var all []int
	for k, w := range ws {
		if w.IsWord {
			all = append(all, k)
		}
	}
	other = -1
	for p := range all {
		if p+len(key) > len(all) {
			break
		}
		ok := true
		for q, st := range key {
			if ws[all[p+q]].Stem != st {
				ok = false
				break
			}
		}
		if ok {
			n++
			if j == i+1 && other < 0 && ws[all[p]].Lower != ws[i].Lower {
				other = all[p]
			}
		}
	}
	return n, other
}

// fragment prepares the fragment frag (its first occurrence) of text.
func fragment(t *testing.T, text, frag string) *Fragment {
	t.Helper()
	d := doc.New("", text)
	b := strings.Index(text, frag)
	if b < 0 {
		t.Fatalf("%q not in %q", frag, text)
	}
	tab := words.New(d, nil)
	return &Fragment{Doc: d, Words: tab, Start: d.CodePoint(b), End: d.CodePoint(b + len(frag)), Recurs: stems{tab}}
}

// at returns the index of the n-th (from 0) word w of f's document.
func at(t testing.TB, f *Fragment, w string, n int) int32 {
	t.Helper()
	for i, x := range f.Doc.Words {
		if x.Text == w {
			if n == 0 {
				return int32(i)
			}
			n--
		}
	}
	t.Fatalf("no word %q", w)
	return -1
}

func TestMerge(t *testing.T) {
	const (
		kills = "Killers\n\nThe regime will kill. They killed innocent people before, and kill again, and the killing " +
			"goes on relentlessly.\nIt will kill us all!"
		speech = "Headline here\n\nShe said: “The enemies of our nation are destroying it, and the FBI knows.” " +
			"Is it true? The TYRANTS lie about the so-called reform at https://www.example.com/the-big-lie today."
	)
	lt, err := technique.Parse("Loaded_Language")
	if err != nil {
		t.Fatal(err)
	}
	loaded := int8(lt)
	tests := []struct {
		name    string
		text    string
		frag    string
		speaker string // quoted speech by this speaker; "-" for speech by no known speaker
		tc, si  func(t *testing.T, f *Fragment) []Cue
		want    []string
	}{{
		name: "one repetition, counted once from the article, whichever word the models name",
		text: kills, frag: "kill us all",
		tc: func(t *testing.T, f *Fragment) []Cue {
			return []Cue{{Kind: Repeat, Start: at(t, f, "kill", 2), End: at(t, f, "kill", 2) + 1}}
		},
		si: func(t *testing.T, f *Fragment) []Cue {
			// The tagger names an earlier occurrence: the same fact.
			return []Cue{{Kind: Repeat, Start: at(t, f, "kill", 0), End: at(t, f, "kill", 0) + 1}}
		},
		want: []string{"“kill” recurs 5 times in the article, counting forms like “killed”"},
	}, {
		name: "one valence, from both models",
		text: speech, frag: "are destroying it",
		tc: func(t *testing.T, f *Fragment) []Cue {
			i := at(t, f, "destroying", 0)
			return []Cue{{Kind: Valence, Start: i, End: i + 1}}
		},
		si: func(t *testing.T, f *Fragment) []Cue {
			i := at(t, f, "destroying", 0)
			return []Cue{{Kind: Valence, Start: i, End: i + 1}, {Kind: Typical, Tech: Propaganda, Start: i, End: i + 1}}
		},
		want: []string{"“destroying” is a strongly negative word"},
	}, {
		name: "a repetition below its minimum is not worded, and does not hide the word's other reason",
		text: speech, frag: "reform",
		tc: func(t *testing.T, f *Fragment) []Cue {
			i := at(t, f, "reform", 0)
			return []Cue{{Kind: Repeat, Start: i, End: i + 1}, {Kind: Typical, Tech: loaded, Start: i, End: i + 1}}
		},
		want: []string{"“reform” is typical of loaded language"},
	}, {
		name: "function words, punctuation and web addresses say nothing",
		text: speech, frag: "the so-called reform at https://www.example.com/the-big-lie",
		si: func(t *testing.T, f *Fragment) []Cue {
			var cs []Cue
			a, b := f.Doc.WordsIn(f.Start, f.End)
			for i := a; i < b; i++ {
				if f.Doc.Words[i].Text != "called" {
					cs = append(cs, Cue{Kind: Typical, Tech: Propaganda, Start: int32(i), End: int32(i + 1)})
				}
			}
			return cs
		},
		want: []string{"“reform” often appears in propaganda"},
	}, {
		name: "a multi-word entry is named whole, and a list word outside the fragment is near it",
		text: speech, frag: "enemies of our nation",
		tc: func(t *testing.T, f *Fragment) []Cue {
			i := at(t, f, "our", 0)
			return []Cue{{Kind: List, List: lexicon.Flag, Start: i, End: i + 2}}
		},
		si: func(t *testing.T, f *Fragment) []Cue {
			i := at(t, f, "destroying", 0)
			return []Cue{{Kind: Valence, Start: i, End: i + 1}}
		},
		want: []string{"“our nation” is a flag-waving phrase", "in a sentence with “destroying”, a strongly negative word"},
	}, {
		name: "a word list next to the fragment",
		text: speech, frag: "reform",
		si: func(t *testing.T, f *Fragment) []Cue {
			i := at(t, f, "so", 0)
			return []Cue{{Kind: List, List: lexicon.Labeling, Start: i, End: i + 3}}
		},
		want: []string{"next to “so-called”, a labeling phrase"},
	}, {
		name: "quotation, by its speaker, once",
		text: speech, frag: "The enemies of our nation", speaker: "a spokesperson",
		tc:   func(*testing.T, *Fragment) []Cue { return []Cue{{Kind: Quote}} },
		si:   func(*testing.T, *Fragment) []Cue { return []Cue{{Kind: Quote}, {Kind: Headline}} },
		want: []string{"inside a quotation of a spokesperson"},
	}, {
		name: "quotation by no known speaker",
		text: speech, frag: "The enemies of our nation", speaker: "-",
		tc:   func(*testing.T, *Fragment) []Cue { return []Cue{{Kind: Quote}} },
		want: []string{"inside a quotation"},
	}, {
		name: "headline",
		text: speech, frag: "Headline",
		si:   func(*testing.T, *Fragment) []Cue { return []Cue{{Kind: Headline}, {Kind: Quote}} },
		want: []string{"it is in the headline"},
	}, {
		name: "exclamation and question marks, where they are",
		text: kills, frag: "kill us",
		tc:   func(*testing.T, *Fragment) []Cue { return []Cue{{Kind: Exclaim}, {Kind: Question}} },
		si:   func(*testing.T, *Fragment) []Cue { return []Cue{{Kind: Exclaim}} },
		want: []string{"the sentence ends with an exclamation mark"},
	}, {
		name: "a question",
		text: speech, frag: "Is it true",
		si:   func(*testing.T, *Fragment) []Cue { return []Cue{{Kind: Question}} },
		want: []string{"the sentence asks a question"},
	}, {
		name: "capitals: shouting, not an acronym",
		text: speech, frag: "the FBI knows.” Is it true? The TYRANTS lie",
		tc: func(t *testing.T, f *Fragment) []Cue {
			i, j := at(t, f, "FBI", 0), at(t, f, "TYRANTS", 0)
			return []Cue{{Kind: Capitals, Start: i, End: i + 1}, {Kind: Capitals, Start: j, End: j + 1}}
		},
		want: []string{"“TYRANTS” is written in capitals"},
	}, {
		name: "a typical word says nothing a list already says",
		text: speech, frag: "so-called reform",
		tc: func(t *testing.T, f *Fragment) []Cue {
			i := at(t, f, "so", 0)
			return []Cue{{Kind: Typical, Tech: loaded, Start: i, End: i + 3}, {Kind: Typical, Tech: loaded, Start: -1, End: -1}}
		},
		si: func(t *testing.T, f *Fragment) []Cue {
			i := at(t, f, "so", 0)
			return []Cue{{Kind: List, List: lexicon.Labeling, Start: i, End: i + 3}}
		},
		want: []string{"“so-called” is a labeling phrase", "its wording resembles typical loaded language"},
	}, {
		name: "at most two typical words, one recurring word, Max in all",
		text: kills, frag: "They killed innocent people before, and kill again, and the killing goes on relentlessly",
		tc: func(t *testing.T, f *Fragment) []Cue {
			var cs []Cue
			for _, w := range []string{"innocent", "people", "goes", "relentlessly"} {
				i := at(t, f, w, 0)
				cs = append(cs, Cue{Kind: Typical, Tech: loaded, Start: i, End: i + 1})
			}
			return cs
		},
		si: func(t *testing.T, f *Fragment) []Cue {
			i, j := at(t, f, "killed", 0), at(t, f, "killing", 0)
			return []Cue{{Kind: Repeat, Start: i, End: i + 1}, {Kind: Repeat, Start: j, End: j + 1},
				{Kind: Valence, Start: i, End: i + 1}, {Kind: Exclaim}}
		},
		want: []string{"“innocent” is typical of loaded language", "“killed” recurs 5 times in the article, counting forms like “kill”",
			"“people” is typical of loaded language", "“killed” is a strongly negative word"},
	}, {
		name: "a sentence without the mark, and no headline",
		text: kills, frag: "They killed",
		si:   func(*testing.T, *Fragment) []Cue { return []Cue{{Kind: Exclaim}, {Kind: Question}, {Kind: Headline}} },
		want: []string{},
	}, {
		name: "a word seen twice does not recur; a phrase does",
		text: speech + " The so-called reform.", frag: "so-called reform",
		tc: func(t *testing.T, f *Fragment) []Cue {
			i := at(t, f, "reform", 0)
			return []Cue{{Kind: Repeat, Start: i, End: i + 1}, {Kind: Repeat, Start: i - 3, End: i + 1}}
		},
		want: []string{"the phrase “so-called reform” recurs 2 times in the article"},
	}, {
		name: "no repetition within another",
		text: speech + " The so-called reform. The reform.", frag: "so-called reform",
		tc: func(t *testing.T, f *Fragment) []Cue {
			i := at(t, f, "reform", 0)
			return []Cue{{Kind: Repeat, Start: i - 3, End: i + 1}}
		},
		si: func(t *testing.T, f *Fragment) []Cue {
			i := at(t, f, "reform", 0)
			return []Cue{{Kind: Repeat, Start: i, End: i + 1}}
		},
		want: []string{"the phrase “so-called reform” recurs 2 times in the article"},
	}, {
		name: "a typical phrase starts and ends with words worth quoting",
		text: speech, frag: "The enemies of our nation",
		tc: func(t *testing.T, f *Fragment) []Cue {
			i := at(t, f, "enemies", 0)
			return []Cue{{Kind: Typical, Tech: loaded, Start: i - 1, End: i + 1}, {Kind: Typical, Tech: loaded, Start: i, End: i + 2},
				{Kind: Typical, Tech: loaded, Start: i, End: i + 4}}
		},
		want: []string{"“enemies of our nation” is typical of loaded language"},
	}, {
		name: "nothing to say",
		text: speech, frag: "today",
		want: []string{},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := fragment(t, tt.text, tt.frag)
			if tt.speaker != "" {
				f.Speech = true
				f.Speaker = strings.TrimPrefix(tt.speaker, "-")
			}
			var tc, si []Cue
			if tt.tc != nil {
				tc = tt.tc(t, f)
			}
			if tt.si != nil {
				si = tt.si(t, f)
			}
			got := Merge(f, tc, si)
			if !slices.Equal(got, tt.want) || got == nil {
				t.Errorf("Merge = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestQuotable(t *testing.T) {
	d := doc.New("", "They don’t see the destroying, I’ve said; see https://t.co/abc or www.x.org/y and Trump’s b x 42.")
	tests := map[string]bool{
		"They": false, "don’t": false, "the": false, "destroying": true, ",": false, "I’ve": false,
		"said": false, "https": false, "abc": false, "www.x.org": false, "y": false,
		"Trump’s": true, "b": false, "42": true,
	}
	for i, w := range d.Words {
		want, ok := tests[w.Text]
		if !ok {
			continue
		}
		delete(tests, w.Text)
		if got := Quotable(d, i, lexicon.Lower(w.Text)); got != want {
			t.Errorf("Quotable(%q) = %v, want %v", w.Text, got, want)
		}
	}
	for w := range tests {
		t.Errorf("no word %q in the test text", w)
	}
}

// BenchmarkMerge measures wording a fragment's cues, which every
// analysed fragment pays.
func BenchmarkMerge(b *testing.B) {
	text := "Killers\n\nThe regime will kill. They killed before and kill again, and the killing goes on. It will kill us all!"
	d := doc.New("", text)
	tab := words.New(d, nil)
	f := &Fragment{Doc: d, Words: tab, Start: strings.Index(text, "They"), End: strings.Index(text, " It"), Recurs: stems{tab}}
	k, r, g := at(b, f, "killed", 0), at(b, f, "before", 0), at(b, f, "goes", 0)
	tc := []Cue{{Kind: Typical, Tech: 3, Start: -1, End: -1}, {Kind: Repeat, Start: k, End: k + 1}, {Kind: Exclaim}}
	si := []Cue{{Kind: Typical, Tech: Propaganda, Start: g, End: g + 1}, {Kind: Typical, Start: r, End: r + 1},
		{Kind: Valence, Start: k, End: k + 1}}
	if got := Merge(f, tc, si); len(got) != Max {
		b.Fatalf("Merge = %q, want %d cues", got, Max)
	}
	b.ReportAllocs()
	for b.Loop() {
		Merge(f, tc, si)
	}
}
