package web

import (
	"cmp"
	"slices"
	"strings"

	"unspun/internal/analysis"
)

// TopTargetsPerSource is how many of a source's most-labelled targets the
// dashboard lists.
const TopTargetsPerSource = 5

// Labelled is an analysed article's source and result, what TopTargets
// counts.
type Labelled struct {
	Source string
	Result *analysis.Result
}

// TargetCount is how many labelling fragments attach to one target.
type TargetCount struct {
	Target string
	Count  int
}

// SourceTargets are a source's most-labelled targets, most first.
type SourceTargets struct {
	Source  string
	Targets []TargetCount
}

// TopTargets counts, per source, the targets of the fragments that label
// someone (analysis.Span.Target) and keeps each source's n most labelled.
// Targets are counted without regard to case and shown as most often
// written; sources come in name order.
func TopTargets(articles []Labelled, n int) []SourceTargets {
	type tally struct {
		count int
		forms map[string]int
	}
	bySource := map[string]map[string]*tally{}
	for _, a := range articles {
		if a.Result == nil {
			continue
		}
		for _, s := range a.Result.Spans {
			t := strings.Join(strings.Fields(s.Target), " ")
			if t == "" {
				continue
			}
			m := bySource[a.Source]
			if m == nil {
				m = map[string]*tally{}
				bySource[a.Source] = m
			}
			key := strings.ToLower(t)
			if m[key] == nil {
				m[key] = &tally{forms: map[string]int{}}
			}
			m[key].count++
			m[key].forms[t]++
		}
	}
	out := make([]SourceTargets, 0, len(bySource))
	for src, m := range bySource {
		st := SourceTargets{Source: src}
		for _, tl := range m {
			form, best := "", 0
			for f, c := range tl.forms {
				if c > best || (c == best && f < form) {
					form, best = f, c
				}
			}
			st.Targets = append(st.Targets, TargetCount{Target: form, Count: tl.count})
		}
		slices.SortFunc(st.Targets, func(a, b TargetCount) int {
			return cmp.Or(cmp.Compare(b.Count, a.Count), cmp.Compare(a.Target, b.Target))
		})
		if len(st.Targets) > n {
			st.Targets = st.Targets[:n]
		}
		out = append(out, st)
	}
	slices.SortFunc(out, func(a, b SourceTargets) int { return cmp.Compare(a.Source, b.Source) })
	return out
}
