package cli

import (
	"encoding/json"
	"strings"
	"testing"

	"unspun/internal/analysis"
)

// analyzeGolden checks the terminal output of "unspun analyze" on
// testdata/analyze/NAME.txt against its golden file and returns the same
// article's --format json result and output.
func analyzeGolden(t *testing.T, name string) (analysis.Result, string) {
	t.Helper()
	article := "testdata/analyze/" + name + ".txt"
	golden(t, "analyze", name, "analyze", article)
	stdout, stderr, code := runMain("analyze", "--format", "json", article)
	var res analysis.Result
	if err := json.Unmarshal([]byte(stdout), &res); code != 0 || err != nil {
		t.Fatalf("exit %d: %v: %s", code, err, stderr)
	}
	return res, stdout
}

// TestAnalyzeSkipsForeignParagraphs: a Persian post, a Spanish paragraph
// and a Portuguese passage inside an English article are not analysed
// (the passage's short lines too), and both output
// formats say so (the built-in model; -update rewrites the golden when it
// is retrained).
func TestAnalyzeSkipsForeignParagraphs(t *testing.T) {
	res, _ := analyzeGolden(t, "mixed-language")
	want := []analysis.Skipped{
		{Start: 132, End: 297, Language: "Persian", Reason: "written in Arabic script"},
		{Start: 299, End: 472, Language: "Spanish", Reason: "few English words; identified with confidence 1.00"},
		{Start: 474, End: 584, Language: "Portuguese", Reason: "few English words; identified with confidence 1.00"},
		// Alone this short line would be English (the library is unsure);
		// next to a Portuguese one it is Portuguese.
		{Start: 586, End: 638, Language: "Portuguese", Reason: "few English words; identified with confidence 0.32, as the paragraph next to it was"},
		// Too short to judge alone; next to the passage, and guessed
		// Portuguese, it is.
		{Start: 640, End: 661, Language: "Portuguese", Reason: "a short line; identified with confidence 0.79, as the paragraph next to it was"},
	}
	if len(res.Skipped) != len(want) {
		t.Fatalf("skipped %+v, want %+v", res.Skipped, want)
	}
	for i := range want {
		if res.Skipped[i] != want[i] {
			t.Errorf("skipped[%d] = %+v, want %+v", i, res.Skipped[i], want[i])
		}
		for _, s := range res.Spans {
			if s.Start < want[i].End && s.End > want[i].Start {
				t.Errorf("span %q lies in a skipped paragraph", s.Text)
			}
		}
		for _, s := range res.Sentences {
			if s.Start >= want[i].Start && s.Start < want[i].End {
				t.Errorf("sentence at %d in a skipped paragraph has a score", s.Start)
			}
		}
	}
}

// TestAnalyzeForeignArticle: an article in another language is skipped
// whole, headline, byline and short lines too, as one passage with one
// reason, and the terminal says nothing was analysed rather than that
// nothing was found.
func TestAnalyzeForeignArticle(t *testing.T) {
	res, _ := analyzeGolden(t, "foreign-article")
	want := analysis.Skipped{Start: 0, End: len([]rune(strings.TrimRight(res.Text, "\n"))), Language: "Portuguese",
		Reason: "the article is in this language; identified with confidence 1.00"}
	if len(res.Skipped) != 1 || res.Skipped[0] != want {
		t.Errorf("skipped %+v, want %+v", res.Skipped, want)
	}
	if res.Words != 0 || len(res.Spans) != 0 || len(res.Sentences) != 0 || res.Score != 0 {
		t.Errorf("%d words, %d spans, %d sentences, score %v analysed in a Portuguese article", res.Words, len(res.Spans), len(res.Sentences), res.Score)
	}
}

// TestAnalyzeTitleLine: line 1 of a file is its title, analysed like the
// rest (the corpus annotates titles).
func TestAnalyzeTitleLine(t *testing.T) {
	res, _ := analyzeGolden(t, "title-line")
	titleEnd := len([]rune("Corrupt Thugs Plunder the Nation While Their Minions Cheer"))
	inTitle := false
	for _, s := range res.Spans {
		inTitle = inTitle || s.Start < titleEnd
	}
	if !inTitle || len(res.Sentences) == 0 || res.Sentences[0].Start != 0 || res.Sentences[0].End != titleEnd {
		t.Errorf("the title is not analysed: spans %+v, sentences %+v", res.Spans, res.Sentences)
	}
	if n := headlineCues(res); n == 0 {
		t.Errorf("no fragment of the title says it is in the headline: %+v", res.Spans)
	}
}

