package exchange

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"unspun/internal/technique"
)

// Label Studio JSON: a list of tasks, each {"data": {"text": …},
// "annotations": [{"result": […]}], "predictions": [{"result": […]}]},
// each result item {"from_name", "to_name", "type": "labels", "value":
// {"start", "end", "text", "labels": […]}}.
//
// Offsets. Label Studio's Text tag reports value.start/end in code points
// (its editor's tests "Should calculate offsets by code points in text");
// older versions counted JavaScript string units (UTF-16), so that every
// offset after a character outside the Basic Multilingual Plane (an emoji)
// was one off per such character (its issues #1008 and #1347, 2021). unspun writes code points. On reading, a
// result whose value.text matches the code-point slice is taken as is;
// one whose value.text matches only the UTF-16 slice is converted from
// UTF-16; one that matches neither is an ErrTextMismatch. Without
// value.text the offsets are taken as code points.

// Label Studio names used by the export and expected by LabelStudioConfig.
const (
	LSFromName = "technique"
	LSToName   = "text"
)

// LabelStudioConfig is the labelling configuration of a Label Studio
// project that shows unspun's export: the text and the 14 techniques plus
// the unlabelled "Propaganda" span.
func LabelStudioConfig() string {
	var b strings.Builder
	b.WriteString("<View>\n  <Labels name=\"" + LSFromName + "\" toName=\"" + LSToName + "\">\n")
	for _, t := range technique.All() {
		fmt.Fprintf(&b, "    <Label value=%q background=%q/>\n", t.String(), t.Info().Color)
	}
	fmt.Fprintf(&b, "    <Label value=%q background=\"#999999\"/>\n", SpanLabel)
	b.WriteString("  </Labels>\n  <Text name=\"" + LSToName + "\" value=\"$text\"/>\n</View>\n")
	return b.String()
}

type lsTask struct {
	ID          json.RawMessage `json:"id,omitempty"`
	Data        lsData          `json:"data"`
	Annotations []lsAnnotation  `json:"annotations"`
	Predictions []lsAnnotation  `json:"predictions"`
}

type lsData struct {
	Text      *string         `json:"text"`
	ArticleID json.RawMessage `json:"article_id,omitempty"`
	Reviewer  string          `json:"reviewer,omitempty"`
	Done      bool            `json:"done,omitempty"`
	Updated   string          `json:"updated,omitempty"`
}

type lsAnnotation struct {
	Result       []lsResult `json:"result"`
	ModelVersion string     `json:"model_version,omitempty"`
	WasCancelled bool       `json:"was_cancelled,omitempty"`
}

type lsResult struct {
	ID       string   `json:"id,omitempty"`
	FromName string   `json:"from_name"`
	ToName   string   `json:"to_name"`
	Type     string   `json:"type"`
	Value    lsValue  `json:"value"`
	Score    *float64 `json:"score,omitempty"`
}

type lsValue struct {
	Start  *int     `json:"start"`
	End    *int     `json:"end"`
	Text   *string  `json:"text,omitempty"`
	Labels []string `json:"labels"`
}

// WriteLabelStudio writes articles as Label Studio tasks: a person's
// labels as the task's one annotation (SI spans that are not the labels'
// as "Propaganda" results after them), the model's fragments as its one
// prediction, offsets in code points.
func WriteLabelStudio(w io.Writer, arts []*Article) error {
	tasks := make([]lsTask, 0, len(arts))
	for _, a := range arts {
		t := newText(a.Text)
		txt := a.Text
		task := lsTask{Data: lsData{Text: &txt, ArticleID: json.RawMessage(strconv.Quote(a.ID)), Reviewer: a.Reviewer, Done: a.Done}, Annotations: []lsAnnotation{}, Predictions: []lsAnnotation{}}
		if !a.Updated.IsZero() {
			task.Data.Updated = a.Updated.UTC().Format(time.RFC3339)
		}
		if a.Annotated {
			res, err := lsResults(t, a.ID, "a", a.Labels, false)
			if err != nil {
				return err
			}
			for i, s := range a.Spans {
				if err := t.check(s.Start, s.End); err != nil {
					return fmt.Errorf("article %s: %w", a.ID, err)
				}
				res = append(res, lsItem(t, fmt.Sprintf("s%d", i+1), s.Start, s.End, SpanLabel, nil))
			}
			task.Annotations = append(task.Annotations, lsAnnotation{Result: res})
		}
		if len(a.Predictions) > 0 || a.Model != "" {
			res, err := lsResults(t, a.ID, "p", a.Predictions, true)
			if err != nil {
				return err
			}
			task.Predictions = append(task.Predictions, lsAnnotation{Result: res, ModelVersion: a.Model})
		}
		tasks = append(tasks, task)
	}
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", " ")
	return enc.Encode(tasks)
}

