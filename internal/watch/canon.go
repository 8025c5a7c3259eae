package watch

import (
	"net/url"
	"strings"
)

// canonicalURL is the form items are told apart by. Until internal/ident
// lands it lower-cases scheme and host and drops the fragment.
func canonicalURL(raw string) (string, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return "", err
	}
	u.Scheme = strings.ToLower(u.Scheme)
	u.Host = strings.ToLower(u.Host)
	u.Fragment = ""
	return u.String(), nil
}
