package corpus_test

import (
	"errors"
	"fmt"
	"os"
	"strings"

	"unspun/internal/corpus"
)

// Technique classification rows, read and written back. lengths names the
// articles the rows may be about and their lengths in code points.
func ExampleParseLabels() {
	rows := "111\tLoaded_Language\t12\t20\n111\tDoubt\t0\t9\n"
	spans, err := corpus.ParseLabels("pred.labels", strings.NewReader(rows), corpus.TC, map[string]int{"111": 40})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, s := range spans {
		fmt.Println(s.Article, s.Technique.Info().Name, s.Start, s.End)
	}
	if err := corpus.WriteTC(os.Stdout, spans); err != nil {
		fmt.Println(err)
	}
	// The same rows without the technique, as span identification writes
	// them.
	if err := corpus.WriteSI(os.Stdout, spans); err != nil {
		fmt.Println(err)
	}
	// Output:
	// 111 Loaded language 12 20
	// 111 Doubt 0 9
	// 111	Loaded_Language	12	20
	// 111	Doubt	0	9
	// 111	12	20
	// 111	0	9
}

// A malformed row is a *ParseError naming the file, line and column, whose
// Err callers match with errors.Is.
func ExampleParseError() {
	rows := "111\tLoaded_Language\t12\t20\n111\tGaslighting\t0\t9\n"
	_, err := corpus.ParseLabels("pred.labels", strings.NewReader(rows), corpus.TC, nil)
	fmt.Println(err)
	var pe *corpus.ParseError
	if errors.As(err, &pe) {
		fmt.Println("line", pe.Line, "column", pe.Column, errors.Is(err, corpus.ErrTechnique))
	}
	_, err = corpus.ParseLabels("pred.labels", strings.NewReader("111\t0\t50\n"), corpus.SI, map[string]int{"111": 40})
	fmt.Println(err, errors.Is(err, corpus.ErrPastEnd))
	// Output:
	// pred.labels:2: unknown technique "Gaslighting"
	// line 2 column 2 true
	// pred.labels:1: span [0,50) runs past the end of article 111 (40 code points) true
}
