package quotes_test

import (
	"fmt"

	"unspun/internal/doc"
	"unspun/internal/quotes"
)

func ExampleFind() {
	d := doc.New("example", "“The port will reopen on Monday,” Maria Lind, the harbour master, said. "+
		"Critics mocked the so-called “reform” again.")
	for _, q := range quotes.Find(d) {
		fmt.Printf("%s — %s\n", d.TextOf(q.Span), q.Speaker)
	}
	// Output:
	// “The port will reopen on Monday,” — Maria Lind
}

func ExampleTurns() {
	d := doc.New("example", "Senator Ortiz questioned Baird at the hearing.\n"+
		"Ortiz: Why did the warning come so late?\n"+
		"Baird: We sent it the moment the levee broke.")
	for _, q := range quotes.Turns(d) {
		fmt.Printf("%s: %s\n", q.Speaker, d.TextOf(q.Span))
	}
	// Output:
	// Ortiz: Why did the warning come so late?
	// Baird: We sent it the moment the levee broke.
}
