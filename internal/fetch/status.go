package fetch

import (
	"fmt"
	"net/http"
)

// StatusError reports a page whose server answered other than 200 OK. A
// job runner tells a page that is gone (4xx, permanent) from a server
// having trouble (5xx, 408, 429: worth retrying) by its Code.
type StatusError struct {
	URL    string // redacted
	Code   int
	Status string // as the server sent it, e.g. "404 Not Found"
}

func (e *StatusError) Error() string {
	return fmt.Sprintf("fetch %s: server answered %s", e.URL, e.Status)
}

// Temporary reports whether the answer may change if asked again later:
// server errors, 408 Request Timeout and 429 Too Many Requests.
func (e *StatusError) Temporary() bool {
	return e.Code >= 500 || e.Code == http.StatusRequestTimeout || e.Code == http.StatusTooManyRequests
}

// HTTPClient is the fetcher's client, with its private-address check,
// timeout and redirect limit, for callers that download something other
// than an article page (such as a feed) under the same rules.
func (f *Fetcher) HTTPClient() *http.Client { return f.client }
