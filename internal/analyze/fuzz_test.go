package analyze

import (
	"context"
	"errors"
	"strings"
	"testing"
	"unicode/utf8"

	"unspun/internal/analysis"
	"unspun/internal/model"
)

// fuzzLarge is the size each fuzz input is repeated up to: large inputs
// (the shapes of the hostile 2 MB ones, at a size a fuzzer can run many
// times) rather than the short ones other targets cover.
const fuzzLarge = 64 << 10

// FuzzAnalyze runs the shipped model on large texts made by repeating the
// fuzzer's input, and checks what every front end relies on: the result's
// text is the input, spans and sentences lie inside it in code points with
// their text, and confidences and scores are probabilities.
func FuzzAnalyze(f *testing.F) {
	a, err := Default()
	if errors.Is(err, model.ErrNoModel) {
		f.Skip("no shipped model")
	}
	if err != nil {
		f.Fatal(err)
	}
	for _, s := range []string{"the regime lies ", "abc,def.ghi!", `He said: "They are traitors." `, `“unbalanced quote `, "word ",
		"Ünïcödé — “quotes” ‘and’ emoji 😀 ", "A.\n\n", "\t \u00a0\u2028", "Is it true? Everyone knows! "} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, unit string) {
		if unit == "" {
			return
		}
		text := strings.Repeat(unit, max(1, fuzzLarge/len(unit)))
		res, err := a.Analyze(context.Background(), "fuzz", text)
		if err != nil {
			if errors.Is(err, analysis.ErrEmpty) || errors.Is(err, analysis.ErrInvalidUTF8) || errors.Is(err, analysis.ErrTooLarge) {
				return
			}
			t.Fatalf("Analyze: %v", err)
		}
		if res.Text != text {
			t.Fatal("result text differs from the input")
		}
		runes := []rune(text)
		for _, s := range res.Spans {
			if s.Start < 0 || s.Start >= s.End || s.End > len(runes) || string(runes[s.Start:s.End]) != s.Text {
				t.Fatalf("span [%d,%d) %q out of place in %d code points", s.Start, s.End, s.Text, len(runes))
			}
			if !(s.Confidence >= 0 && s.Confidence <= 1) || (s.Voice != "author" && s.Voice != "quote") {
				t.Fatalf("span %+v", s)
			}
		}
		for _, s := range res.Sentences {
			if s.Start < 0 || s.Start > s.End || s.End > len(runes) || !(s.Score >= 0 && s.Score <= 1) {
				t.Fatalf("sentence %+v in %d code points", s, len(runes))
			}
		}
		if !(res.Score >= 0 && res.Score <= 1) || res.Words < 0 || !utf8.ValidString(res.Model) {
			t.Fatalf("score %v, words %d", res.Score, res.Words)
		}
	})
}
