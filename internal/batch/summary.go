package batch

import (
	"cmp"
	"slices"

	"unspun/internal/technique"
)

// SourceStats aggregates the analyses of one source.
type SourceStats struct {
	Source string
	// Articles counts the articles analysed; Failed those that could not
	// be.
	Articles, Failed int
	// Words and Spans total the analysed articles' words and technique
	// fragments.
	Words, Spans int
	// FeedText counts the articles analysed from the feed's own text
	// (often a summary) rather than the linked page.
	FeedText int
	// ScoreSum totals the article scores.
	ScoreSum float64
	// Techniques counts the fragments of each technique.
	Techniques [technique.Count]int
}

// SpansPer1000 is the number of technique fragments per 1,000 words: a
// rate that, unlike a count, compares sources whose articles differ in
// length.
func (s *SourceStats) SpansPer1000() float64 {
	if s.Words == 0 {
		return 0
	}
	return 1000 * float64(s.Spans) / float64(s.Words)
}

// MeanScore is the mean article score, 0 without articles.
func (s *SourceStats) MeanScore() float64 {
	if s.Articles == 0 {
		return 0
	}
	return s.ScoreSum / float64(s.Articles)
}

// TechniqueCount is a technique with its number of fragments.
type TechniqueCount struct {
	Technique technique.Technique
	Count     int
}

// Top returns up to n techniques found, most frequent first (ties in
// technique order).
func (s *SourceStats) Top(n int) []TechniqueCount {
	var out []TechniqueCount
	for t, c := range s.Techniques {
		if c > 0 {
			out = append(out, TechniqueCount{technique.Technique(t), c})
		}
	}
	slices.SortStableFunc(out, func(a, b TechniqueCount) int { return cmp.Compare(b.Count, a.Count) })
	if len(out) > n {
		out = out[:n]
	}
	return out
}

// add folds one record into s.
func (s *SourceStats) add(r *Record) {
	if r.Err != nil {
		s.Failed++
		return
	}
	s.Articles++
	if r.FeedText {
		s.FeedText++
	}
	s.Words += r.Result.Words
	s.ScoreSum += r.Result.Score
	for _, sp := range r.Result.Spans {
		if sp.Technique.Valid() {
			s.Spans++
			s.Techniques[sp.Technique]++
		}
	}
}

// merge adds o's counts to s.
func (s *SourceStats) merge(o *SourceStats) {
	s.Articles += o.Articles
	s.Failed += o.Failed
	s.FeedText += o.FeedText
	s.Words += o.Words
	s.Spans += o.Spans
	s.ScoreSum += o.ScoreSum
	for t, c := range o.Techniques {
		s.Techniques[t] += c
	}
}

// Summary aggregates records per source, in the order sources first
// appear. The zero value is ready to use.
type Summary struct {
	sources []*SourceStats
	index   map[string]int
}

// Add folds one record into the summary.
func (s *Summary) Add(r *Record) {
	if s.index == nil {
		s.index = map[string]int{}
	}
	i, ok := s.index[r.Source]
	if !ok {
		i = len(s.sources)
		s.index[r.Source] = i
		s.sources = append(s.sources, &SourceStats{Source: r.Source})
	}
	s.sources[i].add(r)
}

// Sources returns the statistics of each source, in the order the
// sources first appeared.
func (s *Summary) Sources() []*SourceStats { return s.sources }

// Total returns the statistics of all sources together, named "all".
func (s *Summary) Total() *SourceStats {
	t := &SourceStats{Source: "all"}
	for _, src := range s.sources {
		t.merge(src)
	}
	return t
}
