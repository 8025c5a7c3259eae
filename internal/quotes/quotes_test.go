package quotes

import (
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"unspun/internal/doc"
	"unspun/internal/testenv"
)

type quoteWant struct {
	text, speaker string
}

func find(text string) []quoteWant {
	d := doc.New("t", text)
	var out []quoteWant
	for _, q := range Find(d) {
		out = append(out, quoteWant{d.TextOf(q.Span), q.Speaker})
	}
	return out
}

func TestFind(t *testing.T) {
	tests := []struct {
		name string
		text string
		want []quoteWant
	}{
		{"none", "The council met on Tuesday. Nothing was decided.", nil},
		{"noun in -ly", `"We are grateful for the support," the victim's family said.`,
			[]quoteWant{{`"We are grateful for the support,"`, "the victim's family"}}},
		{"noun in -ly before", `The rally organiser said: "We are grateful for the support."`,
			[]quoteWant{{`"We are grateful for the support."`, "the rally organiser"}}},
		{"adverb between subject and verb", `The minister reportedly said: "We are grateful for the support."`,
			[]quoteWant{{`"We are grateful for the support."`, "the minister"}}},
		{"characterising verb", "The report named Manafort. In a statement, Manafort called the story “totally false and deliberately libelous.”",
			[]quoteWant{{"“totally false and deliberately libelous.”", "Manafort"}}},
		{"characterising verb, object and determiner", "Witnesses said Traore called Halimi a “demon” before the attack.",
			[]quoteWant{{"“demon”", "Traore"}}},
		{"characterising verb with as", "The owners of Pulse were proud. Inside the club, Pulse describes itself as “the hottest gay bar in town.”",
			[]quoteWant{{"“the hottest gay bar in town.”", "Pulse"}}},
		{"naming verb without object", "Members of a group called “Patriots for Order and Liberty” marched.",
			[]quoteWant{{"“Patriots for Order and Liberty”", ""}}},
		{"characterising verb, no noun-phrase object", "It is the disobedience that King calls for in the uncensored “Letter from Birmingham Jail.”",
			[]quoteWant{{"“Letter from Birmingham Jail.”", ""}}},
		{"colon before", `Mayor Linda Park said: "We will rebuild the bridge this year."`,
			[]quoteWant{{`"We will rebuild the bridge this year."`, "Mayor Linda Park"}}},
		{"curly colon before", "The coach told reporters “the team played its best game of the season.”",
			[]quoteWant{{"“the team played its best game of the season.”", "the coach"}}},
		{"subject verb after", "“Prices will fall next spring,” the analyst said.",
			[]quoteWant{{"“Prices will fall next spring,”", "the analyst"}}},
		{"verb subject after", `"Prices will fall next spring," said a senior economist at the bank.`,
			[]quoteWant{{`"Prices will fall next spring,"`, "a senior economist at the bank"}}},
		{"according to", "According to the fire chief, “the blaze started in the kitchen and spread fast.”",
			[]quoteWant{{"“the blaze started in the kitchen and spread fast.”", "the fire chief"}}},
		{"pronoun from previous subject", "A spokesperson for the regional water board recently described the drought. She said: “Reservoirs are lower than at any time in a decade.”",
			[]quoteWant{{"“Reservoirs are lower than at any time in a decade.”", "a spokesperson for the regional water board"}}},
		{"pronoun skips plural subject", "The ambassador of the republic spoke first. He said: “We want peace with every neighbour.”\n\nDiplomats usually avoid such claims, but this one went further. He said: “Our borders are open to trade and to friendship.”",
			[]quoteWant{
				{"“We want peace with every neighbour.”", "the ambassador of the republic"},
				{"“Our borders are open to trade and to friendship.”", "the ambassador of the republic"},
			}},
		{"plural pronoun", "Local farmers gathered outside the hall. They said: “The new tax will ruin small farms across the valley.”",
			[]quoteWant{{"“The new tax will ruin small farms across the valley.”", "Local farmers"}}},
		{"pronoun after quote", "The senator from Ohio spoke at length. “This bill is a disgrace to the chamber,” he said.",
			[]quoteWant{{"“This bill is a disgrace to the chamber,”", "the senator from Ohio"}}},
		{"continued quote", "“We lost the vote,” the chairman said. “But we will win the argument in the end.”",
			[]quoteWant{
				{"“We lost the vote,”", "the chairman"},
				{"“But we will win the argument in the end.”", "the chairman"},
			}},
		{"scare quotes dropped", "Critics mocked the so-called “reform package” that the cabinet approved.", nil},
		{"scare quote before a later speech verb", `Critics called the "savings plan" a fraud, and the opposition leader warned that taxes would soar.`, nil},
		{"short direct quote kept", "Asked about the result, the minister said: “Never again.”",
			[]quoteWant{{"“Never again.”", "the minister"}}},
		{"unattributed long quote", "“The river has always flooded in April and it always will,” reads a sign by the bridge.",
			[]quoteWant{{"“The river has always flooded in April and it always will,”", ""}}},
		{"multi-line quote", "The professor of history wrote: \"Empires fall slowly\nand then all at once, as every student knows.\"",
			[]quoteWant{{"\"Empires fall slowly\nand then all at once, as every student knows.\"", "the professor of history"}}},
		{"time before the subject", "Last week Governor Ray Diaz told reporters “the budget is balanced and the state is in good shape.”",
			[]quoteWant{{"“the budget is balanced and the state is in good shape.”", "Governor Ray Diaz"}}},
		{"hyphenated title after", "“The council must resign today,” Co-Chair Dana Reyes comments.",
			[]quoteWant{{"“The council must resign today,”", "Co-Chair Dana Reyes"}}},
		{"continued after a long attribution", "“Can we win?” Reyes said at a rally in the northern town of Ashford. “We can, if we work.”",
			[]quoteWant{{"“Can we win?”", "Reyes"}, {"“We can, if we work.”", "Reyes"}}},
		{"tweeted", "Senator Ada Cole tweeted “This is a dark day for the state and its people.”",
			[]quoteWant{{"“This is a dark day for the state and its people.”", "Senator Ada Cole"}}},
		{"appositive after the quote", "“The port will reopen on Monday,” Maria Lind, the harbour master, said.",
			[]quoteWant{{"“The port will reopen on Monday,”", "Maria Lind"}}},
		{"aside before the verb", "The ministry, in a statement on Friday, said “the talks have collapsed and will not resume this year.”",
			[]quoteWant{{"“the talks have collapsed and will not resume this year.”", "the ministry"}}},
		{"told names the listener", "“The deal is dead and everyone knows it,” told Peter Gray, the host of the show.",
			[]quoteWant{{"“The deal is dead and everyone knows it,”", ""}}},
		{"speech noun is not a verb", "Critics pointed to his most recent comments, “we will never surrender the city to anyone.”",
			[]quoteWant{{"“we will never surrender the city to anyone.”", ""}}},
		{"pronoun takes the name in its sentence", "The crowd cheered when Mayor Ann Holt arrived, and she said “this town has never been stronger than it is today.”",
			[]quoteWant{{"“this town has never been stronger than it is today.”", "Mayor Ann Holt"}}},
		{"quote continued on the next line", "“The bridge is unsafe and must close,” the engineer said in her report to the county board of works on Tuesday night.\n\n“Repairs will take at least a year to finish.”",
			[]quoteWant{
				{"“The bridge is unsafe and must close,”", "the engineer"},
				{"“Repairs will take at least a year to finish.”", "the engineer"},
			}},
		{"next line's verb is another quote's", "The bishop gave a maxim to all the faithful: “We are called to serve in the midst of action.”\nA local priest commented dryly, “Rejoice, but not too loudly.”",
			[]quoteWant{
				{"“We are called to serve in the midst of action.”", ""},
				{"“Rejoice, but not too loudly.”", "a local priest"},
			}},
		{"coordinated speech verb", "Ben Vale spoke to the local radio station and said “you need evidence before you ruin a life.”",
			[]quoteWant{{"“you need evidence before you ruin a life.”", "Ben Vale"}}},
		{"coordination inside a that-clause", "Our history teaches that our forefathers threw off the tyrant and declared “resistance to tyrants is obedience to God!”",
			[]quoteWant{{"“resistance to tyrants is obedience to God!”", ""}}},
		{"acronym subject", "“The next outbreak could be stronger,” WHO chief Ana Ruiz told reporters in Geneva.",
			[]quoteWant{{"“The next outbreak could be stronger,”", "WHO chief Ana Ruiz"}}},
		{"place inside the subject", "“We have no evidence of how these storms form,” a physicist at a university in Spain explains.",
			[]quoteWant{{"“We have no evidence of how these storms form,”", "a physicist at a university in Spain"}}},
		{"possessor is the antecedent", "Few noticed Louis Varga's Founders' Day Address, in which he told a cheering crowd that “the old order is finished.”",
			[]quoteWant{{"“the old order is finished.”", "Louis Varga"}}},
		{"reported", "The Daily Ledger reported on Monday that “the mayor knew about the leak for months.”",
			[]quoteWant{{"“the mayor knew about the leak for months.”", "the Daily Ledger"}}},
		{"attribution stays on the quote's line", "Bishop Ana Ruiz of St. Paul responds to the scandal:\nAt every Mass the priest prays that God will “look not on our sins but on our faith.”",
			[]quoteWant{{"“look not on our sins but on our faith.”", ""}}},
		{"attribution alone on the next line", "The governor posted again on Friday.\n\n“The bridge will be rebuilt by spring.\nNo more excuses!”\nGovernor Ray Diaz tweeted.",
			[]quoteWant{{"“The bridge will be rebuilt by spring.\nNo more excuses!”", "Governor Ray Diaz"}}},
		{"narrative on the next line", "The minister gave his answer: “I decided, and that is final.”\nAna Ruiz reports the meeting, but it follows an odd story about the budget.",
			[]quoteWant{{"“I decided, and that is final.”", ""}}},
		{"a date's year is no aside (no speaker rather than the date)", "Ana Ruiz, on the ship she boarded on March 11, 2001, told the crew: “Stay quiet and you will be fine.”",
			[]quoteWant{{"“Stay quiet and you will be fine.”", ""}}},
		{"narrative after a quote does not continue it", "The captain told the crew: “Stay quiet and you will be fine.” The company appears to have adopted that advice as its policy.\n“Leave them alone; they are lost already.”",
			[]quoteWant{{"“Stay quiet and you will be fine.”", "the captain"}, {"“Leave them alone; they are lost already.”", ""}}},
		{"according to a document's issuer", "The files were released “for reasons of transparency,” according to a statement issued by Press Secretary Ann Wells.",
			[]quoteWant{{"“for reasons of transparency,”", "Press Secretary Ann Wells"}}},
		{"a statement from its issuer", "“We regret the delay and will refund every ticket,” said a statement from the city's transit authority.",
			[]quoteWant{{"“We regret the delay and will refund every ticket,”", "the city's transit authority"}}},
		{"according to stays in its sentence", "“The vote was rigged from the very start.” According to the court, the complaint was filed too late.",
			[]quoteWant{{"“The vote was rigged from the very start.”", ""}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := find(tt.text)
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Find(%q)\n got %q\nwant %q", tt.text, got, tt.want)
			}
		})
	}
}

