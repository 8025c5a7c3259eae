package batch

import (
	"strings"
	"testing"
	"unicode/utf8"
)

const fuzzRSS = `<?xml version="1.0"?><rss version="2.0"><channel><title>Harbour  Times</title>
<item><title>One</title><link>/story/1</link><description>&lt;p&gt;A &lt;b&gt;terrible&lt;/b&gt; day.&lt;/p&gt;</description><pubDate>Mon, 02 Jan 2006 15:04:05 GMT</pubDate></item>
<item><title>Two</title><link>javascript:alert(1)</link></item></channel></rss>`

const fuzzAtom = `<feed xmlns="http://www.w3.org/2005/Atom"><title>A</title><entry><title>E</title>
<link href="https://a.example/e"/><content type="html">&lt;script&gt;x()&lt;/script&gt;Text</content><updated>2024-01-02T03:04:05Z</updated></entry></feed>`

const fuzzJSONFeed = `{"version":"https://jsonfeed.org/version/1.1","title":"J","items":[{"id":"1","url":"//j.example/1","content_html":"<p>Hi</p>"}]}`

// FuzzParseFeed: any bytes either fail with an error naming the feed or
// give items whose links are absolute http(s) URLs (or none) and whose
// titles are one line.
func FuzzParseFeed(f *testing.F) {
	for _, s := range []string{fuzzRSS, fuzzAtom, fuzzJSONFeed, "<html><body>not a feed</body></html>", "{}", "<rss><channel><item></item></channel></rss>"} {
		f.Add(s, "https://news.example/feed.xml")
		f.Add(s, "")
	}
	f.Fuzz(func(t *testing.T, data, base string) {
		items, err := parseFeed(strings.NewReader(data), "F", base)
		if err != nil {
			if !strings.Contains(err.Error(), "feed F") {
				t.Fatalf("error %q does not name the feed", err)
			}
			return
		}
		if len(items) == 0 {
			t.Fatal("no items and no error")
		}
		for _, it := range items {
			if it.URL != "" && !strings.HasPrefix(it.URL, "http://") && !strings.HasPrefix(it.URL, "https://") {
				t.Fatalf("item link %q is not an absolute http(s) URL", it.URL)
			}
			if strings.ContainsAny(it.Title, "\n\r\t") || it.ID == "" {
				t.Fatalf("item %+v", it)
			}
		}
	})
}

// FuzzHTMLText: the text of any fragment is tidy (no white space at line
// ends, at most one blank line in a row) and valid UTF-8 when its input
// is.
func FuzzHTMLText(f *testing.F) {
	for _, s := range []string{"<p>A <b>terrible</b> day.</p><p>Next&nbsp;one</p>", "<script>alert(1)</script>ok", "a<br>b<div>c</div>",
		"<style>p{}</style><p>x", "&amp;&lt;&#0;&#x110000;", "<scr<script>ipt>x</script>", "plain\n\n\n\ntext   here"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out := htmlText(s)
		if utf8.ValidString(s) && !utf8.ValidString(out) {
			t.Fatalf("invalid UTF-8 out of valid input: %q", out)
		}
		prevBlank := false
		for i, line := range strings.Split(out, "\n") {
			if line != strings.Join(strings.Fields(line), " ") {
				t.Fatalf("line %d %q is not tidy", i, line)
			}
			if line == "" && (prevBlank || i == 0) && out != "" {
				t.Fatalf("blank line %d out of place in %q", i, out)
			}
			prevBlank = line == ""
		}
		if strings.HasSuffix(out, "\n") {
			t.Fatalf("text ends with a newline: %q", out)
		}
	})
}
