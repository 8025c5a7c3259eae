package server

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
)

// storeArticle posts text through the API and returns its id.
func storeArticle(t *testing.T, f *fixture, text, title string) int64 {
	t.Helper()
	body, _ := json.Marshal(AnalyzeRequest{Text: text, Title: title})
	rec := f.do(t, call{method: "POST", path: "/api/v1/analyze", body: string(body)})
	if rec.Code != 201 {
		t.Fatalf("store: %d %s", rec.Code, rec.Body)
	}
	return int64(jsonBody(t, rec)["id"].(float64))
}

var jsonHeader = map[string]string{"Content-Type": "application/json"}

func TestReviewAPI(t *testing.T) {
	f := newFixture(t, Config{})
	text := "🐱 A terrible, shameful plan." // 28 code points
	id := storeArticle(t, f, text, "Plan")
	path := fmt.Sprintf("/api/v1/articles/%d/review", id)

	rec := f.do(t, call{method: "GET", path: path})
	if rec.Code != 200 || strings.TrimSpace(rec.Body.String()) != `{"reviewer":"","done":false,"spans":[]}` {
		t.Fatalf("unreviewed: %d %s", rec.Code, rec.Body)
	}
	good := `{"reviewer":"ana","done":true,"spans":[{"start":4,"end":12,"technique":"Loaded_Language"},{"start":4,"end":12,"technique":"Name_Calling,Labeling"},{"start":2,"end":28,"technique":"Doubt"}]}`
	for i := 0; i < 2; i++ { // idempotent
		rec = f.do(t, call{method: "PUT", path: path, body: good, header: jsonHeader})
		if rec.Code != 200 {
			t.Fatalf("PUT %d: %d %s", i, rec.Code, rec.Body)
		}
	}
	rec = f.do(t, call{method: "GET", path: path})
	var got ReviewBody
	if err := json.Unmarshal(rec.Body.Bytes(), &got); err != nil {
		t.Fatal(err)
	}
	if got.Reviewer != "ana" || !got.Done || len(got.Spans) != 3 || got.Updated == nil || got.Model == "" {
		t.Errorf("GET after PUT: %s", rec.Body)
	}
	// Replacing: a second PUT with fewer spans leaves only those.
	rec = f.do(t, call{method: "PUT", path: path, body: `{"reviewer":"bo","done":false,"spans":[]}`, header: jsonHeader})
	if rec.Code != 200 || !strings.Contains(rec.Body.String(), `"spans":[]`) || !strings.Contains(rec.Body.String(), `"reviewer":"bo"`) {
		t.Errorf("replace: %d %s", rec.Code, rec.Body)
	}

	for _, tc := range []struct {
		name, method, path, body string
		header                   map[string]string
		status                   int
		want                     string
	}{
		{"past the text", "PUT", path, `{"reviewer":"a","spans":[{"start":20,"end":29,"technique":"Doubt"}]}`, jsonHeader, 400, "end is past the end of the text (28 code points)"},
		{"negative start", "PUT", path, `{"reviewer":"a","spans":[{"start":-1,"end":3,"technique":"Doubt"}]}`, jsonHeader, 400, "negative start"},
		{"end before start", "PUT", path, `{"reviewer":"a","spans":[{"start":5,"end":5,"technique":"Doubt"}]}`, jsonHeader, 400, "end is not after start"},
		{"unknown technique", "PUT", path, `{"reviewer":"a","spans":[{"start":1,"end":5,"technique":"Sarcasm"}]}`, jsonHeader, 400, "unknown technique"},
		{"no reviewer", "PUT", path, `{"reviewer":" ","spans":[]}`, jsonHeader, 400, "reviewer is required"},
		{"long reviewer", "PUT", path, `{"reviewer":"` + strings.Repeat("x", 201) + `","spans":[]}`, jsonHeader, 400, "reviewer longer"},
		{"no spans", "PUT", path, `{"reviewer":"a"}`, jsonHeader, 400, "spans is required"},
		{"malformed JSON", "PUT", path, `{"reviewer":`, jsonHeader, 400, "malformed JSON"},
		{"unknown field", "PUT", path, `{"reviewer":"a","spans":[],"score":1}`, jsonHeader, 400, "unknown field"},
		{"offsets as strings", "PUT", path, `{"reviewer":"a","spans":[{"start":"1","end":"5","technique":"Doubt"}]}`, jsonHeader, 400, "malformed JSON"},
		{"not JSON", "PUT", path, `reviewer=a`, map[string]string{"Content-Type": "application/x-www-form-urlencoded"}, 415, "send application/json"},
		{"empty body", "PUT", path, ``, jsonHeader, 400, "empty body"},
		{"no such article", "PUT", "/api/v1/articles/999/review", `{"reviewer":"a","spans":[]}`, jsonHeader, 404, "not found"},
		{"bad id", "PUT", "/api/v1/articles/x/review", `{"reviewer":"a","spans":[]}`, jsonHeader, 400, "positive whole number"},
		{"GET no such article", "GET", "/api/v1/articles/999/review", "", nil, 404, "not found"},
		{"GET bad id", "GET", "/api/v1/articles/0/review", "", nil, 400, "positive whole number"},
		{"POST not allowed", "POST", path, `{}`, jsonHeader, 405, "not allowed"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rec := f.do(t, call{method: tc.method, path: tc.path, body: tc.body, header: tc.header})
			if rec.Code != tc.status || !strings.Contains(rec.Body.String(), tc.want) {
				t.Errorf("%d %s, want %d with %q", rec.Code, rec.Body, tc.status, tc.want)
			}
		})
	}
	// A rejected PUT left the last review as it was.
	if rec := f.do(t, call{method: "GET", path: path}); !strings.Contains(rec.Body.String(), `"reviewer":"bo"`) {
		t.Errorf("after rejected PUTs: %s", rec.Body)
	}
}

