// Package fetch downloads a news article from a URL and extracts its
// readable text and metadata with go-readability.
//
// Fetching on behalf of a server's users is a classic way into the
// server's own network, so by default the fetcher refuses to connect to
// loopback, private, link-local, multicast and unspecified addresses. The
// check runs in the dialer at connect time, after DNS resolution and for
// every redirect, so a name that resolves differently on a second lookup
// (DNS rebinding) cannot slip past it.
package fetch

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"syscall"
	"time"
	"unicode/utf8"

	readability "codeberg.org/readeck/go-readability/v2"
	"golang.org/x/net/html"
)

// Defaults for Options fields left zero.
const (
	DefaultTimeout      = 15 * time.Second
	DefaultMaxBytes     = 5 << 20
	DefaultMaxRedirects = 5
)

// Options configures a Fetcher.
type Options struct {
	// Timeout bounds the whole fetch, redirects and body included.
	Timeout time.Duration
	// MaxBytes caps the response body.
	MaxBytes int64
	// MaxRedirects caps the redirects followed.
	MaxRedirects int
	// AllowPrivate permits non-public addresses (for tests and intranets).
	AllowPrivate bool
	// UserAgent is sent with every request.
	UserAgent string
}

// Page is an extracted article.
type Page struct {
	// URL is the final URL, after redirects.
	URL    string
	Title  string
	Byline string
	Site   string
	// Published is the publication time the page declares; zero if none.
	Published time.Time
	Text      string
}

// RefusedError reports a connection the fetcher would not make.
type RefusedError struct {
	Addr   string
	Reason string
}

func (e *RefusedError) Error() string {
	return fmt.Sprintf("refusing to connect to %s: %s address (only public addresses may be fetched)", e.Addr, e.Reason)
}

// Errors a caller may want to tell apart; match with errors.Is / errors.As.
var (
	ErrUnsupportedType = errors.New("unsupported content type")
	ErrTooLarge        = errors.New("page too large")
	ErrBadURL          = errors.New("bad URL")
	ErrNoText          = errors.New("no readable article text")
)

// Fetcher fetches articles. It is safe for concurrent use.
type Fetcher struct {
	opts   Options
	client *http.Client
}

// New returns a Fetcher with the given options.
func New(o Options) *Fetcher { return newFetcher(o, nil) }

// newFetcher is New with exempt, which lets tests reach one loopback
// test server while every other connection is checked.
func newFetcher(o Options, exempt func(addr string) bool) *Fetcher {
	if o.Timeout <= 0 {
		o.Timeout = DefaultTimeout
	}
	if o.MaxBytes <= 0 {
		o.MaxBytes = DefaultMaxBytes
	}
	if o.MaxRedirects <= 0 {
		o.MaxRedirects = DefaultMaxRedirects
	}
	if o.UserAgent == "" {
		o.UserAgent = "unspun/1 (+article analysis)"
	}
	dialer := &net.Dialer{Timeout: o.Timeout}
	if !o.AllowPrivate {
		dialer.Control = func(network, address string, c syscall.RawConn) error {
			if exempt != nil && exempt(address) {
				return nil
			}
			return refusePrivate(network, address, c)
		}
	}
	tr := &http.Transport{
		// No proxy: a proxy would make the connect-time check see the
		// proxy's address instead of the target's.
		Proxy:                 nil,
		DialContext:           dialer.DialContext,
		TLSHandshakeTimeout:   o.Timeout,
		ResponseHeaderTimeout: o.Timeout,
		MaxIdleConns:          16,
		IdleConnTimeout:       30 * time.Second,
	}
	f := &Fetcher{opts: o}
	f.client = &http.Client{
		Transport: tr,
		Timeout:   o.Timeout,
		CheckRedirect: func(req *http.Request, via []*http.Request) error {
			if len(via) > o.MaxRedirects {
				return fmt.Errorf("stopped after %d redirects", o.MaxRedirects)
			}
			return checkScheme(req.URL)
		},
	}
	return f
}

// refusePrivate is a net.Dialer Control hook: it sees the resolved address
// just before connecting.
func refusePrivate(network, address string, _ syscall.RawConn) error {
	ap, err := netip.ParseAddrPort(address)
	if err != nil {
		return &RefusedError{Addr: address, Reason: "unparsable"}
	}
	if reason := nonPublic(ap.Addr()); reason != "" {
		return &RefusedError{Addr: ap.Addr().String(), Reason: reason}
	}
	return nil
}

// nonPublic names why ip is not a public unicast address, or returns "".
func nonPublic(ip netip.Addr) string {
	ip = ip.Unmap()
	switch {
	case ip.IsLoopback():
		return "loopback"
	case ip.IsPrivate():
		return "private"
	case ip.IsLinkLocalUnicast(), ip.IsLinkLocalMulticast():
		return "link-local"
	case ip.IsMulticast(), ip.IsInterfaceLocalMulticast():
		return "multicast"
	case ip.IsUnspecified():
		return "unspecified"
	case ip.Is4() && ip.As4()[0] == 100 && ip.As4()[1]&0xc0 == 64:
		return "carrier-grade NAT (shared)"
	case ip.Is4() && ip.As4()[0] == 0:
		return "\"this network\""
	case ip.Is4() && ip.As4() == [4]byte{255, 255, 255, 255}:
		return "broadcast"
	}
	return ""
}

