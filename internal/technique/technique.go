// Package technique defines the 14 propaganda techniques of the Propaganda
// Techniques Corpus (SemEval-2020 Task 11): their corpus labels, human
// names, definitions, invented examples and display colours. It is the one
// place in unspun that knows them.
package technique

import "fmt"

// Technique identifies one of the 14 techniques; valid values run from 0
// to Count-1 in the corpus's alphabetical label order.
type Technique uint8

// The techniques, in the alphabetical order of their corpus labels.
const (
	AppealToAuthority Technique = iota
	AppealToFear
	BandwagonReductio
	BlackAndWhite
	CausalOversimplification
	Doubt
	Exaggeration
	FlagWaving
	LoadedLanguage
	NameCalling
	Repetition
	Slogans
	ThoughtTerminating
	Whataboutism
)

// Count is the number of techniques.
const Count = 14

// Info describes a technique for readers.
type Info struct {
	Label      string // as in the corpus files, e.g. "Name_Calling,Labeling"
	Name       string // for people, e.g. "Name calling / labeling"
	Definition string
	Example    string // invented, not from any corpus
	Color      string // CSS hex colour for highlights
	ANSI       int    // 256-colour terminal code for highlights
}

var infos = [Count]Info{
	AppealToAuthority: {
		Label: "Appeal_to_Authority", Name: "Appeal to authority",
		Definition: "Stating that a claim is true simply because a valid authority or expert on the issue said it was, without any other supporting evidence. Also used when the cited authority is not an expert at all.",
		Example:    "Leading scientists agree the new policy is the only sensible choice, so there is nothing to debate.",
		Color:      "#8dd3c7", ANSI: 116,
	},
	AppealToFear: {
		Label: "Appeal_to_fear-prejudice", Name: "Appeal to fear / prejudice",
		Definition: "Seeking to build support for an idea by instilling anxiety or panic in the audience towards an alternative, sometimes based on preconceived judgements.",
		Example:    "If this bill passes, criminals will be roaming your street by Christmas.",
		Color:      "#fb8072", ANSI: 210,
	},
	BandwagonReductio: {
		Label: "Bandwagon,Reductio_ad_hitlerum", Name: "Bandwagon / reductio ad Hitlerum",
		Definition: "Bandwagon: persuading the audience to join in because everyone else is doing so. Reductio ad Hitlerum: discrediting an idea or action by saying it is popular with groups the audience hates.",
		Example:    "Millions have already switched; only a fool would stay behind.",
		Color:      "#bc80bd", ANSI: 140,
	},
	BlackAndWhite: {
		Label: "Black-and-White_Fallacy", Name: "Black-and-white fallacy",
		Definition: "Presenting two alternative options as the only possibilities when in fact more exist; the extreme case tells the audience exactly what to do, leaving no other choice (dictatorship).",
		Example:    "Either you support the mayor's plan or you want the city to go bankrupt.",
		Color:      "#80b1d3", ANSI: 110,
	},
	CausalOversimplification: {
		Label: "Causal_Oversimplification", Name: "Causal oversimplification",
		Definition: "Assuming a single cause or reason when there are actually multiple causes for an issue, including blaming a scapegoat.",
		Example:    "Prices went up last year for one reason only: the new trade commissioner.",
		Color:      "#fdb462", ANSI: 215,
	},
	Doubt: {
		Label: "Doubt", Name: "Doubt",
		Definition: "Questioning the credibility of someone or something.",
		Example:    "Can we really trust a report written by people who never left their offices?",
		Color:      "#b3de69", ANSI: 149,
	},
	Exaggeration: {
		Label: "Exaggeration,Minimisation", Name: "Exaggeration / minimisation",
		Definition: "Representing something in an excessive manner, making things larger, better or worse than they are, or making something seem less important or smaller than it really is.",
		Example:    "This is the greatest scandal in the history of our democracy.",
		Color:      "#fccde5", ANSI: 218,
	},
	FlagWaving: {
		Label: "Flag-Waving", Name: "Flag-waving",
		Definition: "Playing on strong national feeling (or on any group: race, gender, political preference) to justify or promote an action or idea.",
		Example:    "Every true patriot knows our nation must stand firm tonight.",
		Color:      "#ffed6f", ANSI: 227,
	},
	LoadedLanguage: {
		Label: "Loaded_Language", Name: "Loaded language",
		Definition: "Using specific words and phrases with strong emotional implications, positive or negative, to influence an audience.",
		Example:    "The council's reckless, shameful scheme was rammed through overnight.",
		Color:      "#ffffb3", ANSI: 229,
	},
	NameCalling: {
		Label: "Name_Calling,Labeling", Name: "Name calling / labeling",
		Definition: "Labeling the object of the propaganda campaign as something the target audience fears, hates or finds undesirable, or loves and praises.",
		Example:    "The so-called experts and their globalist cheerleaders met again on Friday.",
		Color:      "#bebada", ANSI: 146,
	},
	Repetition: {
		Label: "Repetition", Name: "Repetition",
		Definition: "Repeating the same message over and over again so that the audience will eventually accept it.",
		Example:    "The plan is a failure. A failure for families, a failure for workers, a failure for all of us.",
		Color:      "#d9d9d9", ANSI: 252,
	},
	Slogans: {
		Label: "Slogans", Name: "Slogans",
		Definition: "A brief and striking phrase that may include labeling and stereotyping. Slogans tend to act as emotional appeals.",
		Example:    "Clean streets, safe homes!",
		Color:      "#ccebc5", ANSI: 194,
	},
	ThoughtTerminating: {
		Label: "Thought-terminating_Cliches", Name: "Thought-terminating cliché",
		Definition: "Words or phrases that discourage critical thought and meaningful discussion about a topic; typically short, generic sentences that offer seemingly simple answers to complex questions.",
		Example:    "It is what it is, and that's all there is to say.",
		Color:      "#ffd92f", ANSI: 220,
	},
	Whataboutism: {
		Label: "Whataboutism,Straw_Men,Red_Herring", Name: "Whataboutism / straw man / red herring",
		Definition: "Whataboutism: discrediting an opponent's position by charging them with hypocrisy without directly disproving their argument. Straw man: refuting an argument that was never made, in place of the real one. Red herring: introducing irrelevant material to distract from the issue.",
		Example:    "Why worry about our pollution when the neighbouring town dumps far more?",
		Color:      "#e5c494", ANSI: 180,
	},
}

