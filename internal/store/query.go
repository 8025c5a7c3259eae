package store

import (
	"context"
	"database/sql"
	"fmt"
	"sort"
	"strings"
	"time"
)

// Filter selects articles. Zero fields do not filter.
type Filter struct {
	// Q is free text; every word must occur in the title or text.
	Q      string
	Source string
	// Technique is a corpus label; the article must use it at least once.
	Technique string
	// From and To bound the article's day (published, else stored),
	// inclusive, compared as dates.
	From, To time.Time
	// Reviewed, when set, keeps only the articles whose review is done
	// (true) or those without a finished review (false).
	Reviewed *bool
}

// where is f as SQL conditions on articles a, with s's placeholders.
// Statistics pass firsts to leave syndicated copies out.
func (s *Store) where(f Filter, firsts bool) (string, []any) {
	var conds []string
	var args []any
	if q := ftsQuery(f.Q); q != "" {
		if s.pg {
			conds = append(conds, "a.fts @@ websearch_to_tsquery('simple', ?)")
		} else {
			conds = append(conds, "a.id IN (SELECT rowid FROM articles_fts WHERE articles_fts MATCH ?)")
		}
		args = append(args, q)
	} else if strings.TrimSpace(f.Q) != "" {
		// Only punctuation: nothing can match.
		conds = append(conds, "1 = 0")
	}
	if firsts {
		conds = append(conds, "a.copy_of IS NULL")
	}
	if f.Reviewed != nil {
		not := ""
		if !*f.Reviewed {
			not = "NOT "
		}
		conds = append(conds, not+"EXISTS (SELECT 1 FROM reviews r WHERE r.article_id = a.id AND r.done = ?)")
		args = append(args, true)
	}
	if f.Source != "" {
		conds = append(conds, "a.source = ?")
		args = append(args, f.Source)
	}
	if f.Technique != "" {
		conds = append(conds, "EXISTS (SELECT 1 FROM spans s WHERE s.article_id = a.id AND s.technique = ?)")
		args = append(args, f.Technique)
	}
	if !f.From.IsZero() {
		conds = append(conds, "a.day >= ?")
		args = append(args, f.From.Format(time.DateOnly))
	}
	if !f.To.IsZero() {
		conds = append(conds, "a.day <= ?")
		args = append(args, f.To.Format(time.DateOnly))
	}
	if len(conds) == 0 {
		return "", nil
	}
	return s.q(" WHERE " + strings.Join(conds, " AND ")), args
}

// List returns one page (counting from 1) of the articles f selects, newest
// first, and the number of articles f selects in all.
func (s *Store) List(ctx context.Context, f Filter, page, perPage int) ([]Summary, int, error) {
	if page < 1 {
		page = 1
	}
	if perPage < 1 {
		perPage = 20
	}
	where, args := s.where(f, false)
	var total int
	if err := s.r.QueryRowContext(ctx, "SELECT count(*) FROM articles a"+where, args...).Scan(&total); err != nil {
		return nil, 0, s.classify("count articles", err)
	}
	rows, err := s.r.QueryContext(ctx, `SELECT a.id, a.title, a.source, a.url, a.published, a.created, a.words, a.score, a.copy_of
		FROM articles a`+where+fmt.Sprintf(` ORDER BY a.day DESC, a.id DESC LIMIT %d OFFSET %d`, perPage, (page-1)*perPage),
		args...)
	if err != nil {
		return nil, 0, s.classify("list articles", err)
	}
	defer rows.Close()
	out := []Summary{}
	byID := map[int64]int{}
	for rows.Next() {
		var sm Summary
		var published sql.NullString
		var copyOf sql.NullInt64
		var created string
		if err := rows.Scan(&sm.ID, &sm.Title, &sm.Source, &sm.URL, &published, &created, &sm.Words, &sm.Score, &copyOf); err != nil {
			return nil, 0, s.classify("list articles", err)
		}
		sm.Created, sm.CopyOf = parseTime(created), copyOf.Int64
		if published.Valid {
			if t, err := time.Parse(time.RFC3339, published.String); err == nil {
				sm.Published = &t
			}
		}
		sm.Techniques = map[string]int{}
		byID[sm.ID] = len(out)
		out = append(out, sm)
	}
	if err := rows.Err(); err != nil {
		return nil, 0, s.classify("list articles", err)
	}
	rows.Close()
	if len(out) == 0 {
		return out, total, nil
	}
	ids := make([]string, len(out))
	for i, sm := range out {
		ids[i] = fmt.Sprint(sm.ID)
	}
	trows, err := s.r.QueryContext(ctx, `SELECT article_id, technique, count(*) FROM spans
		WHERE article_id IN (`+strings.Join(ids, ",")+`) GROUP BY article_id, technique`)
	if err != nil {
		return nil, 0, s.classify("count techniques", err)
	}
	defer trows.Close()
	for trows.Next() {
		var id int64
		var tech string
		var n int
		if err := trows.Scan(&id, &tech, &n); err != nil {
			return nil, 0, s.classify("count techniques", err)
		}
		sm := &out[byID[id]]
		sm.Techniques[tech] = n
		sm.Spans += n
	}
	return out, total, trows.Err()
}

