package exchange

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"unspun/internal/technique"
	"unspun/internal/testenv"
)

// sameTree fails unless every file under want has a byte-identical twin
// under got and got has no other file.
func sameTree(t *testing.T, want, got string) {
	t.Helper()
	n := 0
	for _, sub := range []string{"articles", "labels-tc", "labels-si"} {
		wf, _ := filepath.Glob(filepath.Join(want, sub, "*"))
		gf, _ := filepath.Glob(filepath.Join(got, sub, "*"))
		if len(wf) != len(gf) {
			t.Fatalf("%s: %d files, want %d", sub, len(gf), len(wf))
		}
		for _, p := range wf {
			a, err := os.ReadFile(p)
			if err != nil {
				t.Fatal(err)
			}
			b, err := os.ReadFile(filepath.Join(got, sub, filepath.Base(p)))
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(a, b) {
				t.Errorf("%s/%s differs after the round trip:\n got %q\nwant %q", sub, filepath.Base(p), clip(string(b)), clip(string(a)))
			}
			n++
		}
	}
	if n == 0 {
		t.Fatal("no files compared")
	}
}

func TestRoundTripPTC(t *testing.T) {
	ptc := testenv.PTC(t)
	arts, err := ReadPTC(ptc)
	if err != nil {
		t.Fatal(err)
	}
	if len(arts) != 371 {
		t.Fatalf("read %d articles, want 371", len(arts))
	}
	t.Run("ptc", func(t *testing.T) {
		out := filepath.Join(t.TempDir(), "ptc")
		if err := WritePTC(out, arts); err != nil {
			t.Fatal(err)
		}
		sameTree(t, ptc, out)
	})
	t.Run("labelstudio", func(t *testing.T) {
		var buf bytes.Buffer
		if err := WriteLabelStudio(&buf, arts); err != nil {
			t.Fatal(err)
		}
		back, err := ReadLabelStudio("export.json", &buf)
		if err != nil {
			t.Fatal(err)
		}
		out := filepath.Join(t.TempDir(), "ptc")
		if err := WritePTC(out, back); err != nil {
			t.Fatal(err)
		}
		sameTree(t, ptc, out)
	})
	t.Run("brat", func(t *testing.T) {
		dir := filepath.Join(t.TempDir(), "brat")
		if err := WriteBRAT(dir, arts); err != nil {
			t.Fatal(err)
		}
		back, err := ReadBRAT(dir)
		if err != nil {
			t.Fatal(err)
		}
		out := filepath.Join(t.TempDir(), "ptc")
		if err := WritePTC(out, back); err != nil {
			t.Fatal(err)
		}
		sameTree(t, ptc, out)
	})
}

// emoji is a text with characters outside the BMP before a fragment, where
// code points and UTF-16 units differ.
const emoji = "🐱🐶 cats are the worst"

