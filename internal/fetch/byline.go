package fetch

import (
	"regexp"
	"strings"
	"unicode"
	"unspun/internal/doc"
)

// articleText lays out an extracted article the way the corpus lays out
// its articles, so that the models see what they were trained on: the
// headline on line 1, a blank line, then the body. The lines a news page
// puts above the story that are not part of it — the byline ("By Jane Doe,
// Reuters"), a date line ("Jan. 5, 2019"), the headline repeated — are
// dropped, and so is the dateline that opens the first paragraph
// ("WASHINGTON (Reuters) —"). It returns the text, the headline and the
// byline it dropped ("" when none).
func articleText(title, site, body string) (text, headline, byline string) {
	headline = cleanTitle(title, site)
	paras := strings.Split(body, "\n\n")
	// Only what comes before the story's first paragraph is looked at,
	// and one paragraph always stays.
	for len(paras) > 1 {
		p := strings.TrimSpace(paras[0])
		if doc.IsByline(p) {
			if byline == "" {
				byline = strings.TrimSpace(p[len("by"):])
			}
		} else if p != "" && !isDateLine(p) && (headline == "" || !sameWords(p, headline)) {
			break
		}
		paras = paras[1:]
	}
	paras[0] = stripDateline(paras[0])
	text = strings.TrimSpace(strings.Join(paras, "\n\n"))
	if headline != "" && text != "" {
		text = headline + "\n\n" + text
	}
	return text, headline, byline
}

// titleSeparators split a page title into the headline and the site's
// name ("Council backs plan | Daily Example").
var titleSeparators = []string{" | ", " - ", " – ", " — ", " :: ", " · "}

// cleanTitle drops a site name appended to or put before the headline of
// a page title, keeping the part with the headline: the one that is not
// the site's name, or else the longest.
func cleanTitle(title, site string) string {
	title = strings.Join(strings.Fields(title), " ")
	for _, sep := range titleSeparators {
		parts := strings.Split(title, sep)
		if len(parts) < 2 {
			continue
		}
		best := ""
		for _, p := range parts {
			p = strings.TrimSpace(p)
			if strings.EqualFold(p, site) {
				continue
			}
			if len(strings.Fields(p)) > len(strings.Fields(best)) {
				best = p
			}
		}
		if len(strings.Fields(best)) >= 3 {
			title = best
		}
	}
	return title
}

// sameWords reports whether a and b have the same words, ignoring case
// and punctuation.
func sameWords(a, b string) bool {
	return strings.EqualFold(strings.Join(wordsOf(a), " "), strings.Join(wordsOf(b), " "))
}

func wordsOf(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
}

// dateWords are the words a date line is made of besides numbers.
var dateWords = func() map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(`january february march april may june july august september october
		november december jan feb mar apr jun jul aug sep sept oct nov dec monday tuesday wednesday thursday
		friday saturday sunday mon tue tues wed thu thurs fri sat sun updated published posted last first
		on at am pm a.m. p.m. gmt utc et est edt pt pst pdt bst cet cest ist | - – — · of`) {
		m[w] = true
	}
	return m
}()

// months are the month names and abbreviations a date line needs one of
// (or a numeric date).
var months = map[string]bool{
	"january": true, "february": true, "march": true, "april": true, "may": true, "june": true, "july": true,
	"august": true, "september": true, "october": true, "november": true, "december": true, "jan": true,
	"feb": true, "mar": true, "apr": true, "jun": true, "jul": true, "aug": true, "sep": true, "sept": true,
	"oct": true, "nov": true, "dec": true,
}

var numericDate = regexp.MustCompile(`^\d{1,4}[-/.]\d{1,2}[-/.]\d{1,4}$`)

// isDateLine reports whether p is only a date and perhaps a time
// ("Jan. 5, 2019", "Updated 10:30 a.m. ET, Sat January 5, 2019",
// "2019-01-05").
func isDateLine(p string) bool {
	ws := strings.Fields(p)
	if len(ws) == 0 || len(ws) > 12 {
		return false
	}
	hasDate := false
	for _, w := range ws {
		t := strings.ToLower(strings.Trim(w, ",;:()[]"))
		if numericDate.MatchString(t) {
			hasDate = true
			continue
		}
		t = strings.TrimSuffix(t, ".")
		switch {
		case months[t]:
			hasDate = true
		case t == "" || dateWords[t] || dateWords[t+"."] || doc.IsNumeric(t):
		default:
			return false
		}
	}
	return hasDate
}

// dateline matches the place (and agency) that opens a wire story:
// "WASHINGTON (Reuters) — ", "KABUL, Afghanistan (AP) - ", "NEW YORK,
// Jan 5 (Reuters) - ", "HAMBURG - ". The place is in capitals, so a
// sentence that starts with a capitalised word and a dash is left alone.
var dateline = regexp.MustCompile(`^\p{Lu}[\p{Lu}\p{M}.'’ -]*\p{Lu}(?:,[ \p{L}\p{M}\d.'’-]{1,40})?\s*(?:\([^()]{2,30}\)\s*)?(?:--|[-–—])\s+`)

// stripDateline drops the dateline that opens p, when what follows reads
// as a sentence (at least four words).
func stripDateline(p string) string {
	loc := dateline.FindStringIndex(p)
	if loc == nil {
		return p
	}
	head := p[:loc[1]]
	letters := 0
	for _, r := range head {
		if unicode.IsUpper(r) {
			letters++
		}
	}
	rest := p[loc[1]:]
	if letters < 3 || len(strings.Fields(rest)) < 4 {
		return p
	}
	return rest
}