// TestAnalyzeLeadLine: text that starts with its lead, not a title, is
// analysed as prose: no fragment of its first sentence is explained by
// being "in the headline" (see doc.Document.Headline).
func TestAnalyzeLeadLine(t *testing.T) {
	res, _ := analyzeGolden(t, "lead-line")
	lead := 0
	for _, s := range res.Spans {
		if s.Start < len([]rune(strings.SplitN(res.Text, "\n", 2)[0])) {
			lead++
		}
	}
	if lead == 0 {
		t.Fatalf("nothing found in the lead sentence, which the test needs: %+v", res.Spans)
	}
	if n := headlineCues(res); n > 0 {
		t.Errorf("%d fragments of a lead sentence are said to be in the headline: %+v", n, res.Spans)
	}
}

// headlineCues counts res's fragments with the cue "it is in the
// headline".
func headlineCues(res analysis.Result) int {
	n := 0
	for _, s := range res.Spans {
		for _, c := range s.Cues {
			if c == "it is in the headline" {
				n++
			}
		}
	}
	return n
}

// TestAnalyzeTargets: who is being labelled is shown after a Name calling
// or Loaded language fragment ("→ Kim Jong Un") and is the span's "target"
// in JSON. A fragment the model does not find is not checked (the golden
// shows what it finds).
func TestAnalyzeTargets(t *testing.T) {
	res, stdout := analyzeGolden(t, "targets")
	targets := map[string]string{}
	for _, s := range res.Spans {
		targets[s.Text] = s.Target
	}
	for frag, want := range map[string]string{
		"brutal dictator":       "Kim Jong Un", // apposition
		"reckless appeasement":  "Obama",       // possessor
		"a total sham":          "process",     // a common-noun subject
		"disgraceful surrender": "deal",        // a labelling verb's object
		"a monster” and a liar": "Smith",
	} {
		if got, ok := targets[frag]; ok && got != want {
			t.Errorf("target of %q = %q, want %q", frag, got, want)
		}
	}
	if !strings.Contains(stdout, `"target":"Kim Jong Un"`) {
		t.Errorf("JSON lacks the target: %s", stdout)
	}
}

// TestAnalyzeVoice: an embedded post is its author's voice, not the
// article author's, and a book's title in quotation marks is not speech.
func TestAnalyzeVoice(t *testing.T) {
	res, _ := analyzeGolden(t, "voice")
	text := []rune(res.Text)
	for _, q := range res.Quotes {
		if strings.Contains(string(text[q.Start:q.End]), "Black Muslim Religion") {
			t.Errorf("a book title is quoted speech of %q", q.Speaker)
		}
	}
	found := false
	for _, s := range res.Spans {
		if strings.Contains(s.Text, "clown") {
			found = true
			if s.Voice != "quote" || s.Speaker != "Javad Zarif (@JZarif)" {
				t.Errorf("%q in the embedded post: voice %q, speaker %q", s.Text, s.Voice, s.Speaker)
			}
		}
	}
	if !found {
		t.Log("the model found nothing in the post; only the quotes were checked")
	}
}

// TestAnalyzeTranscriptTurns: the turns of an interview transcript
// ("Ortiz: …") are their speaker's voice, listed among the quotes.
func TestAnalyzeTranscriptTurns(t *testing.T) {
	res, stdout := analyzeGolden(t, "transcript")
	text := []rune(res.Text)
	speakers := map[string]int{}
	for _, q := range res.Quotes {
		speakers[q.Speaker]++
		if strings.HasPrefix(string(text[q.Start:q.End]), q.Speaker+":") {
			t.Errorf("turn %q holds its own label", string(text[q.Start:q.End]))
		}
	}
	if speakers["Ortiz"] != 2 || speakers["Baird"] != 2 {
		t.Errorf("turns per speaker %v, want Ortiz 2 and Baird 2", speakers)
	}
	inTurns := 0
	for _, s := range res.Spans {
		for _, q := range res.Quotes {
			if s.Start >= q.Start && s.End <= q.End {
				inTurns++
				if s.Voice != "quote" || s.Speaker != q.Speaker {
					t.Errorf("%q in %s's turn: voice %q, speaker %q", s.Text, q.Speaker, s.Voice, s.Speaker)
				}
			}
		}
	}
	if inTurns == 0 {
		t.Errorf("the model found nothing inside the turns: %s", stdout)
	}
}