func TestLabelStudioOffsets(t *testing.T) {
	// "worst" is code points [16,21), UTF-16 units [18,23).
	for _, tc := range []struct {
		name       string
		start, end int
		text       string
		want       [2]int
		wantErr    error
	}{
		{"code points", 16, 21, `,"text":"worst"`, [2]int{16, 21}, nil},
		{"utf-16 of older versions", 18, 23, `,"text":"worst"`, [2]int{16, 21}, nil},
		{"no text: code points", 16, 21, ``, [2]int{16, 21}, nil},
		{"mismatch", 5, 9, `,"text":"worst"`, [2]int{}, ErrTextMismatch},
		{"past the end", 16, 40, `,"text":"worst"`, [2]int{}, ErrOffset},
		{"split surrogate", 1, 5, `,"text":"x"`, [2]int{}, ErrTextMismatch},
		{"backwards", 9, 5, ``, [2]int{}, ErrOffset},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in := `[{"data":{"text":"` + emoji + `"},"annotations":[{"result":[{"id":"r1","from_name":"technique","to_name":"text","type":"labels","value":{"start":` +
				itoa(tc.start) + `,"end":` + itoa(tc.end) + tc.text + `,"labels":["Loaded_Language"]}}]}]}]`
			arts, err := ReadLabelStudio("in.json", strings.NewReader(in))
			if tc.wantErr != nil {
				var pe *ParseError
				if !errors.Is(err, tc.wantErr) || !errors.As(err, &pe) || pe.Where != "task 1" || pe.File != "in.json" {
					t.Fatalf("err = %v, want a ParseError for task 1 wrapping %v", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			f := arts[0].Labels[0]
			if [2]int{f.Start, f.End} != tc.want {
				t.Errorf("offsets [%d,%d), want %v", f.Start, f.End, tc.want)
			}
		})
	}
}

func itoa(n int) string { b, _ := json.Marshal(n); return string(b) }

func TestWriteLabelStudioCodePoints(t *testing.T) {
	a := &Article{ID: "7", Text: emoji, Annotated: true,
		Labels:      []Fragment{{Start: 16, End: 21, Technique: technique.LoadedLanguage}},
		Predictions: []Fragment{{Start: 5, End: 9, Technique: technique.NameCalling, Confidence: 0.25}}, Model: "unspun-x"}
	var buf bytes.Buffer
	if err := WriteLabelStudio(&buf, []*Article{a}); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`"start": 16`, `"end": 21`, `"text": "worst"`, `"article_id": "7"`, `"model_version": "unspun-x"`, `"score": 0.25`, `"Name_Calling,Labeling"`} {
		if !strings.Contains(buf.String(), want) {
			t.Errorf("export lacks %s:\n%s", want, buf.String())
		}
	}
	back, err := ReadLabelStudio("x.json", &buf)
	if err != nil {
		t.Fatal(err)
	}
	if b := back[0]; b.ID != "7" || len(b.Predictions) != 1 || b.Predictions[0].Confidence != 0.25 || b.Model != "unspun-x" || b.Spans != nil {
		t.Errorf("read back %+v", b)
	}
}

func TestReadLabelStudioErrors(t *testing.T) {
	for _, tc := range []struct {
		name, in string
		line     int
		where    string
		want     error
	}{
		{"not json", "{oops", 1, "", ErrSyntax},
		{"not a list", `{"data":{}}`, 1, "", ErrSyntax},
		{"empty list", `[]`, 0, "", ErrMissing},
		{"bad json in task 2", "[\n{\"data\":{\"text\":\"a\"}},\n{\"data\":{\"text\":]\n", 3, "", ErrSyntax},
		{"no text", "[\n{\"data\":{\"text\":\"a\"}},\n  {\"data\":{}}]", 3, "task 2", ErrMissing},
		{"unknown label", `[{"data":{"text":"abc"},"annotations":[{"result":[{"type":"labels","value":{"start":0,"end":1,"labels":["Sarcasm"]}}]}]}]`, 1, "task 1", ErrUnknownLabel},
		{"no labels", `[{"data":{"text":"abc"},"annotations":[{"result":[{"type":"labels","value":{"start":0,"end":1,"labels":[]}}]}]}]`, 1, "task 1", ErrMissing},
		{"no offsets", `[{"data":{"text":"abc"},"annotations":[{"result":[{"type":"labels","value":{"labels":["Doubt"]}}]}]}]`, 1, "task 1", ErrMissing},
		{"past the text", `[{"data":{"text":"abc"},"predictions":[{"result":[{"type":"labels","value":{"start":1,"end":9,"labels":["Doubt"]}}]}]}]`, 1, "task 1", ErrOffset},
		{"duplicate id", `[{"data":{"text":"a","article_id":"5"}},{"data":{"text":"b","article_id":5}}]`, 1, "task 2", ErrSyntax},
		{"bad id", `[{"data":{"text":"a","article_id":"../x"}}]`, 1, "task 1", ErrSyntax},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ReadLabelStudio("in.json", strings.NewReader(tc.in))
			var pe *ParseError
			if !errors.As(err, &pe) || !errors.Is(err, tc.want) {
				t.Fatalf("err = %v, want a ParseError wrapping %v", err, tc.want)
			}
			if pe.Line != tc.line || pe.Where != tc.where || pe.File != "in.json" {
				t.Errorf("error at line %d %q, want line %d %q: %v", pe.Line, pe.Where, tc.line, tc.where, err)
			}
		})
	}
}

