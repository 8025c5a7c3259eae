package server

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"unspun/internal/web"
)

func TestReportDownload(t *testing.T) {
	f := newFixture(t, Config{})
	evil := `<script>alert(1)</script> A terrible "><img src=x onerror=alert(2)> plan?`
	body, _ := json.Marshal(AnalyzeRequest{Text: evil, Title: `Plan: "terrible" <b>`})
	rec := f.do(t, call{method: "POST", path: "/api/v1/analyze", body: string(body)})
	if rec.Code != 201 {
		t.Fatalf("store: %d %s", rec.Code, rec.Body)
	}
	id := int64(jsonBody(t, rec)["id"].(float64))

	page := f.do(t, call{method: "GET", path: fmt.Sprintf("/articles/%d", id)})
	if link := fmt.Sprintf(`href="/articles/%d/report.html" download`, id); !strings.Contains(page.Body.String(), link) {
		t.Errorf("the article page has no download link %s", link)
	}

	rec = f.do(t, call{method: "GET", path: fmt.Sprintf("/articles/%d/report.html", id)})
	if rec.Code != 200 {
		t.Fatalf("report: %d %s", rec.Code, rec.Body)
	}
	csp, _ := web.ReportCSP()
	if got := rec.Header().Get("Content-Security-Policy"); got != csp || !strings.Contains(got, "script-src 'sha256-") || strings.Contains(got, "unsafe-inline") {
		t.Errorf("CSP header %q, want the report's %q", got, csp)
	}
	if cd := rec.Header().Get("Content-Disposition"); cd != fmt.Sprintf(`attachment; filename="unspun-%d-plan-terrible-b.html"`, id) {
		t.Errorf("Content-Disposition %q", cd)
	}
	b := rec.Body.String()
	for _, want := range []string{`<meta http-equiv="Content-Security-Policy"`, "<style>", "<script>", `id="span-data"`, "&lt;script&gt;alert(1)&lt;/script&gt;", `class="fnref"`, "What the techniques mean"} {
		if !strings.Contains(b, want) {
			t.Errorf("report lacks %q", want)
		}
	}
	if strings.Contains(b, "<script>alert") || strings.Contains(b, "<img src=x") || strings.Contains(b, `src="/`) || strings.Contains(b, `href="/static`) {
		t.Error("the report has unescaped text or refers to the server")
	}
	for _, path := range []string{"/articles/999/report.html", "/articles/x/report.html"} {
		if rec := f.do(t, call{method: "GET", path: path}); rec.Code != 404 && rec.Code != 400 {
			t.Errorf("%s: %d", path, rec.Code)
		}
	}
}
