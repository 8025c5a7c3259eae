package doc_test

import (
	"fmt"

	"unspun/internal/doc"
)

// A document's offsets are code points, as in the corpus; each span also
// carries its byte range into Text.
func ExampleDocument_SpanOf() {
	d := doc.New("1", "Café owners protest.")
	s, err := d.SpanOf(0, 4) // "Café": 4 code points, 5 bytes
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("%q: code points [%d,%d), bytes [%d,%d)\n", d.TextOf(s), s.Start, s.End, s.ByteStart, s.ByteEnd)
	fmt.Println(d.Len(), "code points,", len(d.Text), "bytes")
	fmt.Printf("%q\n", d.Slice(5, 11))
	_, err = d.SpanOf(5, 40)
	fmt.Println(err)
	// Output:
	// "Café": code points [0,4), bytes [0,5)
	// 20 code points, 21 bytes
	// "owners"
	// span [5,40) outside text of 20 code points
}

// New segments the text once: words, sentences, lines, paragraphs and
// quoted speech, all as spans of the same text. Guillemets mark speech as
// quotation marks do, and a quote nested in another is part of one region.
func ExampleNew() {
	d := doc.New("1", "Mayor resigns\n\nThe mayor said: «I did nothing wrong.» Critics disagree. “They “always” lie,” one wrote.\n")
	fmt.Println(len(d.Words), "words")
	for _, s := range d.Sentences {
		fmt.Printf("sentence %q\n", d.TextOf(s))
	}
	for _, p := range d.Paragraphs {
		fmt.Printf("paragraph [%d,%d)\n", p.Start, p.End)
	}
	for _, q := range d.Quotes {
		fmt.Printf("quote %q\n", d.TextOf(q))
	}
	// Output:
	// 27 words
	// sentence "Mayor resigns"
	// sentence "The mayor said: «I did nothing wrong.»"
	// sentence "Critics disagree."
	// sentence "“They “always” lie,” one wrote."
	// paragraph [0,13)
	// paragraph [15,103)
	// quote "«I did nothing wrong.»"
	// quote "“They “always” lie,”"
}

// Line 1 is read as the headline, as the corpus puts its titles there,
// unless it is a sentence of prose: text pasted without a title starts
// with its lead.
func ExampleDocument_Headline() {
	for _, text := range []string{
		"Corrupt Elites Plunder the Nation\n\nThe minister resigned on Friday.",
		"The minister resigned on Friday after a week of protests outside the parliament building.\n\nHe denied everything.",
	} {
		d := doc.New("", text)
		if h, ok := d.Headline(); ok {
			fmt.Printf("headline %q\n", d.TextOf(h))
		} else {
			fmt.Println("no headline")
		}
	}
	// Output:
	// headline "Corrupt Elites Plunder the Nation"
	// no headline
}
