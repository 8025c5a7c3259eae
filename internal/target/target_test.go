package target

import (
	"path/filepath"
	"strings"
	"testing"

	"unspun/internal/doc"
	"unspun/internal/testenv"
)

// find runs Find on the fragment marked [[…]] in s.
func find(s string) string {
	start := strings.Index(s, "[[")
	s = strings.Replace(s, "[[", "", 1)
	end := strings.Index(s, "]]")
	s = strings.Replace(s, "]]", "", 1)
	d := doc.New("t", s)
	return Find(d, len([]rune(s[:start])), len([]rune(s[:end])))
}

func TestFind(t *testing.T) {
	tests := []struct{ text, want string }{
		{"[[The dictators in]] Iran are clearly concerned about their future.", "Iran"},
		{"He spoke against [[the corrupt senator]] Smith on Monday.", "Smith"},
		{"Voters will not forgive [[the corrupt senator Smith]].", "Smith"},
		{"Despite warnings, Barack Obama's [[reckless appeasement]] of the regime has enabled its rise.", "Barack Obama"},
		{"The Kremlin has spoken. Now [[its minions]] repeat every word.", "Kremlin"},
		{"More critical was the bond with Kim, a [[brutal dictator]] responsible for deaths.", "Kim"},
		{"The sum of it is clear to President Trump. Trump and his White House are [[a gang that can’t shoot straight]].", "Trump"},
		{"Trump and his White House are [[a gang that can’t shoot straight]].", "White House"}, // "Trump" opening the only sentence could be any word
		{"The plan was announced by Leo Varadkar. He is [[a spineless coward]], critics say.", "Leo Varadkar"},
		{"They are [[puppets of]] the Kremlin, he said.", "Kremlin"},
		{"[[Crooked Hillary]] lost the election.", "Hillary"},
		{"It was a [[heinous crime]] that shocked the town.", ""},
		{"The [[brutal]] crackdown continued for weeks.", "crackdown"}, // an adjective's noun
		{"Two illegal aliens caught smuggling [[less glamorous]] illegal aliens.", "illegal aliens"},
		{"It was a [[foolish]] mistake by a very young man.", "mistake"},
		{"The ruling was [[outrageous]] given the facts.", "ruling"}, // predicative: the subject, not "given"
		{"Trump on Tuesday called Soleimani “[[a monster]]” who deserved it.", "Soleimani"},
		{"The senator met Smith last year. Yesterday he branded him [[a traitor]].", "Smith"},
		{"Critics labelled the mayor as [[a puppet]] of the unions.", "mayor"}, // a common-noun object
		{"The senator called the deal [[a disgraceful surrender]].", "deal"},
		{"The senator called the deal a [[disgraceful surrender]].", "deal"},
		{"Yesterday Jones called him a [[traitor]] twice.", ""}, // no name before "him"
		{"Democrats’ plan is bad, and this process has been [[a total sham]].", "process"},
		{"Sales fell, and the company reportedly was [[a fraud]] all along.", "company"}, // an adverb before the verb
		{"Sales fell, and the supply was [[a disaster]] all along.", "supply"},           // a noun in -ly
		{"The attack on the embassy this week was [[a rude reminder]].", ""},             // "this week" follows a preposition's object: not the subject
		{"Asked about Mueller, Trump said: Mueller is ‘[[looking for trouble]]’.", "Mueller"},
		{"Nobody asked the minister, Jane Doe. It is [[an outrage]].", ""}, // "it" is no person
		{"These days it partners with [[an anti-Israel hate group]] that defends hatred.", ""},
		{"[[Evil Traitors]] Plunder The Nation With Their Friends", ""},
		{"[[The Shameful Betrayal]]\n\nThe council met on Monday.", ""}, // a short title-case heading: its capitals are no name
		{"Senators Say [[the Cunning Bureaucrats]] Lied", ""},
	}
	for _, tt := range tests {
		if got := find(tt.text); got != tt.want {
			t.Errorf("Find(%q) = %q, want %q", tt.text, got, tt.want)
		}
	}
}