var byLabel = func() map[string]Technique {
	m := make(map[string]Technique, Count)
	for i := range infos {
		m[infos[i].Label] = Technique(i)
	}
	return m
}()

// All returns the techniques in label order.
func All() []Technique {
	out := make([]Technique, Count)
	for i := range out {
		out[i] = Technique(i)
	}
	return out
}

// Parse returns the technique whose corpus label is label.
func Parse(label string) (Technique, error) {
	t, ok := byLabel[label]
	if !ok {
		return 0, fmt.Errorf("unknown technique %q", label)
	}
	return t, nil
}

// Valid reports whether t is one of the 14 techniques.
func (t Technique) Valid() bool { return t < Count }

// Info returns the description of t. It panics if t is not valid.
func (t Technique) Info() Info { return infos[t] }

// String returns the corpus label.
func (t Technique) String() string {
	if !t.Valid() {
		return fmt.Sprintf("Technique(%d)", uint8(t))
	}
	return infos[t].Label
}

// MarshalText encodes t as its corpus label.
func (t Technique) MarshalText() ([]byte, error) {
	if !t.Valid() {
		return nil, fmt.Errorf("invalid technique %d", uint8(t))
	}
	return []byte(infos[t].Label), nil
}

// UnmarshalText decodes a corpus label.
func (t *Technique) UnmarshalText(b []byte) error {
	v, err := Parse(string(b))
	if err != nil {
		return err
	}
	*t = v
	return nil
}

// Set is a set of techniques: bit t stands for Technique t.
type Set uint16

// AllTechniques is the set of all 14 techniques.
const AllTechniques Set = 1<<Count - 1

// SetOf returns the set of the given techniques.
func SetOf(ts ...Technique) Set {
	var s Set
	for _, t := range ts {
		if t.Valid() {
			s |= 1 << t
		}
	}
	return s
}

// Has reports whether t is in s.
func (s Set) Has(t Technique) bool { return t.Valid() && s&(1<<t) != 0 }

// Valid reports whether s holds only valid techniques.
func (s Set) Valid() bool { return s&^AllTechniques == 0 }

// String lists the set's corpus labels, separated by " | " (labels
// contain commas), or "none".
func (s Set) String() string {
	var b []byte
	for t := range Technique(Count) {
		if s.Has(t) {
			if len(b) > 0 {
				b = append(b, " | "...)
			}
			b = append(b, infos[t].Label...)
		}
	}
	if len(b) == 0 {
		return "none"
	}
	return string(b)
}
