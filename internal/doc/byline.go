package doc

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// maxBylineWords bounds a byline: "By" and a few names, an agency, a date.
const maxBylineWords = 16

// bylineLinks are the lower-case words a byline may hold between names.
var bylineLinks = map[string]bool{
	"and": true, "&": true, "de": true, "da": true, "van": true, "von": true, "der": true, "den": true,
	"la": true, "le": true, "al": true, "el": true, "bin": true, "ibn": true, "of": true, "the": true,
	"in": true, "for": true, "at": true, "on": true, "|": true, "-": true, "–": true, "—": true, "·": true,
	"updated": true, "published": true, "posted": true, "a.m.": true, "p.m.": true, "am": true, "pm": true,
}

// IsByline reports whether a line p is a byline: "By" followed only by names
// (capitalised words and the links between them), an agency, a date or
// a time — no sentence. Bylines are not article text: fetch drops them
// from a page, and analyze reports no fragment in one.
func IsByline(p string) bool {
	ws := strings.Fields(p)
	if len(ws) < 2 || len(ws) > maxBylineWords || (ws[0] != "By" && ws[0] != "BY" && ws[0] != "by") {
		return false
	}
	for _, w := range ws[1:] {
		t := strings.Trim(w, ",;:()[]")
		if t == "" || bylineLinks[strings.ToLower(t)] || IsNumeric(t) {
			continue
		}
		// "al-Rashid", "bin-Salman": a lower-case particle joined to a name.
		if prefix, name, ok := strings.Cut(t, "-"); ok && bylineLinks[prefix] {
			t = name
		}
		r, _ := utf8.DecodeRuneInString(t)
		if !unicode.IsUpper(r) {
			return false
		}
	}
	r, _ := utf8.DecodeRuneInString(strings.Trim(ws[1], ",;:()[]"))
	return unicode.IsUpper(r)
}

// IsNumeric reports whether t is a number, a time or an ordinal ("5",
// "10:30", "2019", "5th").
func IsNumeric(t string) bool {
	t = strings.TrimRight(t, ".")
	for _, suf := range []string{"st", "nd", "rd", "th", "am", "pm"} {
		t = strings.TrimSuffix(t, suf)
	}
	if t == "" {
		return false
	}
	for _, r := range t {
		if !unicode.IsDigit(r) && r != ':' && r != '.' && r != '/' && r != '-' {
			return false
		}
	}
	return unicode.IsDigit(rune(t[0]))
}