func lsResults(t *text, id, prefix string, frags []Fragment, scored bool) ([]lsResult, error) {
	res := make([]lsResult, 0, len(frags))
	for i, f := range frags {
		if err := t.check(f.Start, f.End); err != nil {
			return nil, fmt.Errorf("article %s: %w", id, err)
		}
		var score *float64
		if scored {
			c := f.Confidence
			score = &c
		}
		res = append(res, lsItem(t, fmt.Sprintf("%s%d", prefix, i+1), f.Start, f.End, f.Technique.String(), score))
	}
	return res, nil
}

func lsItem(t *text, id string, start, end int, label string, score *float64) lsResult {
	s, e, txt := start, end, t.slice(start, end)
	return lsResult{ID: id, FromName: LSFromName, ToName: LSToName, Type: "labels",
		Value: lsValue{Start: &s, End: &e, Text: &txt, Labels: []string{label}}, Score: score}
}

// MaxLabelStudioBytes bounds a Label Studio export read into memory.
const MaxLabelStudioBytes = 1 << 30

// ReadLabelStudio reads a Label Studio JSON export (a list of tasks), named
// name in errors. Each task's text is data.text; its id data.article_id,
// else the task's id. Its labels are its first annotation that was not
// cancelled (a task without one is not Annotated); its predictions those
// of its first prediction. Result items of other types than "labels"
// (relations, choices) are skipped.
func ReadLabelStudio(name string, r io.Reader) ([]*Article, error) {
	b, err := io.ReadAll(io.LimitReader(r, MaxLabelStudioBytes+1))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if len(b) > MaxLabelStudioBytes {
		return nil, &ParseError{File: name, Err: reason(ErrSyntax, "larger than %d MB", MaxLabelStudioBytes>>20)}
	}
	lineAt := func(off int64) int { return bytes.Count(b[:min(int(off), len(b))], []byte("\n")) + 1 }
	dec := json.NewDecoder(bytes.NewReader(b))
	syntax := func(err error) error {
		line := lineAt(dec.InputOffset())
		if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) {
			line = lineAt(int64(len(b)))
		}
		if se, ok := err.(*json.SyntaxError); ok {
			line = lineAt(se.Offset)
		}
		return &ParseError{File: name, Line: line, Err: reason(ErrSyntax, "not Label Studio JSON: %v", err)}
	}
	tok, err := dec.Token()
	if err != nil {
		return nil, syntax(err)
	}
	if d, ok := tok.(json.Delim); !ok || d != '[' {
		return nil, &ParseError{File: name, Line: 1, Err: reason(ErrSyntax, "expected a list of tasks ([…])")}
	}
	var out []*Article
	seen := map[string]int{}
	for n := 1; dec.More(); n++ {
		// The task starts after any whitespace and comma before it.
		start := dec.InputOffset()
		for start < int64(len(b)) && strings.IndexByte(" \t\r\n,", b[start]) >= 0 {
			start++
		}
		var task lsTask
		if err := dec.Decode(&task); err != nil {
			return nil, syntax(err)
		}
		where := fmt.Sprintf("task %d", n)
		fail := func(err error) error { return &ParseError{File: name, Line: lineAt(start), Where: where, Err: err} }
		a, err := lsArticle(&task, n)
		if err != nil {
			return nil, fail(err)
		}
		if prev, dup := seen[a.ID]; dup {
			return nil, fail(reason(ErrSyntax, "article id %q already used by task %d", a.ID, prev))
		}
		seen[a.ID] = n
		out = append(out, a)
	}
	if _, err := dec.Token(); err != nil {
		return nil, syntax(err)
	}
	if len(out) == 0 {
		return nil, &ParseError{File: name, Err: reason(ErrMissing, "no tasks")}
	}
	return out, nil
}