func TestReviewNeedsToken(t *testing.T) {
	f := newFixture(t, Config{Token: "s3cret"})
	body, _ := json.Marshal(AnalyzeRequest{Text: "A terrible plan."})
	rec := f.do(t, call{method: "POST", path: "/api/v1/analyze", body: string(body), header: map[string]string{"Authorization": "Bearer s3cret"}})
	id := int64(jsonBody(t, rec)["id"].(float64))
	path := fmt.Sprintf("/api/v1/articles/%d/review", id)
	put := `{"reviewer":"a","done":true,"spans":[{"start":2,"end":10,"technique":"Loaded_Language"}]}`
	if rec := f.do(t, call{method: "PUT", path: path, body: put, header: jsonHeader}); rec.Code != 401 {
		t.Errorf("PUT without the token: %d", rec.Code)
	}
	if rec := f.do(t, call{method: "PUT", path: path, body: put, header: map[string]string{"Content-Type": "application/json", "Authorization": "Bearer wrong"}}); rec.Code != 401 {
		t.Errorf("PUT with a wrong token: %d", rec.Code)
	}
	if rec := f.do(t, call{method: "PUT", path: path, body: put, header: map[string]string{"Content-Type": "application/json", "Authorization": "Bearer s3cret"}}); rec.Code != 200 {
		t.Errorf("PUT with the token: %d %s", rec.Code, rec.Body)
	}
	if rec := f.do(t, call{method: "GET", path: path}); rec.Code != 200 {
		t.Errorf("GET needs no token: %d", rec.Code)
	}
}

func TestReviewPages(t *testing.T) {
	f := newFixture(t, Config{})
	a := storeArticle(t, f, "A terrible, shameful plan by a terrible council.", "Council")
	b := storeArticle(t, f, "A calm day.", "Calm")
	put := fmt.Sprintf(`{"reviewer":"ana","done":true,"spans":[{"start":2,"end":10,"technique":"Loaded_Language"},{"start":40,"end":47,"technique":"Slogans"}]}`)
	if rec := f.do(t, call{method: "PUT", path: fmt.Sprintf("/api/v1/articles/%d/review", a), body: put, header: jsonHeader}); rec.Code != 200 {
		t.Fatalf("PUT: %d %s", rec.Code, rec.Body)
	}
	for _, tc := range []struct {
		path       string
		want, lack []string
	}{
		{"/articles?reviewed=true", []string{"Council", "1 article"}, []string{"Calm"}},
		{"/articles?reviewed=false", []string{"Calm", "1 article"}, []string{">Council<"}},
		{"/api/v1/articles?reviewed=true", []string{`"Council"`}, []string{`"Calm"`}},
		{"/review", []string{"Review next", fmt.Sprintf(`href="/articles/%d"`, b), "uncertainty"}, []string{fmt.Sprintf(`href="/articles/%d"`, a)}},
		{"/dashboard", []string{"How reviewers agree with unspun", "1 finished review", "Added by reviewers", "Slogans"}, nil},
		{fmt.Sprintf("/articles/%d", a), []string{`id="review-init"`, `id="review-start"`, `data-key="1"`, "/static/review.js"}, nil},
	} {
		rec := f.do(t, call{method: "GET", path: tc.path})
		if rec.Code != 200 {
			t.Errorf("%s: %d %s", tc.path, rec.Code, rec.Body)
			continue
		}
		for _, w := range tc.want {
			if !strings.Contains(rec.Body.String(), w) {
				t.Errorf("%s lacks %q", tc.path, w)
			}
		}
		for _, w := range tc.lack {
			if strings.Contains(rec.Body.String(), w) {
				t.Errorf("%s has %q", tc.path, w)
			}
		}
		if !strings.HasPrefix(tc.path, "/api/") {
			checkNoInlineScript(t, rec.Body.String())
		}
	}
	if rec := f.do(t, call{method: "GET", path: "/articles?reviewed=maybe"}); rec.Code != 400 || !strings.Contains(rec.Body.String(), "reviewed=") {
		t.Errorf("reviewed=maybe: %d", rec.Code)
	}
}