func TestLabelStudioSkipsCancelledAndOtherTypes(t *testing.T) {
	in := `[{"data":{"text":"abc def"},"annotations":[{"was_cancelled":true,"result":[{"type":"labels","value":{"start":0,"end":3,"labels":["Doubt"]}}]},
	{"result":[{"type":"relation","from_id":"a","to_id":"b"},{"type":"labels","value":{"start":4,"end":7,"text":"def","labels":["Doubt","Slogans"]}}]}]}]`
	arts, err := ReadLabelStudio("in.json", strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	a := arts[0]
	if a.ID != "1" || !a.Annotated || len(a.Labels) != 2 || a.Labels[0] != (Fragment{Start: 4, End: 7, Technique: technique.Doubt}) || a.Labels[1].Technique != technique.Slogans {
		t.Errorf("got %+v", a)
	}
}

func writeBRAT(t *testing.T, txt, ann string) string {
	t.Helper()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "article9.txt"), []byte(txt), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "article9.ann"), []byte(ann), 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

func TestBRATLineBreaksAndCodePoints(t *testing.T) {
	txt := "🐱 Title\n\nThey lie.\nAlways.\n"
	a := &Article{ID: "9", Text: txt, Annotated: true, Labels: []Fragment{
		{Start: 9, End: 26, Technique: technique.Doubt},  // "They lie.\nAlways."
		{Start: 2, End: 7, Technique: technique.Slogans}, // "Title", after the emoji
	}}
	dir := filepath.Join(t.TempDir(), "b")
	if err := WriteBRAT(dir, []*Article{a}); err != nil {
		t.Fatal(err)
	}
	ann, _ := os.ReadFile(filepath.Join(dir, "article9.ann"))
	want := "T1\tDoubt 9 18;19 26\tThey lie. Always.\nT2\tSlogans 2 7\tTitle\n"
	if string(ann) != want {
		t.Errorf(".ann =\n%q\nwant\n%q", ann, want)
	}
	back, err := ReadBRAT(dir)
	if err != nil {
		t.Fatal(err)
	}
	if got := back[0].Labels; len(got) != 2 || got[0] != a.Labels[0] || got[1] != a.Labels[1] {
		t.Errorf("read back %+v, want %+v", got, a.Labels)
	}
	if conf, _ := os.ReadFile(filepath.Join(dir, "annotation.conf")); !strings.Contains(string(conf), "Name_Calling,Labeling\n") {
		t.Errorf("annotation.conf lacks the techniques:\n%s", conf)
	}
}

func TestReadBRATDiscontinuous(t *testing.T) {
	dir := writeBRAT(t, "one two three", "T1\tDoubt 0 3;8 13\tone three\nR1\tRel Arg1:T1 Arg2:T1\n#1\tAnnotatorNotes T1\tnote\n")
	arts, err := ReadBRAT(dir)
	if err != nil {
		t.Fatal(err)
	}
	if got := arts[0].Labels; len(got) != 2 || got[0].End != 3 || got[1].Start != 8 {
		t.Errorf("got %+v, want two spans", got)
	}
}

