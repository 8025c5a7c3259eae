package analyze_test

import (
	"context"
	"errors"
	"fmt"

	"unspun/internal/analysis"
	"unspun/internal/analyze"
)

// Analysing an article with the model built into the binary. Every
// fragment says which technique it uses, in whose voice, and where it is
// (code points into the text). A retrained model may find other
// fragments: this output is pinned like the goldens.
func ExampleAnalyzer_Analyze() {
	a, err := analyze.Default()
	if err != nil {
		fmt.Println(err)
		return
	}
	text := "Council votes on budget\n\n" +
		"The mayor said: “These corrupt traitors want to destroy our great city.” The council will vote on Tuesday.\n"
	res, err := a.Analyze(context.Background(), "example", text)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, s := range res.Spans {
		fmt.Printf("[%d,%d) %q: %s, %s voice (%s)\n", s.Start, s.End, s.Text, s.Technique.Info().Name, s.Voice, s.Speaker)
	}
	for _, q := range res.Quotes {
		fmt.Printf("quote [%d,%d) by %s\n", q.Start, q.End, q.Speaker)
	}
	fmt.Println(len(res.Sentences), "sentences scored")

	// Input the pipeline refuses is an error to match with errors.Is.
	_, err = a.Analyze(context.Background(), "empty", " \n ")
	fmt.Println(errors.Is(err, analysis.ErrEmpty))
	// Output:
	// [48,95) "corrupt traitors want to destroy our great city": Loaded language, quote voice (the mayor)
	// quote [41,97) by the mayor
	// 3 sentences scored
	// true
}