func checkScheme(u *url.URL) error {
	if u.Scheme != "http" && u.Scheme != "https" {
		return fmt.Errorf("%w: scheme %q (want http or https)", ErrBadURL, u.Scheme)
	}
	if u.Hostname() == "" {
		return fmt.Errorf("%w: %q has no host", ErrBadURL, u.String())
	}
	return nil
}

// Fetch downloads rawURL and extracts its article.
func (f *Fetcher) Fetch(ctx context.Context, rawURL string) (*Page, error) {
	u, err := url.Parse(strings.TrimSpace(rawURL))
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrBadURL, err)
	}
	if err := checkScheme(u); err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(ctx, f.opts.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrBadURL, err)
	}
	req.Header.Set("User-Agent", f.opts.UserAgent)
	req.Header.Set("Accept", "text/html,application/xhtml+xml,text/plain;q=0.8")
	resp, err := f.client.Do(req)
	if err != nil {
		// Several timers can fire (the context's, the transport's header
		// timeout); whichever did, say the same thing.
		var ne net.Error
		if ctx.Err() == context.DeadlineExceeded || errors.Is(err, context.DeadlineExceeded) || (errors.As(err, &ne) && ne.Timeout()) {
			return nil, fmt.Errorf("fetch %s: no answer within %s: %w", u.Redacted(), f.opts.Timeout, context.DeadlineExceeded)
		}
		return nil, fmt.Errorf("fetch %s: %w", u.Redacted(), err)
	}
	defer resp.Body.Close()
	final := resp.Request.URL
	if resp.StatusCode != http.StatusOK {
		return nil, &StatusError{URL: final.Redacted(), Code: resp.StatusCode, Status: resp.Status}
	}
	ct := resp.Header.Get("Content-Type")
	mt, params, err := mime.ParseMediaType(ct)
	if err != nil {
		return nil, fmt.Errorf("fetch %s: %w %q", final.Redacted(), ErrUnsupportedType, ct)
	}
	if cs := strings.ToLower(params["charset"]); cs != "" && cs != "utf-8" && cs != "utf8" && cs != "us-ascii" {
		return nil, fmt.Errorf("fetch %s: %w: charset %q (only UTF-8 is supported)", final.Redacted(), ErrUnsupportedType, cs)
	}
	switch mt {
	case "text/html", "application/xhtml+xml", "text/plain":
	default:
		return nil, fmt.Errorf("fetch %s: %w %q (want an HTML or plain-text page)", final.Redacted(), ErrUnsupportedType, mt)
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, f.opts.MaxBytes+1))
	if err != nil {
		return nil, fmt.Errorf("fetch %s: read body: %w", final.Redacted(), err)
	}
	if int64(len(body)) > f.opts.MaxBytes {
		return nil, fmt.Errorf("fetch %s: %w (over %d bytes)", final.Redacted(), ErrTooLarge, f.opts.MaxBytes)
	}
	page := &Page{URL: final.String(), Site: final.Hostname()}
	if mt == "text/plain" {
		if !utf8.Valid(body) || bytes.IndexByte(body, 0) >= 0 {
			return nil, fmt.Errorf("fetch %s: %w: body is not UTF-8 text", final.Redacted(), ErrUnsupportedType)
		}
		page.Text = strings.TrimSpace(string(body))
	} else if err := extract(page, body, final); err != nil {
		return nil, fmt.Errorf("fetch %s: %w", final.Redacted(), err)
	}
	if page.Text == "" {
		return nil, fmt.Errorf("fetch %s: %w", final.Redacted(), ErrNoText)
	}
	return page, nil
}

func extract(page *Page, body []byte, u *url.URL) error {
	// Parsed here rather than by readability.FromReader, which guesses
	// the encoding from the bytes and read short UTF-8 pages as
	// Windows-1252 ("—" became "â€”"); Fetch has already refused other
	// declared charsets.
	doc, err := html.Parse(bytes.NewReader(body))
	if err != nil {
		return fmt.Errorf("%w: %v", ErrNoText, err)
	}
	parser := readability.NewParser()
	art, err := parser.ParseAndMutate(doc, u)
	if err != nil {
		return fmt.Errorf("%w: %v", ErrNoText, err)
	}
	if art.Node == nil {
		return ErrNoText
	}
	var text strings.Builder
	if err := art.RenderText(&text); err != nil {
		return fmt.Errorf("%w: %v", ErrNoText, err)
	}
	extracted := strings.ToValidUTF8(strings.TrimSpace(text.String()), "\uFFFD")
	page.Byline = strings.TrimSpace(art.Byline())
	if s := strings.TrimSpace(art.SiteName()); s != "" {
		page.Site = s
	}
	var byline string
	page.Text, page.Title, byline = articleText(art.Title(), page.Site, extracted)
	if page.Byline == "" {
		page.Byline = byline
	}
	if t, err := art.PublishedTime(); err == nil {
		page.Published = t
	}
	return nil
}
