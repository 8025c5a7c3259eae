package fetch

import (
	"errors"
	"net/url"
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzExtract: readable-article extraction of any page either fails with
// ErrNoText or gives trimmed, valid UTF-8 text and one-line metadata.
func FuzzExtract(f *testing.F) {
	for _, s := range []string{
		`<html><head><title>Harbour story</title><meta property="og:site_name" content="Harbour Times"><meta property="article:published_time" content="2024-02-03T08:00:00Z"></head><body><article><p>The harbour board met on Monday and everyone agreed the delays had to end before the summer season began.</p><p>Officials said the new cranes would arrive in April.</p></article></body></html>`,
		`<html><body><script>alert(1)</script><div><p>` + strings.Repeat("Some words here. ", 40) + `</p></div></body></html>`,
		`<p>short</p>`, ``, `<html><body><table><tr><td>` + strings.Repeat("<div>", 200) + `deep</td></tr></table>`,
		"<html><body><p>\xff\xfe invalid bytes and a NUL \x00 in text, long enough to be an article perhaps.</p></body></html>",
	} {
		f.Add([]byte(s))
	}
	u, _ := url.Parse("https://news.example/story")
	f.Fuzz(func(t *testing.T, body []byte) {
		var p Page
		if err := extract(&p, body, u); err != nil {
			if !errors.Is(err, ErrNoText) {
				t.Fatalf("error %v is not ErrNoText", err)
			}
			return
		}
		if !utf8.ValidString(p.Text) || p.Text != strings.TrimSpace(p.Text) {
			t.Fatalf("text %q is not trimmed valid UTF-8", p.Text)
		}
		if p.Title != strings.TrimSpace(p.Title) || p.Byline != strings.TrimSpace(p.Byline) {
			t.Fatalf("metadata not trimmed: %q %q", p.Title, p.Byline)
		}
	})
}