// Stat is one group of articles in the statistics.
type Stat struct {
	// Key is the source, technique label or day (YYYY-MM-DD).
	Key      string `json:"key"`
	Articles int    `json:"articles"`
	// Words is the number of words in the group's articles.
	Words int `json:"words"`
	// Spans is the number of technique spans in the group.
	Spans int `json:"spans"`
	// Rate is Spans per 1,000 Words.
	Rate float64 `json:"rate"`
	// Techniques counts spans per technique label.
	Techniques map[string]int `json:"techniques,omitempty"`
	// TechniqueRates is Techniques per 1,000 Words.
	TechniqueRates map[string]float64 `json:"technique_rates,omitempty"`
}

// Grouping names how Stats groups articles.
type Grouping string

// The groupings Stats accepts.
const (
	BySource    Grouping = "source"
	ByTechnique Grouping = "technique"
	ByDay       Grouping = "day"
)

// Stats counts the articles f selects, grouped by g, each text once: a
// syndicated copy (CopyOf set) is counted with its first article only. For
// ByTechnique, Words is the words of all selected articles, so rates
// compare across techniques; Articles counts those that use the technique.
func (s *Store) Stats(ctx context.Context, g Grouping, f Filter) ([]Stat, error) {
	where, args := s.where(f, true)
	var key string
	switch g {
	case BySource:
		key = "a.source"
	case ByDay:
		key = "a.day"
	case ByTechnique:
		return s.techniqueStats(ctx, where, args)
	default:
		return nil, fmt.Errorf("store: unknown grouping %q (want source, technique or day)", g)
	}
	rows, err := s.r.QueryContext(ctx, "SELECT "+key+", count(*), coalesce(sum(a.words), 0) FROM articles a"+where+
		" GROUP BY 1", args...)
	if err != nil {
		return nil, s.classify("stats by "+string(g), err)
	}
	var out []Stat
	idx := map[string]int{}
	for rows.Next() {
		st := Stat{Techniques: map[string]int{}, TechniqueRates: map[string]float64{}}
		if err := rows.Scan(&st.Key, &st.Articles, &st.Words); err != nil {
			rows.Close()
			return nil, s.classify("stats by "+string(g), err)
		}
		idx[st.Key] = len(out)
		out = append(out, st)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, s.classify("stats by "+string(g), err)
	}
	trows, err := s.r.QueryContext(ctx, "SELECT "+key+", s.technique, count(*) FROM articles a JOIN spans s ON s.article_id = a.id"+
		where+" GROUP BY 1, 2", args...)
	if err != nil {
		return nil, s.classify("stats by "+string(g), err)
	}
	defer trows.Close()
	for trows.Next() {
		var k, tech string
		var n int
		if err := trows.Scan(&k, &tech, &n); err != nil {
			return nil, s.classify("stats by "+string(g), err)
		}
		if i, ok := idx[k]; ok {
			out[i].Techniques[tech] = n
			out[i].Spans += n
		}
	}
	if err := trows.Err(); err != nil {
		return nil, s.classify("stats by "+string(g), err)
	}
	for i := range out {
		st := &out[i]
		st.Rate = per1000(st.Spans, st.Words)
		for t, n := range st.Techniques {
			st.TechniqueRates[t] = per1000(n, st.Words)
		}
	}
	if out == nil {
		out = []Stat{}
	}
	// Sorted here, not in SQL: PostgreSQL's collation may order text
	// unlike SQLite's byte order.
	sort.Slice(out, func(i, j int) bool { return out[i].Key < out[j].Key })
	return out, nil
}

func (s *Store) techniqueStats(ctx context.Context, where string, args []any) ([]Stat, error) {
	var words int
	if err := s.r.QueryRowContext(ctx, "SELECT coalesce(sum(a.words), 0) FROM articles a"+where, args...).Scan(&words); err != nil {
		return nil, s.classify("stats by technique", err)
	}
	rows, err := s.r.QueryContext(ctx, "SELECT s.technique, count(DISTINCT a.id), count(*) FROM articles a JOIN spans s ON s.article_id = a.id"+
		where+" GROUP BY 1", args...)
	if err != nil {
		return nil, s.classify("stats by technique", err)
	}
	defer rows.Close()
	out := []Stat{}
	for rows.Next() {
		st := Stat{Words: words}
		if err := rows.Scan(&st.Key, &st.Articles, &st.Spans); err != nil {
			return nil, s.classify("stats by technique", err)
		}
		st.Rate = per1000(st.Spans, words)
		out = append(out, st)
	}
	if err := rows.Err(); err != nil {
		return nil, s.classify("stats by technique", err)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Spans != out[j].Spans {
			return out[i].Spans > out[j].Spans
		}
		return out[i].Key < out[j].Key
	})
	return out, nil
}

func per1000(n, words int) float64 {
	if words == 0 {
		return 0
	}
	return float64(n) * 1000 / float64(words)
}
