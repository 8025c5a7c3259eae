// Package ident says when two articles are the same article: by canonical
// URL when an article has one, else by a hash of its normalised text. The
// store keys articles on Of, so that saving one twice finds the first.
package ident

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"net/url"
	"sort"
	"strings"

	"golang.org/x/text/unicode/norm"
)

// trackingParams are query parameters that say how a reader arrived, not
// which page they read. Keys are compared lower-cased; utm_* is matched by
// prefix in isTracking.
var trackingParams = map[string]bool{
	"fbclid": true, "gclid": true, "dclid": true, "gbraid": true, "wbraid": true, "msclkid": true,
	"yclid": true, "twclid": true, "ttclid": true, "li_fat_id": true,
	"mc_cid": true, "mc_eid": true, "igshid": true, "igsh": true,
	"_ga": true, "_gl": true, "_hsenc": true, "_hsmi": true, "__hstc": true, "__hssc": true, "__hsfp": true,
	"mkt_tok": true, "oly_anon_id": true, "oly_enc_id": true, "vero_id": true, "rb_clickid": true,
	"s_cid": true, "cmpid": true, "ito": true, "ncid": true, "sr_share": true, "smid": true,
}

func isTracking(key string) bool {
	k := strings.ToLower(key)
	return strings.HasPrefix(k, "utm_") || trackingParams[k]
}

// ErrURL is wrapped by CanonicalURL's errors: the string is not an
// absolute http or https URL.
var ErrURL = errors.New("not an absolute http(s) URL")

// CanonicalURL returns raw in the form two links to the same page share:
// scheme and host lower-cased, a trailing dot and the default port (80,
// 443) dropped, an empty path made "/", the fragment and tracking
// parameters (utm_*, fbclid, gclid, mc_cid, mc_eid, igshid, …) dropped and
// the remaining query sorted by key (values of one key keep their order).
// The path keeps its case: servers may tell /A from /a.
func CanonicalURL(raw string) (string, error) {
	s := strings.TrimSpace(raw)
	u, err := url.Parse(s)
	if err != nil {
		return "", fmt.Errorf("ident: %q: %w: %v", raw, ErrURL, err)
	}
	u.Scheme = strings.ToLower(u.Scheme)
	if u.Scheme != "http" && u.Scheme != "https" || u.Host == "" || u.Opaque != "" {
		return "", fmt.Errorf("ident: %q: %w", raw, ErrURL)
	}
	host, port := u.Hostname(), u.Port()
	host = strings.TrimSuffix(strings.ToLower(host), ".")
	if host == "" {
		return "", fmt.Errorf("ident: %q: %w", raw, ErrURL)
	}
	if port == "80" && u.Scheme == "http" || port == "443" && u.Scheme == "https" {
		port = ""
	}
	if strings.Contains(host, ":") { // IPv6 literal
		host = "[" + host + "]"
	}
	if port != "" {
		host = net.JoinHostPort(strings.Trim(host, "[]"), port)
	}
	u.Host = host
	u.Fragment, u.RawFragment = "", ""
	if u.Path == "" {
		u.Path, u.RawPath = "/", ""
	}
	u.RawQuery = canonicalQuery(u.RawQuery)
	u.ForceQuery = false
	return u.String(), nil
}

// canonicalQuery drops tracking parameters and sorts the rest by key,
// stably. It works on the raw pairs so that an encoding the server reads
// (a literal "+", say) is kept as it was.
func canonicalQuery(raw string) string {
	if raw == "" {
		return ""
	}
	type pair struct{ key, raw string }
	var keep []pair
	for p := range strings.SplitSeq(raw, "&") {
		if p == "" {
			continue
		}
		k, _, _ := strings.Cut(p, "=")
		if dk, err := url.QueryUnescape(k); err == nil {
			k = dk
		}
		if isTracking(k) {
			continue
		}
		keep = append(keep, pair{k, p})
	}
	sort.SliceStable(keep, func(i, j int) bool { return keep[i].key < keep[j].key })
	parts := make([]string, len(keep))
	for i, p := range keep {
		parts[i] = p.raw
	}
	return strings.Join(parts, "&")
}

// Normalize is the form of a text that TextHash hashes: Unicode NFC, runs
// of white space (spaces, tabs, line breaks) made one space, leading and
// trailing space removed. Case is kept: the analysis reads case (loaded
// words in capitals, slogans), so two texts that differ in case may not
// analyse alike and are not the same article.
func Normalize(text string) string {
	return strings.Join(strings.Fields(norm.NFC.String(text)), " ")
}

// TextHash is the lower-case hex SHA-256 of Normalize(text): the same for
// a text re-wrapped, re-indented or saved with other line endings.
func TextHash(text string) string {
	sum := sha256.Sum256([]byte(Normalize(text)))
	return hex.EncodeToString(sum[:])
}

// Of is an article's identity: "url:" and its canonical URL when rawURL is
// a valid http(s) URL, else "text:" and TextHash(text).
func Of(rawURL, text string) string {
	if strings.TrimSpace(rawURL) != "" {
		if c, err := CanonicalURL(rawURL); err == nil {
			return "url:" + c
		}
	}
	return "text:" + TextHash(text)
}
