package analyze

import (
	"cmp"
	"context"
	"errors"
	"math"
	"slices"
	"strings"
	"sync"
	"unicode/utf8"
	"unspun/internal/analysis"

	"unspun/internal/cue"
	"unspun/internal/doc"
	"unspun/internal/lexicon"
	"unspun/internal/model"
	"unspun/internal/quotes"
	"unspun/internal/si"
	"unspun/internal/tc"
	"unspun/internal/words"
)

// maxCues is the most cues a span reports.
const maxCues = cue.Max

// maxAlternatives is the most alternative techniques a span reports.
const maxAlternatives = 2

// minAlternative is the least confidence an alternative needs to be worth
// showing.
const minAlternative = 0.05

// Analyzer runs the pipeline with one model. It is safe for concurrent
// use.
type Analyzer struct {
	m *model.Model
	// docs and tables are documents and word tables whose memory the
	// next analysis reuses (doc.Document.Reset, words.Table.Fill): a new
	// one was memory the collector had freed long before, out of the
	// processor's caches, and writing an article's words into it was a
	// cache miss every 64 bytes.
	docs   pool[doc.Document]
	tables pool[words.Table]
}

// pool keeps values of T for reuse, unless they are large (see
// maxPooledWords): a *T from get is new or one put back.
type pool[T any] struct{ p sync.Pool }

func (p *pool[T]) get() *T {
	if v, ok := p.p.Get().(*T); ok {
		return v
	}
	return new(T)
}

// put keeps v for a later get unless it has room for more than
// maxPooledWords words.
func (p *pool[T]) put(v *T, words int) {
	if words <= maxPooledWords {
		p.p.Put(v)
	}
}

// maxPooledWords is the most words a document or word table may have
// room for to be kept for the next analysis: a long text's (a 2 MB one
// has 400,000) would hold tens of megabytes until the collector dropped
// the pool.
const maxPooledWords = 1 << 15

// New returns an Analyzer using m, which must have SI and TC parts. A model
// without a sentence calibration (model.Model.Sentence) gets raw sentence
// scores.
func New(m *model.Model) *Analyzer {
	return &Analyzer{m: m}
}

// Default returns an Analyzer using the model built into the binary.
func Default() (*Analyzer, error) {
	m, err := model.Embedded()
	if err != nil {
		return nil, err
	}
	return New(m), nil
}

// Model returns the analyzer's model.
func (a *Analyzer) Model() *model.Model { return a.m }

// Options choose what an analysis computes beyond the spans and scores.
type Options struct {
	// NoCues leaves every span's Cues empty, for outputs that never print
	// them: wording them is about a tenth of the analysis.
	NoCues bool
}

// Analyze runs the whole pipeline on one article: its quotes and speakers,
// the fragments that use a technique, each fragment's technique with a
// confidence, cues and voice, and the sentence and article scores. id
// names the article (it may be empty). Offsets in the result are code
// points into text. The pipeline checks ctx between sentences and between
// spans and returns ctx.Err() soon after ctx is done.
func (a *Analyzer) Analyze(ctx context.Context, id, text string) (*analysis.Result, error) {
	return a.AnalyzeWith(ctx, id, text, Options{})
}

