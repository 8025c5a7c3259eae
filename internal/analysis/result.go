// Package analysis holds the result of analysing an article: the
// fragments found, their techniques, voices and cues, the quotes and the
// sentence scores. It is data only, so front ends and the store can read
// and write results without linking the models (package analyze produces
// them).
package analysis

import (
	"errors"
	"fmt"

	"unspun/internal/technique"
)

// MaxBytes is the largest text Analyze accepts; longer texts are not news
// articles and would only tie up the server.
const MaxBytes = 2 << 20

// ErrEmpty is returned for a text with nothing but white space in it.
var ErrEmpty = errors.New("analyze: the article is empty")

// ErrTooLarge is returned for a text over MaxBytes.
var ErrTooLarge = fmt.Errorf("analyze: the article is larger than %d MB", MaxBytes>>20)

// ErrInvalidUTF8 is returned for a text that is not valid UTF-8: its
// offsets would not survive the JSON encoding of the result.
var ErrInvalidUTF8 = errors.New("analyze: the article is not valid UTF-8")

// Result is the analysis of one article. Offsets are code points into
// Text. Its JSON form is the one documented for "unspun analyze --format
// json" and the HTTP API.
type Result struct {
	Text      string     `json:"text"`
	Spans     []Span     `json:"spans"`
	Quotes    []Quote    `json:"quotes"`
	Sentences []Sentence `json:"sentences"`
	// Score is the article-level propaganda score in [0,1]: the mean of
	// the sentence scores, that is the expected share of the article's
	// sentences that use a technique.
	Score float64 `json:"score"`
	// Words is the number of words in the article.
	Words int `json:"words"`
	// Model names the model version that produced the result.
	Model string `json:"model"`
	// Skipped are the paragraphs that were not analysed because they are
	// not in English (the models read English only): they have no spans,
	// quotes or sentence scores, and their words are not counted.
	Skipped []Skipped `json:"skipped,omitempty"`
}

// NotAnalysed reports that none of the text was analysed: paragraphs
// were skipped and no word is left (an article in another language).
// Front ends say so instead of showing a score.
func (r *Result) NotAnalysed() bool { return r.Words == 0 && len(r.Skipped) > 0 }

// Skipped is a paragraph left out of the analysis, and why.
type Skipped struct {
	Start int `json:"start"`
	End   int `json:"end"`
	// Language names the paragraph's language ("Persian") or, when only
	// its script is known, the script ("Thai script").
	Language string `json:"language"`
	// Reason says why it was judged not to be English ("written in
	// Arabic script").
	Reason string `json:"reason"`
}

// Span is one fragment that uses a technique.
type Span struct {
	Start     int                 `json:"start"`
	End       int                 `json:"end"`
	Text      string              `json:"text"`
	Technique technique.Technique `json:"technique"`
	// Confidence is the calibrated probability that the fragment uses the
	// technique.
	Confidence float64 `json:"confidence"`
	// Voice is "author" or "quote".
	Voice string `json:"voice"`
	// Speaker is the attributed source of quoted speech; "" in the
	// author's voice or when the text names no speaker.
	Speaker string `json:"speaker"`
	// Cues are the few signals that drove the decision, in plain words.
	Cues []string `json:"cues"`
	// Techniques are the techniques the fragment is given, most likely
	// first, each with its confidence: Technique, and a second one when
	// its probability comes close to the first's (the corpus gives some
	// fragments two techniques; a TC submission repeats the row).
	Techniques []Alternative `json:"techniques"`
	// Alternatives are the next most likely techniques after Techniques,
	// most likely first.
	Alternatives []Alternative `json:"alternatives,omitempty"`
	// Target is who is being labelled, for Name calling / labeling and
	// Loaded language: the entity the label attaches to ("Iran" for "The
	// dictators in Iran"); "" when none is found.
	Target string `json:"target,omitempty"`
}

// Alternative is a technique for a span with its confidence.
type Alternative struct {
	Technique  technique.Technique `json:"technique"`
	Confidence float64             `json:"confidence"`
}

// Quote is a region of quoted speech.
type Quote struct {
	Start   int    `json:"start"`
	End     int    `json:"end"`
	Speaker string `json:"speaker"`
}

// Sentence is a sentence with its propaganda score in [0,1]: the
// probability that it holds propaganda, from the fragments found in it,
// calibrated on held-out training articles (see SentenceCalibration).
type Sentence struct {
	Start int     `json:"start"`
	End   int     `json:"end"`
	Score float64 `json:"score"`
}
