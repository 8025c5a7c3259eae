package exchange

import "fmt"

// Row is one fragment of the one-a-row formats (JSONL and CSV), for
// spreadsheets and scripts.
type Row struct {
	Article    string  `json:"article"`
	Start      int     `json:"start"`
	End        int     `json:"end"`
	Technique  string  `json:"technique"`
	Text       string  `json:"text"`
	Confidence float64 `json:"confidence"`
	// Source is "annotation" (a person's: the corpus's label or a
	// review) or "model".
	Source string `json:"source"`
}

// Rows returns an article's fragments as rows: the person's labels when
// annotated, then the model's predictions, each in order.
func Rows(a *Article) ([]Row, error) {
	t := newText(a.Text)
	var out []Row
	add := func(frags []Fragment, source string) error {
		for _, f := range frags {
			if err := t.check(f.Start, f.End); err != nil {
				return fmt.Errorf("article %s: %w", a.ID, err)
			}
			out = append(out, Row{Article: a.ID, Start: f.Start, End: f.End, Technique: f.Technique.String(),
				Text: t.slice(f.Start, f.End), Confidence: f.Confidence, Source: source})
		}
		return nil
	}
	if a.Annotated {
		if err := add(a.Labels, "annotation"); err != nil {
			return nil, err
		}
	}
	if err := add(a.Predictions, "model"); err != nil {
		return nil, err
	}
	return out, nil
}
