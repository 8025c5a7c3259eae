package server

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
)

// queryEscape percent-encodes only the bytes a request line cannot carry,
// so the fuzzer's '&', '=', '%' and bad escapes reach the handlers as sent.
func queryEscape(q string) string {
	var b strings.Builder
	for i := 0; i < len(q); i++ {
		if c := q[i]; c <= ' ' || c >= 0x7f || c == '#' {
			fmt.Fprintf(&b, "%%%02X", c)
		} else {
			b.WriteByte(c)
		}
	}
	return b.String()
}

// FuzzAnalyzeAPI: any body and query sent to POST /api/v1/analyze gets a
// JSON answer with a client-error or success status, never a 500.
func FuzzAnalyzeAPI(f *testing.F) {
	for _, s := range []string{`{"text":"What a terrible plan. Is it?","title":"T","source":"s.example","published":"2024-01-05"}`,
		`{"text":"a\u0000b"}`, `{"text":"\ud800"}`, `{"url":"file:///etc/passwd"}`, `{"text":"a","url":"b"}`, `{"text":5}`, `{"text":"a"} {}`,
		`{"published":"2024-13-01","text":"x"}`, `[]`, `null`, `{"text":"` + "\xff\xfe" + `"}`} {
		f.Add(s, "store=false")
		f.Add(s, "store=maybe&store=true")
	}
	fx := newFixture(f, Config{MaxBody: 64 << 10})
	f.Fuzz(func(t *testing.T, body, query string) {
		rec := fx.do(t, call{method: "POST", path: "/api/v1/analyze?" + queryEscape(query), body: body,
			header: map[string]string{"Content-Type": "application/json"}})
		switch rec.Code {
		case 200, 201, 400, 413, 415:
		default:
			t.Fatalf("status %d for %q ?%q: %s", rec.Code, body, query, rec.Body)
		}
		var m map[string]any
		if err := json.Unmarshal(rec.Body.Bytes(), &m); err != nil {
			t.Fatalf("answer is not JSON: %v\n%s", err, rec.Body)
		}
	})
}

// FuzzQueryParams: any query on the list, stats and list page gets 200 or
// 400 (with a reason), never a 500: filters, dates, paging and the
// full-text query all reach the store.
func FuzzQueryParams(f *testing.F) {
	for _, q := range []string{"q=storm", "q=%22unbalanced", "q=a+OR+b+NOT+c*", "q=NEAR(a+b)", "q=col:val", "q=%00", "q=%F0%9F%98%80",
		"technique=Loaded_Language&source=alpha.example", "from=2024-01-01&to=2023-01-01", "page=0&per_page=1000", "by=day&q=-x",
		"by=source&technique=nope", "q=%ff%fe", "q=^a+{b}+[c]", "q=a'b;--"} {
		f.Add(q)
	}
	fx := newFixture(f, Config{})
	seedAPI(f, fx)
	f.Fuzz(func(t *testing.T, query string) {
		for _, path := range []string{"/api/v1/articles", "/api/v1/stats", "/articles"} {
			q := query
			if path == "/api/v1/stats" {
				q = "by=source&" + q
			}
			rec := fx.do(t, call{method: "GET", path: path + "?" + queryEscape(q)})
			if rec.Code != 200 && rec.Code != 400 {
				t.Fatalf("GET %s?%s = %d: %s", path, q, rec.Code, rec.Body)
			}
		}
	})
}
