package analyze

import (
	"testing"

	"unspun/internal/doc"
)

func TestBylines(t *testing.T) {
	text := "Corrupt thugs rule\n\nBy Jane Doe and John Roe\n\nBy all accounts the corrupt thugs lie.\n"
	d := doc.New("b", text)
	got := bylines(d)
	if len(got) != 1 || d.TextOf(got[0]) != "By Jane Doe and John Roe" {
		var texts []string
		for _, l := range got {
			texts = append(texts, d.TextOf(l))
		}
		t.Errorf("bylines %q, want only the credit line", texts)
	}
}