func lsArticle(task *lsTask, n int) (*Article, error) {
	if task.Data.Text == nil {
		return nil, reason(ErrMissing, "no data.text")
	}
	if err := validText(*task.Data.Text); err != nil {
		return nil, err
	}
	id, err := lsID(task.Data.ArticleID)
	if err != nil {
		return nil, err
	}
	if id == "" {
		if id, err = lsID(task.ID); err != nil {
			return nil, err
		}
	}
	if id == "" {
		id = strconv.Itoa(n)
	}
	if err := checkID(id); err != nil {
		return nil, reason(ErrSyntax, "%v", err)
	}
	a := &Article{ID: id, Text: *task.Data.Text, Reviewer: task.Data.Reviewer, Done: task.Data.Done}
	if task.Data.Updated != "" {
		if a.Updated, err = time.Parse(time.RFC3339, task.Data.Updated); err != nil {
			return nil, reason(ErrSyntax, "data.updated %q is not an RFC 3339 time", task.Data.Updated)
		}
	}
	t := newText(a.Text)
	for _, ann := range task.Annotations {
		if ann.WasCancelled {
			continue
		}
		a.Annotated = true
		var spans []Span
		if a.Labels, spans, err = lsFragments(t, ann.Result, "annotation"); err != nil {
			return nil, err
		}
		if spans != nil && !equalSpans(spans, dedupSpans(a.Labels)) {
			a.Spans = spans
		}
		break
	}
	if len(task.Predictions) > 0 {
		p := task.Predictions[0]
		a.Model = p.ModelVersion
		if a.Predictions, _, err = lsFragments(t, p.Result, "prediction"); err != nil {
			return nil, err
		}
	}
	return a, nil
}

// lsID reads an id given as a JSON string or number; "" when absent.
func lsID(raw json.RawMessage) (string, error) {
	if len(raw) == 0 || string(raw) == "null" {
		return "", nil
	}
	var s string
	if err := json.Unmarshal(raw, &s); err == nil {
		return s, nil
	}
	var num json.Number
	if err := json.Unmarshal(raw, &num); err == nil {
		return num.String(), nil
	}
	return "", reason(ErrSyntax, "id %s is neither a string nor a number", raw)
}

// lsFragments converts result items: technique labels to fragments (one
// per label), "Propaganda" labels to SI spans (nil when there are none).
func lsFragments(t *text, items []lsResult, kind string) ([]Fragment, []Span, error) {
	frags := []Fragment{}
	var spans []Span
	for i, it := range items {
		if it.Type != "labels" {
			continue
		}
		fail := func(err error) error { return fmt.Errorf("%s result %d (id %q): %w", kind, i+1, it.ID, err) }
		if it.Value.Start == nil || it.Value.End == nil {
			return nil, nil, fail(reason(ErrMissing, "value.start or value.end"))
		}
		start, end, err := lsOffsets(t, *it.Value.Start, *it.Value.End, it.Value.Text)
		if err != nil {
			return nil, nil, fail(err)
		}
		if len(it.Value.Labels) == 0 {
			return nil, nil, fail(reason(ErrMissing, "value.labels is empty"))
		}
		for _, l := range it.Value.Labels {
			if l == SpanLabel {
				spans = append(spans, Span{start, end})
				continue
			}
			tech, err := parseLabel(l)
			if err != nil {
				return nil, nil, fail(err)
			}
			f := Fragment{Start: start, End: end, Technique: tech}
			if it.Score != nil {
				f.Confidence = *it.Score
			}
			frags = append(frags, f)
		}
	}
	return frags, spans, nil
}

// lsOffsets resolves a result's offsets to code points (see the package's
// note on Label Studio's offsets).
func lsOffsets(t *text, start, end int, want *string) (int, int, error) {
	cpErr := t.check(start, end)
	if want == nil {
		return start, end, cpErr
	}
	if cpErr == nil && t.slice(start, end) == *want {
		return start, end, nil
	}
	if t.u16 != nil {
		s, ok1 := t.fromUTF16(start)
		e, ok2 := t.fromUTF16(end)
		if ok1 && ok2 && t.check(s, e) == nil && t.slice(s, e) == *want {
			return s, e, nil
		}
	}
	if cpErr != nil {
		return 0, 0, cpErr
	}
	return 0, 0, reason(ErrTextMismatch, "value.text %q is not the text at [%d,%d): %q", clip(*want), start, end, clip(t.slice(start, end)))
}

// clip shortens a fragment's text for an error message.
func clip(s string) string {
	r := []rune(s)
	if len(r) > 60 {
		return string(r[:57]) + "…"
	}
	return s
}