func TestReadBRATErrors(t *testing.T) {
	for _, tc := range []struct {
		name, ann string
		line      int
		where     string
		want      error
	}{
		{"unknown type", "T1\tPerson 0 3\tone\n", 1, "T1", ErrUnknownLabel},
		{"past the text", "T1\tDoubt 0 3\tone\nT2\tDoubt 4 99\tx\n", 2, "T2", ErrOffset},
		{"text mismatch", "T1\tDoubt 0 3\ttwo\n", 1, "T1", ErrTextMismatch},
		{"not integers", "T1\tDoubt a b\tone\n", 1, "T1", ErrSyntax},
		{"no offsets", "T1\tDoubt\n", 1, "T1", ErrSyntax},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := writeBRAT(t, "one two", tc.ann)
			_, err := ReadBRAT(dir)
			var pe *ParseError
			if !errors.As(err, &pe) || !errors.Is(err, tc.want) {
				t.Fatalf("err = %v, want a ParseError wrapping %v", err, tc.want)
			}
			if pe.Line != tc.line || pe.Where != tc.where || filepath.Base(pe.File) != "article9.ann" {
				t.Errorf("at %s:%d %q, want line %d %q", pe.File, pe.Line, pe.Where, tc.line, tc.where)
			}
		})
	}
	t.Run("ann without txt", func(t *testing.T) {
		dir := t.TempDir()
		os.WriteFile(filepath.Join(dir, "x.ann"), nil, 0o644)
		if _, err := ReadBRAT(dir); err == nil || !strings.Contains(err.Error(), "no x.txt") {
			t.Errorf("err = %v", err)
		}
	})
	t.Run("txt without ann", func(t *testing.T) {
		dir := t.TempDir()
		os.WriteFile(filepath.Join(dir, "article1.txt"), []byte("a"), 0o644)
		if _, err := ReadBRAT(dir); err == nil || !strings.Contains(err.Error(), "no .ann") {
			t.Errorf("err = %v", err)
		}
	})
}

func TestRowsJSONLCSV(t *testing.T) {
	a := &Article{ID: "3", Text: "“Quote, here” and more", Annotated: true,
		Labels:      []Fragment{{Start: 1, End: 12, Technique: technique.NameCalling}},
		Predictions: []Fragment{{Start: 18, End: 22, Technique: technique.LoadedLanguage, Confidence: 0.31234}}}
	var j, c bytes.Buffer
	if err := WriteJSONL(&j, []*Article{a}); err != nil {
		t.Fatal(err)
	}
	if err := WriteCSV(&c, []*Article{a}); err != nil {
		t.Fatal(err)
	}
	wantJ := `{"article":"3","start":1,"end":12,"technique":"Name_Calling,Labeling","text":"Quote, here","confidence":0,"source":"annotation"}
{"article":"3","start":18,"end":22,"technique":"Loaded_Language","text":"more","confidence":0.31234,"source":"model"}
`
	wantC := `article,start,end,technique,text,confidence,source
3,1,12,"Name_Calling,Labeling","Quote, here",,annotation
3,18,22,Loaded_Language,more,0.3123,model
`
	if j.String() != wantJ {
		t.Errorf("JSONL:\n%s\nwant\n%s", j.String(), wantJ)
	}
	if c.String() != wantC {
		t.Errorf("CSV:\n%s\nwant\n%s", c.String(), wantC)
	}
}

func TestWriteRefusesBadInput(t *testing.T) {
	bad := []*Article{{ID: "1", Text: "abc", Annotated: true, Labels: []Fragment{{Start: 2, End: 9}}}}
	if err := WritePTC(filepath.Join(t.TempDir(), "o"), bad); !errors.Is(err, ErrOffset) {
		t.Errorf("WritePTC past the text: %v", err)
	}
	if err := WriteLabelStudio(&bytes.Buffer{}, bad); !errors.Is(err, ErrOffset) {
		t.Errorf("WriteLabelStudio past the text: %v", err)
	}
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "keep"), nil, 0o644)
	if err := WritePTC(dir, nil); err == nil || !strings.Contains(err.Error(), "not empty") {
		t.Errorf("WritePTC into a non-empty folder: %v", err)
	}
	two := []*Article{{ID: "1", Text: "a"}, {ID: "1", Text: "b"}}
	if err := WritePTC(filepath.Join(t.TempDir(), "o"), two); err == nil || !strings.Contains(err.Error(), "two articles have the id") {
		t.Errorf("WritePTC with a repeated id: %v", err)
	}
	if err := WriteBRAT(filepath.Join(t.TempDir(), "o"), []*Article{{ID: "a/b", Text: "x"}}); err == nil {
		t.Error("WriteBRAT accepted the id a/b")
	}
}
