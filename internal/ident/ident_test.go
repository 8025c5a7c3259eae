package ident

import (
	"errors"
	"fmt"
	"testing"
)

func TestCanonicalURL(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"https://example.com/a", "https://example.com/a"},
		{"HTTPS://Example.COM/Path/Case", "https://example.com/Path/Case"},
		{"http://example.com:80/a", "http://example.com/a"},
		{"https://example.com:443/a", "https://example.com/a"},
		{"https://example.com:8443/a", "https://example.com:8443/a"},
		{"http://example.com:443/a", "http://example.com:443/a"},
		{"https://example.com", "https://example.com/"},
		{"https://example.com./a", "https://example.com/a"},
		{"https://example.com/a#comments", "https://example.com/a"},
		{"https://example.com/a?utm_source=x&utm_medium=y&UTM_Campaign=z", "https://example.com/a"},
		{"https://example.com/a?fbclid=1&gclid=2&mc_cid=3&mc_eid=4&igshid=5", "https://example.com/a"},
		{"https://example.com/a?b=2&a=1&utm_term=t", "https://example.com/a?a=1&b=2"},
		{"https://example.com/a?k=2&j=0&k=1", "https://example.com/a?j=0&k=2&k=1"},
		{"https://example.com/a?", "https://example.com/a"},
		{"https://example.com/search?q=a+b&p=1", "https://example.com/search?p=1&q=a+b"},
		{"  https://example.com/a  ", "https://example.com/a"},
		{"https://[2001:DB8::1]:443/a", "https://[2001:db8::1]/a"},
		{"https://[2001:db8::1]:8080/a", "https://[2001:db8::1]:8080/a"},
		{"https://example.com/caf%C3%A9", "https://example.com/caf%C3%A9"},
	} {
		got, err := CanonicalURL(tc.in)
		if err != nil {
			t.Errorf("CanonicalURL(%q): %v", tc.in, err)
			continue
		}
		if got != tc.want {
			t.Errorf("CanonicalURL(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestCanonicalURLErrors(t *testing.T) {
	for _, in := range []string{"", "example.com/a", "/a/b", "ftp://example.com/a", "mailto:a@example.com",
		"https://", "https://:80/a", "http://exa mple.com/", "%zz"} {
		if got, err := CanonicalURL(in); !errors.Is(err, ErrURL) {
			t.Errorf("CanonicalURL(%q) = %q, %v; want ErrURL", in, got, err)
		}
	}
}

func TestTextHash(t *testing.T) {
	base := TextHash("The regime lies.\nAgain.")
	for _, tc := range []struct {
		name, text string
		same       bool
	}{
		{"identical", "The regime lies.\nAgain.", true},
		{"CRLF", "The regime lies.\r\nAgain.", true},
		{"re-wrapped", "  The regime\tlies.   Again.\n\n", true},
		{"case differs", "the regime lies.\nagain.", false},
		{"word differs", "The regime lied.\nAgain.", false},
	} {
		if got := TextHash(tc.text) == base; got != tc.same {
			t.Errorf("%s: same hash = %v, want %v", tc.name, got, tc.same)
		}
	}
	if TextHash("caf\u00e9") != TextHash("cafe\u0301") {
		t.Error("NFC and NFD forms of one text hash differently")
	}
	if h := TextHash(""); len(h) != 64 {
		t.Errorf("TextHash(\"\") = %q, want 64 hex digits", h)
	}
}

func TestOf(t *testing.T) {
	for _, tc := range []struct{ url, text, want string }{
		{"https://Example.com/a?utm_source=x", "body", "url:https://example.com/a"},
		{"", "body", "text:" + TextHash("body")},
		{"   ", "body", "text:" + TextHash("body")},
		{"not a url", "body", "text:" + TextHash("body")},
	} {
		if got := Of(tc.url, tc.text); got != tc.want {
			t.Errorf("Of(%q, %q) = %q, want %q", tc.url, tc.text, got, tc.want)
		}
	}
}

func ExampleCanonicalURL() {
	u, err := CanonicalURL("HTTPS://News.Example.com:443/world/story?utm_source=feed&id=7&fbclid=abc#top")
	fmt.Println(u, err)
	// Output: https://news.example.com/world/story?id=7 <nil>
}

func ExampleOf() {
	fmt.Println(Of("http://example.com/a?b=1&a=2", "ignored when there is a URL"))
	fmt.Println(Of("", "Pasted text")[:13])
	// Output:
	// url:http://example.com/a?a=2&b=1
	// text:39cfc32b
}
