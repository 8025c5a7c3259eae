package server

import (
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"
)

// Host and origin checks. A browser page on any site can make requests to
// the server if its name resolves to the server's address (DNS
// rebinding): the browser then treats the server as that site's own
// origin. The server defends by answering only the names it is known by
// (the Host header) and by accepting page forms only from those names
// (Origin, Sec-Fetch-Site).

// loopbackHosts are the names a server on loopback answers to.
var loopbackHosts = []string{"localhost", "127.0.0.1", "::1"}

// hostSet matches a request's Host (or an Origin's host) against the
// names the server answers to. A name without a port matches any port.
type hostSet struct {
	any   bool
	names map[string]bool // lower-cased host or host:port, IPv6 without brackets
}

func newHostSet(hosts []string, any bool) (hostSet, error) {
	hs := hostSet{any: any, names: map[string]bool{}}
	if len(hosts) == 0 {
		hosts = loopbackHosts
	}
	for _, h := range hosts {
		n, err := normalHost(h)
		if err != nil {
			return hs, fmt.Errorf("server: accepted host %q: %w", h, err)
		}
		hs.names[n] = true
	}
	return hs, nil
}

// normalHost lower-cases host[:port] and drops IPv6 brackets, so that
// "[::1]:8080", "::1" and "LOCALHOST" compare as a Host header would be
// meant.
func normalHost(h string) (string, error) {
	h = strings.ToLower(strings.TrimSpace(h))
	if h == "" {
		return "", fmt.Errorf("empty name")
	}
	bad := fmt.Errorf("want host or host:port")
	if host, port, err := net.SplitHostPort(h); err == nil {
		if !validHostName(host) || port == "" || strings.Trim(port, "0123456789") != "" {
			return "", bad
		}
		return net.JoinHostPort(host, port), nil
	}
	h = strings.TrimSuffix(strings.TrimPrefix(h, "["), "]")
	if !validHostName(h) {
		return "", bad
	}
	return h, nil
}

// validHostName reports whether h can be a DNS name or an IP address.
func validHostName(h string) bool {
	if h == "" {
		return false
	}
	for _, c := range h {
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '.' || c == '-' || c == ':' || c == '_') {
			return false
		}
	}
	return true
}

// accepts reports whether host (a Host header or an Origin's host) names
// this server.
func (hs hostSet) accepts(host string) bool {
	if hs.any {
		return true
	}
	n, err := normalHost(host)
	if err != nil {
		return false
	}
	if hs.names[n] {
		return true
	}
	if h, _, err := net.SplitHostPort(n); err == nil {
		return hs.names[strings.Trim(h, "[]")]
	}
	return false
}

// checkHost answers 421 Misdirected Request for a Host the server does not
// answer to. It reports whether the request may go on. Health, readiness
// and metrics answer any name: load balancers and scrapers address the
// server by its IP, and these say nothing about the articles.
func (s *Server) checkHost(w http.ResponseWriter, r *http.Request) bool {
	if s.hosts.accepts(r.Host) {
		return true
	}
	switch r.URL.Path {
	case "/healthz", "/readyz", "/metrics":
		if r.Method == http.MethodGet || r.Method == http.MethodHead {
			return true
		}
	}
	s.fail(w, r, http.StatusMisdirectedRequest, fmt.Sprintf(
		"this server does not answer to the name %q (a DNS rebinding attempt, or a name missing from --public-url)", r.Host))
	return false
}

// sameOrigin reports whether a form post comes from this server's own
// pages, so another site cannot make a visitor's browser change the store
// (cross-site request forgery, also through a rebinding name). A
// Sec-Fetch-Site header, when present, must say same-origin (or none: typed
// by the user); an Origin header, when present, must name a host the
// server answers to, and the request's own Host when any host is
// accepted. A browser that sends neither is too old to be attacked this
// way, or is not a browser.
func (s *Server) sameOrigin(r *http.Request) (bool, string) {
	site := r.Header.Get("Sec-Fetch-Site")
	if site != "" && site != "same-origin" && site != "none" {
		return false, fmt.Sprintf("cross-site form submission refused (Sec-Fetch-Site: %s)", site)
	}
	origin := r.Header.Get("Origin")
	if origin == "" || (origin == "null" && site != "") {
		// An opaque origin is refused below unless the browser also
		// said the request is same-origin.
		return true, ""
	}
	u, err := url.Parse(origin)
	if err != nil || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https") {
		return false, fmt.Sprintf("form submission from origin %q refused", origin)
	}
	if !s.hosts.accepts(u.Host) || (s.hosts.any && !strings.EqualFold(u.Host, r.Host)) {
		return false, fmt.Sprintf("form submission from origin %q refused: not this server", origin)
	}
	return true, ""
}