// TestFindOffsets checks that spans index the text in code points.
func TestFindOffsets(t *testing.T) {
	text := "Ünïcödé first. The judge said: “Order in the court, all of you.”"
	d := doc.New("t", text)
	qs := Find(d)
	if len(qs) != 1 {
		t.Fatalf("got %d quotes, want 1", len(qs))
	}
	r := []rune(text)
	if got := string(r[qs[0].Start:qs[0].End]); got != "“Order in the court, all of you.”" {
		t.Errorf("quote at [%d,%d) is %q", qs[0].Start, qs[0].End, got)
	}
}

// TestFindCorpus runs on real articles: no panics, spans in order and in
// range, speakers short.
func TestFindCorpus(t *testing.T) {
	dir := filepath.Join(testenv.PTC(t), "articles")
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, e := range ents {
		b, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		d := doc.New(e.Name(), string(b))
		prev := -1
		for _, q := range Find(d) {
			if q.Start < prev || q.End <= q.Start || q.End > d.Len() {
				t.Fatalf("%s: bad quote [%d,%d)", e.Name(), q.Start, q.End)
			}
			if len([]rune(q.Speaker)) > 120 {
				t.Errorf("%s: speaker too long: %q", e.Name(), q.Speaker)
			}
			prev = q.End
			n++
		}
	}
	if n == 0 {
		t.Error("no quotes found in the whole corpus")
	}
}

func BenchmarkFind(b *testing.B) {
	text := "A spokesperson for the ministry spoke. He said: “We will act.” “Prices will fall,” the analyst said. "
	for i := 0; i < 5; i++ {
		text += text
	}
	d := doc.New("b", text)
	b.ReportAllocs()
	for b.Loop() {
		Find(d)
	}
}

func FuzzFind(f *testing.F) {
	f.Add(`He said: "We will win." "Yes," she said.`)
	f.Add("A spokesperson for the ministry spoke. He said: “Go” “now,” said X")
	f.Add("“\n\n”\"\"\"“”")
	f.Fuzz(func(t *testing.T, text string) {
		d := doc.New("f", text)
		prev := 0
		for _, q := range Find(d) {
			if q.Start < prev || q.End <= q.Start || q.End > d.Len() {
				t.Fatalf("bad quote [%d,%d) in %q", q.Start, q.End, text)
			}
			prev = q.End
		}
	})
}
