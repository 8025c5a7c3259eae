package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"
)

// Review is a person's reading of an article's techniques: the spans they
// kept, corrected or added, which may overlap, and two techniques may mark
// one fragment.
type Review struct {
	ArticleID int64
	Reviewer  string
	// Done is set when the reviewer has finished; until then the review
	// is a draft and the article stays in the queue.
	Done bool
	// Model is the model version whose spans the reviewer started from.
	Model   string
	Updated time.Time
	Spans   []ReviewSpan
}

// ReviewSpan is one fragment of a review, in code points of the article's
// text.
type ReviewSpan struct {
	Start, End int
	Technique  string
}

// Review returns article id's review: ErrNotFound when the article is
// not stored, an empty Review (zero Updated) when it is not reviewed.
func (s *Store) Review(ctx context.Context, id int64) (*Review, error) {
	var one int
	err := s.r.QueryRowContext(ctx, s.q("SELECT 1 FROM articles WHERE id = ?"), id).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("store: article %d: %w", id, ErrNotFound)
	}
	if err != nil {
		return nil, s.classify(fmt.Sprintf("review of article %d", id), err)
	}
	rs, err := s.reviews(ctx, "WHERE r.article_id = ?", id)
	if err != nil {
		return nil, err
	}
	if len(rs) == 0 {
		return &Review{ArticleID: id}, nil
	}
	return &rs[0], nil
}

// Reviews returns every stored review, by article id.
func (s *Store) Reviews(ctx context.Context) ([]Review, error) {
	return s.reviews(ctx, "")
}

func (s *Store) reviews(ctx context.Context, where string, args ...any) ([]Review, error) {
	rows, err := s.r.QueryContext(ctx, s.q("SELECT r.article_id, r.reviewer, r.done, r.model, r.updated FROM reviews r "+where+
		" ORDER BY r.article_id"), args...)
	if err != nil {
		return nil, s.classify("list reviews", err)
	}
	var out []Review
	idx := map[int64]int{}
	for rows.Next() {
		var r Review
		var updated string
		if err := rows.Scan(&r.ArticleID, &r.Reviewer, &r.Done, &r.Model, &updated); err != nil {
			rows.Close()
			return nil, s.classify("list reviews", err)
		}
		r.Updated = parseTime(updated)
		r.Spans = []ReviewSpan{}
		idx[r.ArticleID] = len(out)
		out = append(out, r)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, s.classify("list reviews", err)
	}
	if len(out) == 0 {
		return []Review{}, nil
	}
	srows, err := s.r.QueryContext(ctx, s.q(`SELECT r.article_id, r.start, r."end", r.technique FROM review_spans r `+where+
		` ORDER BY r.article_id, r.start, r."end", r.technique`), args...)
	if err != nil {
		return nil, s.classify("list review spans", err)
	}
	defer srows.Close()
	for srows.Next() {
		var id int64
		var sp ReviewSpan
		if err := srows.Scan(&id, &sp.Start, &sp.End, &sp.Technique); err != nil {
			return nil, s.classify("list review spans", err)
		}
		if i, ok := idx[id]; ok {
			out[i].Spans = append(out[i].Spans, sp)
		}
	}
	return out, s.classify("list review spans", srows.Err())
}

// PutReview replaces article id's review with r, spans and all, in one
// transaction; r.ArticleID is ignored and a zero r.Updated means now. A
// span must lie inside the article's text (0 ≤ Start < End ≤ its length
// in code points) and name a technique; otherwise PutReview stores
// nothing and returns an error wrapping ErrInvalid.
func (s *Store) PutReview(ctx context.Context, id int64, r Review) error {
	if r.Updated.IsZero() {
		r.Updated = time.Now()
	}
	return s.write(ctx, fmt.Sprintf("save review of article %d", id), func(tx *sql.Tx) error {
		var text string
		err := tx.QueryRowContext(ctx, s.q("SELECT text FROM articles WHERE id = ?"), id).Scan(&text)
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("store: article %d: %w", id, ErrNotFound)
		}
		if err != nil {
			return err
		}
		n := utf8.RuneCountInString(text)
		for i, sp := range r.Spans {
			if sp.Start < 0 || sp.End <= sp.Start || sp.End > n || strings.TrimSpace(sp.Technique) == "" {
				return fmt.Errorf("store: review of article %d: span %d (%d–%d %q): %w: want 0 ≤ start < end ≤ %d and a technique",
					id, i+1, sp.Start, sp.End, sp.Technique, ErrInvalid, n)
			}
		}
		if _, err := tx.ExecContext(ctx, s.q(`INSERT INTO reviews (article_id, reviewer, done, model, updated) VALUES (?,?,?,?,?)
			ON CONFLICT (article_id) DO UPDATE SET reviewer = excluded.reviewer, done = excluded.done,
			model = excluded.model, updated = excluded.updated`), id, r.Reviewer, r.Done, r.Model, timeText(r.Updated)); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, s.q("DELETE FROM review_spans WHERE article_id = ?"), id); err != nil {
			return err
		}
		if len(r.Spans) == 0 {
			return nil
		}
		st, err := tx.PrepareContext(ctx, s.q(`INSERT INTO review_spans (article_id, start, "end", technique) VALUES (?,?,?,?)`))
		if err != nil {
			return err
		}
		defer st.Close()
		for _, sp := range r.Spans {
			if _, err := st.ExecContext(ctx, id, sp.Start, sp.End, sp.Technique); err != nil {
				return err
			}
		}
		return nil
	})
}
