package score_test

import (
	"fmt"

	"unspun/internal/corpus"
	"unspun/internal/score"
	"unspun/internal/technique"
)

// The worked example of the corpus README.
func ExampleSI() {
	span := func(start, end int) corpus.Span { return corpus.Span{Article: "1", Start: start, End: end} }
	gold := []corpus.Span{span(0, 59), span(171, 181), span(0, 9), span(115, 167), span(740, 759)}
	pred := []corpus.Span{span(0, 50), span(161, 172), span(0, 10), span(115, 167)}
	r := score.SI(gold, pred)
	fmt.Printf("P %.6f R %.6f F1 %.6f\n", r.Precision, r.Recall, r.F1)
	// Output: P 0.964912 R 0.486864 F1 0.647181
}

// Tuning a threshold: prepare the gold once, then score each candidate
// without allocating.
func ExampleSIScorer() {
	gold := []corpus.Span{{Article: "1", Start: 0, End: 10}, {Article: "1", Start: 20, End: 30}}
	candidates := map[string][]corpus.Span{
		"loose": {{Article: "1", Start: 0, End: 30}},
		"tight": {{Article: "1", Start: 2, End: 10}, {Article: "1", Start: 20, End: 28}},
	}
	sc := score.SIScorer{Gold: score.NewSIGold(gold)}
	for _, name := range []string{"loose", "tight"} {
		r := sc.Score(candidates[name])
		fmt.Printf("%s: F1 %.4f\n", name, r.F1)
	}
	// Output:
	// loose: F1 0.8000
	// tight: F1 0.8889
}

func ExampleTC() {
	row := func(t technique.Technique, start, end int) corpus.Span {
		return corpus.Span{Article: "1", Start: start, End: end, Technique: t, HasTechnique: true}
	}
	gold := []corpus.Span{row(technique.Doubt, 0, 9), row(technique.LoadedLanguage, 0, 9), row(technique.Slogans, 20, 30)}
	pred := []corpus.Span{row(technique.LoadedLanguage, 0, 9), row(technique.Doubt, 0, 9), row(technique.FlagWaving, 20, 30)}
	r, err := score.TC(gold, pred)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("micro-F1 %.4f (%d of %d)\n", r.F1, r.Correct, r.Rows)

	_, err = score.TC(gold, pred[:2])
	fmt.Println(err)
	// Output:
	// micro-F1 0.6667 (2 of 3)
	// predictions must label exactly the gold spans: article 1 span [20,30) has 1 gold row(s) and 0 predicted
}

// A span the corpus gives two techniques has two rows; a submission's rows
// for it are matched as a multiset, and Assign gives its k-th row the k-th
// most likely technique.
func ExampleAssign() {
	ranked := []technique.Technique{technique.Doubt, technique.LoadedLanguage, technique.Slogans}
	gold := []technique.Technique{technique.LoadedLanguage, technique.Doubt}
	pred := []technique.Technique{score.Assign(ranked, 0), score.Assign(ranked, 1)}
	fmt.Println(pred)
	fmt.Println(score.Match(gold, pred, nil), "of", len(gold), "rows right")
	// Output:
	// [Doubt Loaded_Language]
	// 2 of 2 rows right
}

// Reliability tells whether confidences are probabilities.
func ExampleReliability() {
	var r score.Reliability
	for i := range 10 {
		r.Add(0.9, i < 9) // 90% confident, right 9 times in 10
	}
	for i := range 10 {
		r.Add(0.3, i < 6) // 30% confident, right 6 times in 10
	}
	// The first bin is right as often as it says, the second off by 0.3.
	fmt.Printf("%d answers, ECE %.2f\n", r.N(), r.ECE())
	// Output:
	// 20 answers, ECE 0.15
}
