package fetch

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"testing"
	"time"
)

const articleHTML = `<!doctype html><html><head><title>Council backs plan | Daily Example</title>
<meta property="og:site_name" content="Daily Example">
<meta name="author" content="Ada Writer">
<meta property="article:published_time" content="2024-03-05T10:00:00Z">
</head><body><nav>Home | News | Sport</nav><article><h1>Council backs plan</h1>
<p>The council voted on Tuesday to back the new transport plan after a long debate that ran late into the evening and drew a large crowd of residents to the town hall.</p>
<p>Supporters said the plan would cut traffic in the centre, while opponents warned that the cost had been underestimated and that shops would suffer during the works.</p>
<p>The plan now goes to a public consultation, which will run for six weeks before a final vote in the summer.</p>
</article><footer>Copyright</footer></body></html>`

func testServer(t *testing.T) *httptest.Server {
	t.Helper()
	mux := http.NewServeMux()
	mux.HandleFunc("/article", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write([]byte(articleHTML))
	})
	mux.HandleFunc("/plain", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain")
		w.Write([]byte("  Just text.\n"))
	})
	mux.HandleFunc("/image", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "image/png")
		w.Write([]byte("\x89PNG"))
	})
	mux.HandleFunc("/latin1", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=iso-8859-1")
		w.Write([]byte("<p>caf\xe9</p>"))
	})
	mux.HandleFunc("/big", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain")
		w.Write([]byte(strings.Repeat("a", 2048)))
	})
	mux.HandleFunc("/missing", http.NotFound)
	mux.HandleFunc("/redirect", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/article", http.StatusFound)
	})
	mux.HandleFunc("/loop", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/loop", http.StatusFound)
	})
	mux.HandleFunc("/to-file", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "file:///etc/passwd", http.StatusFound)
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv
}

func TestFetchAllowed(t *testing.T) {
	srv := testServer(t)
	f := New(Options{AllowPrivate: true, MaxBytes: int64(1024 + len(articleHTML)), Timeout: 5 * time.Second})
	ctx := context.Background()

	p, err := f.Fetch(ctx, srv.URL+"/redirect")
	if err != nil {
		t.Fatal(err)
	}
	if p.URL != srv.URL+"/article" {
		t.Errorf("URL = %q, want the redirect target", p.URL)
	}
	if !strings.Contains(p.Title, "Council backs plan") || p.Byline != "Ada Writer" || p.Site != "Daily Example" ||
		!p.Published.Equal(time.Date(2024, 3, 5, 10, 0, 0, 0, time.UTC)) {
		t.Errorf("metadata = title %q byline %q site %q published %v", p.Title, p.Byline, p.Site, p.Published)
	}
	if !strings.Contains(p.Text, "public consultation") || strings.Contains(p.Text, "Copyright") {
		t.Errorf("text = %q; want the article body without page furniture", p.Text)
	}

	p, err = f.Fetch(ctx, srv.URL+"/plain")
	if err != nil || p.Text != "Just text." {
		t.Errorf("plain text page = %+v, %v", p, err)
	}

	small := New(Options{AllowPrivate: true, MaxBytes: 1024})
	errTests := []struct {
		path string
		f    *Fetcher
		want error
		msg  string
	}{
		{"/image", f, ErrUnsupportedType, "image/png"},
		{"/latin1", f, ErrUnsupportedType, "iso-8859-1"},
		{"/big", small, ErrTooLarge, "1024 bytes"},
		{"/missing", f, nil, "404"},
		{"/loop", f, nil, "redirects"},
		{"/to-file", f, ErrBadURL, "scheme"},
	}
	for _, tt := range errTests {
		t.Run(tt.path, func(t *testing.T) {
			_, err := tt.f.Fetch(ctx, srv.URL+tt.path)
			if err == nil {
				t.Fatal("no error")
			}
			if tt.want != nil && !errors.Is(err, tt.want) {
				t.Errorf("err = %v, want %v", err, tt.want)
			}
			if !strings.Contains(err.Error(), tt.msg) {
				t.Errorf("err = %q, want it to mention %q", err, tt.msg)
			}
		})
	}
}

func TestFetchRefused(t *testing.T) {
	srv := testServer(t)
	f := New(Options{Timeout: 5 * time.Second})
	port := srv.URL[strings.LastIndex(srv.URL, ":"):]
	for _, u := range []string{
		srv.URL + "/article",
		"http://localhost" + port + "/article", // a name that resolves to loopback
		"http://[::1]" + port + "/article",
		"http://0.0.0.0" + port + "/",
	} {
		t.Run(u, func(t *testing.T) {
			_, err := f.Fetch(context.Background(), u)
			var re *RefusedError
			if !errors.As(err, &re) {
				t.Fatalf("err = %v, want a RefusedError", err)
			}
			if !strings.Contains(err.Error(), "refusing") {
				t.Errorf("err = %q does not say why", err)
			}
		})
	}
	for _, u := range []string{"file:///etc/passwd", "ftp://example.com/x", "http://", "::bad"} {
		if _, err := f.Fetch(context.Background(), u); !errors.Is(err, ErrBadURL) {
			t.Errorf("Fetch(%q) err = %v, want ErrBadURL", u, err)
		}
	}
}

func TestNonPublic(t *testing.T) {
	tests := []struct {
		ip, want string
	}{
		{"127.0.0.1", "loopback"},
		{"::1", "loopback"},
		{"::ffff:127.0.0.1", "loopback"},
		{"10.1.2.3", "private"},
		{"172.16.0.1", "private"},
		{"192.168.1.1", "private"},
		{"fd00::1", "private"},
		{"169.254.169.254", "link-local"},
		{"fe80::1", "link-local"},
		{"224.0.0.251", "link-local"},
		{"239.1.1.1", "multicast"},
		{"ff05::1", "multicast"},
		{"0.0.0.0", "unspecified"},
		{"::", "unspecified"},
		{"100.64.0.1", "carrier-grade NAT (shared)"},
		{"255.255.255.255", "broadcast"},
		{"93.184.216.34", ""},
		{"2606:4700::1111", ""},
	}
	for _, tt := range tests {
		if got := nonPublic(netip.MustParseAddr(tt.ip)); got != tt.want {
			t.Errorf("nonPublic(%s) = %q, want %q", tt.ip, got, tt.want)
		}
	}
}

func TestRedirectToPrivateRefused(t *testing.T) {
	inner := testServer(t)
	outer := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, inner.URL+"/article", http.StatusFound)
	}))
	defer outer.Close()
	// Only the outer server is treated as public: the redirect to the
	// inner one must be checked, and refused, at connect time.
	outerAddr := strings.TrimPrefix(outer.URL, "http://")
	f := newFetcher(Options{Timeout: 5 * time.Second}, func(addr string) bool { return addr == outerAddr })
	_, err := f.Fetch(context.Background(), outer.URL+"/")
	var re *RefusedError
	if !errors.As(err, &re) || re.Reason != "loopback" {
		t.Fatalf("err = %v, want a loopback RefusedError for the redirect target", err)
	}
	// The same fetcher reaches the exempt server itself.
	allowed := newFetcher(Options{Timeout: 5 * time.Second}, func(addr string) bool {
		return addr == outerAddr || addr == strings.TrimPrefix(inner.URL, "http://")
	})
	if _, err := allowed.Fetch(context.Background(), outer.URL+"/"); err != nil {
		t.Errorf("with both servers exempt: %v", err)
	}
}