func TestFindBadRanges(t *testing.T) {
	d := doc.New("t", "Some text here.")
	for _, r := range [][2]int{{5, 5}, {9, 3}, {100, 120}} {
		if got := Find(d, r[0], r[1]); got != "" {
			t.Errorf("Find(%v) = %q, want \"\"", r, got)
		}
	}
}

// TestValidationTargets measures Find on the hand-annotated validation
// fragments (testdata/targets/validation-targets.tsv), the held-out set:
// precision (the targets found that match the annotation), coverage (the
// fragments that get a target) and how many annotated targets are found.
// It fails below the floors, which sit under the figures MODEL.md
// reports.
func TestValidationTargets(t *testing.T) {
	scoreTargets(t, "validation-targets.tsv", 100, 0.65, 0.25)
}

// TestTrainingTargets is TestValidationTargets on the development set
// (testdata/targets/training-targets.tsv: training articles, the set the
// rules were last revised on).
func TestTrainingTargets(t *testing.T) {
	scoreTargets(t, "training-targets.tsv", 45, 0.65, 0.25)
}

// TestHeldoutTargets is TestValidationTargets on the second held-out set
// (testdata/targets/heldout-targets.tsv: training articles annotated after
// the rules of stop 23 were written, never used to revise them).
func TestHeldoutTargets(t *testing.T) {
	scoreTargets(t, "heldout-targets.tsv", 45, 0.55, 0.25)
}

// scoreTargets scores Find on the annotated set in testdata/targets/file,
// which must have at least minRows rows, and fails below the precision
// and coverage floors; with -v it prints every row.
func scoreTargets(t *testing.T, file string, minRows int, minPrecision, minCoverage float64) {
	ptc := testenv.PTC(t)
	// article, start, end, technique, fragment, target ("none": no entity)
	rows := testenv.Annotations(t, filepath.Join(testenv.ModuleRoot(), "testdata", "targets", file), 3)
	docs := map[string]*doc.Document{}
	var tally testenv.Tally
	for _, r := range rows {
		gold := r.Columns[2]
		d := docs[r.Article]
		if d == nil {
			d = doc.New(r.Article, testenv.ArticleText(t, ptc, r.Article))
			docs[r.Article] = d
		}
		got := Find(d, r.Start, r.End)
		mark := tally.Add(got, gold == "none", Matches(got, gold))
		if testing.Verbose() {
			t.Logf("%s %-40.40q → %-22q gold %q", mark, d.Slice(r.Start, r.End), got, gold)
		}
	}
	precision, coverage := tally.Precision(), tally.Coverage()
	t.Logf("%s: %d fragments (%d with an annotated target, %d none): target given for %d (coverage %.2f), %d correct (precision %.2f); annotated targets found %d/%d (%.2f); none left empty %d/%d",
		file, len(rows), tally.Annotated, tally.None, tally.Given, coverage, tally.Correct, precision, tally.Correct, tally.Annotated, tally.Recall(), tally.NoneEmpty, tally.None)
	if len(rows) < minRows {
		t.Errorf("%s: only %d annotated fragments, want at least %d", file, len(rows), minRows)
	}
	if precision < minPrecision || coverage < minCoverage {
		t.Errorf("%s: precision %.2f, coverage %.2f: below the floors %.2f and %.2f", file, precision, coverage, minPrecision, minCoverage)
	}
}

// FuzzFind checks that Find never panics on any text and range, and that
// a target it gives is text of the document.
func FuzzFind(f *testing.F) {
	for _, s := range []string{
		"The senator called the deal a disgraceful surrender.",
		"Mueller is ‘looking for trouble,’ Trump says.",
		"“a monster” who deserved it, called him a",
		"a [foolish] mistake by ’ “ ",
		"and this process has been a total sham",
		"",
	} {
		f.Add(s, 0, 10)
	}
	f.Fuzz(func(t *testing.T, text string, start, end int) {
		d := doc.New("fuzz", text)
		got := Find(d, start, end)
		if got != "" && !strings.Contains(text, got) && !strings.Contains(d.Text, got) {
			t.Errorf("Find(%q, %d, %d) = %q, not text of the document", text, start, end, got)
		}
	})
}