// AnalyzeWith is Analyze with options.
func (a *Analyzer) AnalyzeWith(ctx context.Context, id, text string, opt Options) (*analysis.Result, error) {
	if len(text) > analysis.MaxBytes {
		return nil, analysis.ErrTooLarge
	}
	if strings.TrimSpace(text) == "" {
		return nil, analysis.ErrEmpty
	}
	if !utf8.ValidString(text) {
		return nil, analysis.ErrInvalidUTF8
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	d := a.docs.get()
	defer func() { a.docs.put(d, cap(d.Words)) }()
	d.Reset(id, text)
	return a.AnalyzeDocWith(ctx, d, opt)
}

// AnalyzeDoc is Analyze on a segmented document, for callers (training,
// evaluation, benchmarks) that have one already.
func (a *Analyzer) AnalyzeDoc(ctx context.Context, d *doc.Document) (*analysis.Result, error) {
	return a.AnalyzeDocWith(ctx, d, Options{})
}

// AnalyzeDocWith is AnalyzeDoc with options.
func (a *Analyzer) AnalyzeDocWith(ctx context.Context, d *doc.Document, opt Options) (*analysis.Result, error) {
	if a.m == nil || a.m.SI == nil || a.m.TC == nil {
		return nil, errors.New("analyze: the analyzer has no model")
	}
	// The models read the document without its foreign paragraphs and
	// byline (see leftOut); offsets, and the text the result quotes, are
	// the original's.
	orig := d
	d, skipped := leftOut(d)
	qs := quotes.Find(d)
	res := &analysis.Result{
		Text:    orig.Text,
		Quotes:  make([]analysis.Quote, len(qs)),
		Words:   countWords(d),
		Model:   a.m.Version,
		Skipped: skipped,
	}
	for i, q := range qs {
		res.Quotes[i] = analysis.Quote{Start: q.Start, End: q.End, Speaker: q.Speaker}
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	// One word table for the taggers and the classifier: each word is
	// normalised, stemmed and looked up in the lexicons and the vectors
	// once.
	tab := a.tables.get()
	defer func() { a.tables.put(tab, cap(tab.Words)) }()
	a.m.SI.FillWords(tab, d)
	tagged, err := a.m.SI.Tagging(ctx, d, tab, !opt.NoCues)
	if err != nil {
		return nil, err
	}
	found := tagged.Spans
	slices.SortStableFunc(found, func(x, y si.Span) int { return cmp.Compare(x.Start, y.Start) })
	res.Spans = make([]analysis.Span, 0, len(found))
	art := a.m.TC.ArticleOf(d, tab)
	for _, s := range found {
		if s.End <= s.Start {
			continue
		}
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		var p tc.Prediction
		if opt.NoCues {
			p = art.Probabilities(s.Start, s.End)
		} else {
			p = art.Classify(s.Start, s.End)
		}
		ranked := p.Ranked()
		sp := analysis.Span{
			Start:      s.Start,
			End:        s.End,
			Text:       orig.Slice(s.Start, s.End),
			Technique:  ranked[0],
			Confidence: round(clamp01(s.Score) * p.Probs[ranked[0]]),
			Voice:      "author",
			Cues:       []string{},
		}
		q := speechOf(d, qs, s.Start, s.End)
		if q >= 0 {
			sp.Voice = "quote"
			sp.Speaker = qs[q].Speaker
		}
		if !opt.NoCues {
			f := cue.Fragment{Doc: d, Words: tab, Start: s.Start, End: s.End, Speech: q >= 0, Speaker: sp.Speaker, Recurs: art}
			sp.Cues = cue.Merge(&f, p.Cues, s.Cues)
		}
		given := p.Techniques()
		for _, t := range given {
			sp.Techniques = append(sp.Techniques, analysis.Alternative{Technique: t, Confidence: round(clamp01(s.Score) * p.Probs[t])})
		}
		for _, t := range ranked[len(given):] {
			c := round(clamp01(s.Score) * p.Probs[t])
			if len(sp.Alternatives) == maxAlternatives || c < minAlternative {
				break
			}
			sp.Alternatives = append(sp.Alternatives, analysis.Alternative{Technique: t, Confidence: c})
		}
		res.Spans = append(res.Spans, sp)
	}
	res.Sentences, res.Score = a.sentenceScores(d, tab, found, tagged.Prob)
	attributeRegions(d, res)
	setTargets(d, res)
	return res, nil
}

// speechOf returns the index in qs of the quoted speech holding most of
// [start, end), or -1 when most of it is the author's. The region is
// doc's (Document.QuoteOf), the one the features and cues read; it is
// speech unless quotes found it a scare quote.
func speechOf(d *doc.Document, qs []quotes.Quote, start, end int) int {
	k := d.QuoteOf(start, end)
	if k < 0 {
		return -1
	}
	r := d.Quotes[k]
	i, ok := slices.BinarySearchFunc(qs, r.Start, func(q quotes.Quote, cp int) int { return cmp.Compare(q.Start, cp) })
	if !ok || qs[i].End != r.End {
		return -1
	}
	return i
}

func countWords(d *doc.Document) int {
	n := 0
	for _, w := range d.Words {
		if lexicon.IsWord(w.Text) {
			n++
		}
	}
	return n
}

func clamp01(x float64) float64 {
	if !(x > 0) {
		return 0
	}
	return min(x, 1)
}

// round keeps four decimals: more would be noise in a probability, and
// short numbers keep the JSON readable.
func round(x float64) float64 { return math.Round(x*1e4) / 1e4 }

// Fragment is a span the tagger found, before classification.
type Fragment struct {
	Start, End int
	// Score is the tagger's probability that the fragment uses some
	// technique.
	Score float64
}

// Fragments returns the fragments of d that use a technique, in text order
// (SemEval-2020 Task 11 span identification): those the analysis finds,
// without its foreign paragraphs and byline (see leftOut).
func (a *Analyzer) Fragments(d *doc.Document) []Fragment {
	d, _ = leftOut(d)
	found := a.m.SI.Locate(d)
	out := make([]Fragment, 0, len(found))
	for _, s := range found {
		if s.End > s.Start {
			out = append(out, Fragment{Start: s.Start, End: s.End, Score: s.Score})
		}
	}
	return out
}

// Techniques returns every technique for the fragment [start, end) of d
// with its probability, most likely first (SemEval-2020 Task 11 technique
// classification).
func (a *Analyzer) Techniques(d *doc.Document, start, end int) []analysis.Alternative {
	p := a.m.TC.Probabilities(d, start, end)
	ranked := p.Ranked()
	out := make([]analysis.Alternative, len(ranked))
	for i, t := range ranked {
		out[i] = analysis.Alternative{Technique: t, Confidence: p.Probs[t]}
	}
	return out
}
