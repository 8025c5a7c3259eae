package quotes

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"unspun/internal/doc"
	"unspun/internal/testenv"
)

func TestTitlesAreNotSpeech(t *testing.T) {
	tests := []struct {
		name string
		text string
		want []quoteWant
	}{
		{"author of a book", "Edward E. Curtis IV, the author of “Black Muslim Religion in the Nation of Islam,” said that estimates ranged widely.", nil},
		{"film", "The director's new film “The Last Days of Summer” opens on Friday.", nil},
		{"book with a year", `His 1987 book "The Art of the Deal" sold a million copies.`, nil},
		{"speech in title case is still speech", "“We Will Win,” the candidate said.",
			[]quoteWant{{"“We Will Win,”", "the candidate"}}},
		{"speech after a cue word is still speech", "In his speech he said: “the country will never give in to threats from abroad.”",
			[]quoteWant{{"“the country will never give in to threats from abroad.”", "he"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := find(tt.text)
			if tt.name == "speech after a cue word is still speech" {
				// The pronoun has nothing to resolve to here; only
				// that the quote is kept matters.
				if len(got) != 1 || got[0].text != tt.want[0].text {
					t.Errorf("got %q, want the quote kept", got)
				}
				return
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestPosts(t *testing.T) {
	text := "Zarif answered on Twitter.\n\n" +
		"24 hrs ago, an arrogant clown— masquerading as a diplomat— claimed people were dancing. pic.twitter.com/eTDRyLN11c — Javad Zarif (@JZarif) January 4, 2020\n\n" +
		"Loomer tweeted:\nSource who works at the hotel said he had the suite since Sep. 25th.\nWhy did police lie?\npic.twitter.com/WivxGRqB6W — Laura Loomer (@LauraLoomer) October 4, 2017\n" +
		"The police did not answer — Reuters (@Reuters) is not a post signature here.\n"
	d := doc.New("t", text)
	var got []quoteWant
	for _, q := range Posts(d) {
		got = append(got, quoteWant{d.TextOf(q.Span), q.Speaker})
	}
	want := []quoteWant{
		{"24 hrs ago, an arrogant clown— masquerading as a diplomat— claimed people were dancing. pic.twitter.com/eTDRyLN11c — Javad Zarif (@JZarif) January 4, 2020", "Javad Zarif (@JZarif)"},
		{"Source who works at the hotel said he had the suite since Sep. 25th.\nWhy did police lie?\npic.twitter.com/WivxGRqB6W — Laura Loomer (@LauraLoomer) October 4, 2017", "Laura Loomer (@LauraLoomer)"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("posts\n%q\nwant\n%q", got, want)
	}
	if Posts(doc.New("t", "No posts here, only text.")) != nil {
		t.Error("posts found in plain text")
	}
}

func TestTurns(t *testing.T) {
	tests := []struct {
		name string
		text string
		want []quoteWant
	}{
		{"transcript",
			"Reporter Dana Shah asked Governor Ruiz about the flood.\n\n" +
				"Shah: Why did the warning come so late? Ruiz: We sent it the moment the levee broke.\n" +
				"Shah: Will you resign?\nRuiz: No. I will stay and rebuild this town.",
			[]quoteWant{
				{"Why did the warning come so late?", "Shah"},
				{"We sent it the moment the levee broke.", "Ruiz"},
				{"Will you resign?", "Shah"},
				{"No. I will stay and rebuild this town.", "Ruiz"},
			}},
		{"one label is no transcript", "Ruiz spoke at noon.\nRuiz: We sent the warning the moment the levee broke.", nil},
		{"page labels are not speakers",
			"Update: The story was corrected on Monday evening.\nNote: An earlier version misspelled a name.\nPhoto: The levee after the storm, seen from the north.", nil},
		{"names that occur only as labels",
			"Washington: Lawmakers met on Tuesday to debate the bill.\nBerlin: The chancellor met her ministers on the budget.", nil},
		{"too short a turn", "Shah asked and Ruiz answered.\nShah: Why?\nRuiz: Because we had no choice at all.",
			[]quoteWant{{"Because we had no choice at all.", "Ruiz"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := doc.New("t", tt.text)
			var got []quoteWant
			for _, q := range Turns(d) {
				got = append(got, quoteWant{d.TextOf(q.Span), q.Speaker})
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Turns(%q)\n got %q\nwant %q", tt.text, got, tt.want)
			}
		})
	}
}

func TestLabelColon(t *testing.T) {
	for text, want := range map[string]bool{
		"Trump: We will": true, "Trump:\tWe": true, "a:b:c ": false, "https://x.org/a": false,
		"see http://x and Q: yes": false, "see http://x and Qi: yes": true, "ends with:": false, "": false,
		"A:\fb": false, "Ab:\fb": true, "he said: yes": false, "(Trump): yes": false, "O’Neil-Smith: yes": true,
		"Ölaf: yes": false, "Mr. Trump: yes": true, "Trump\u00a0Jr: yes": false, "x Trump2: yes": false,
	} {
		if got := labelColon(text); got != want {
			t.Errorf("labelColon(%q) = %v, want %v", text, got, want)
		}
	}
}

// TestLabelColonBeforeEveryLabel: labelColon is true of every line of
// the corpora, the unlabeled news, the examples and the test data that
// turnLabel matches, so that Turns skipping the others finds the same
// labels.
func TestLabelColonBeforeEveryLabel(t *testing.T) {
	shared := testenv.SharedData(t)
	roots := []string{filepath.Join(shared, "ptc", "articles"), filepath.Join(shared, "unlabeled-news"),
		filepath.Join(testenv.ModuleRoot(), "..", "shared", "examples"), filepath.Join(testenv.ModuleRoot(), "testdata")}
	lines, matched, asked := 0, 0, 0
	for _, root := range roots {
		filepath.WalkDir(root, func(path string, e os.DirEntry, err error) error {
			if err != nil || e.IsDir() {
				return nil
			}
			b, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			for _, l := range strings.Split(string(b), "\n") {
				lines++
				m := turnLabel.MatchString(l)
				if m {
					matched++
				}
				if labelColon(l) {
					asked++
				} else if m {
					t.Errorf("%s: labelColon false of a line turnLabel matches: %q", path, l)
				}
			}
			return nil
		})
	}
	t.Logf("%d lines: %d with a colon that can end a label, %d matched", lines, asked, matched)
	if matched == 0 {
		t.Error("no line matched")
	}
}
