package exchange

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"unicode/utf8"

	"unspun/internal/corpus"
)

// The corpus layout: articles/articleID.txt, labels-tc/articleID.task2-TC.labels
// and labels-si/articleID.task1-SI.labels, rows ID [TECHNIQUE] START END in
// code points, in the order the fragments have.

// ReadPTC reads a corpus-layout folder: every article with its TC and SI
// rows, in file order. An article with a labels file (even an empty one)
// is Annotated; one without is not.
func ReadPTC(dir string) ([]*Article, error) {
	arts, err := corpus.ReadArticles(filepath.Join(dir, "articles"), nil)
	if err != nil {
		return nil, err
	}
	// The texts are kept byte for byte (a leading byte-order mark too:
	// the corpus's offsets are Python string indices of the decoded file,
	// which count it).
	texts := make(map[string]string, len(arts))
	lengths := make(map[string]int, len(arts))
	for _, ca := range arts {
		txt, err := corpus.ReadText(ca.Path)
		if err != nil {
			return nil, err
		}
		texts[ca.ID] = txt
		lengths[ca.ID] = utf8.RuneCountInString(txt)
	}
	tc, err := readLabelDir(filepath.Join(dir, "labels-tc"), corpus.TC, lengths)
	if err != nil {
		return nil, err
	}
	si, err := readLabelDir(filepath.Join(dir, "labels-si"), corpus.SI, lengths)
	if err != nil {
		return nil, err
	}
	out := make([]*Article, 0, len(arts))
	for _, ca := range arts {
		a := &Article{ID: ca.ID, Text: texts[ca.ID]}
		if rows, ok := tc.byID[ca.ID]; ok {
			a.Annotated = true
			a.Labels = make([]Fragment, 0, len(rows))
			for _, s := range rows {
				a.Labels = append(a.Labels, Fragment{Start: s.Start, End: s.End, Technique: s.Technique})
			}
		}
		if rows, ok := si.byID[ca.ID]; ok {
			spans := make([]Span, 0, len(rows))
			for _, s := range rows {
				spans = append(spans, Span{s.Start, s.End})
			}
			if !a.Annotated {
				// SI labels only: spans without techniques cannot be
				// fragments, but they are kept.
				a.Annotated = true
			}
			if !equalSpans(spans, dedupSpans(a.Labels)) {
				a.Spans = spans
			}
		}
		out = append(out, a)
	}
	return out, nil
}

type labelDir struct{ byID map[string][]corpus.Span }

// readLabelDir reads a labels folder by article; a missing folder is
// empty.
func readLabelDir(dir string, f corpus.Format, lengths map[string]int) (labelDir, error) {
	ld := labelDir{byID: map[string][]corpus.Span{}}
	if _, err := os.Stat(dir); errors.Is(err, os.ErrNotExist) {
		return ld, nil
	}
	set, err := corpus.ReadLabelSet(dir, f, lengths)
	if err != nil {
		return ld, err
	}
	for _, id := range set.Articles {
		ld.byID[id] = nil
	}
	for _, s := range set.Spans {
		ld.byID[s.Article] = append(ld.byID[s.Article], s)
	}
	return ld, nil
}

// WritePTC writes articles in the corpus layout under dir, which must not
// exist or be empty (so that no stale label file is mixed in). Each
// article's fragments are its Fragments(): a person's labels where there
// are, the model's otherwise.
func WritePTC(dir string, arts []*Article) error {
	if err := checkUnique(arts); err != nil {
		return err
	}
	if err := emptyDir(dir); err != nil {
		return err
	}
	for _, sub := range []string{"articles", "labels-tc", "labels-si"} {
		if err := os.MkdirAll(filepath.Join(dir, sub), 0o755); err != nil {
			return err
		}
	}
	for _, a := range arts {
		if err := checkID(a.ID); err != nil {
			return err
		}
		frags, _ := a.Fragments()
		t := newText(a.Text)
		rows := make([]corpus.Span, 0, len(frags))
		for _, f := range frags {
			if err := t.check(f.Start, f.End); err != nil {
				return fmt.Errorf("article %s: %w", a.ID, err)
			}
			rows = append(rows, corpus.Span{Article: a.ID, Start: f.Start, End: f.End, Technique: f.Technique, HasTechnique: true})
		}
		var tc, si bytes.Buffer
		if err := corpus.WriteTC(&tc, rows); err != nil {
			return err
		}
		siRows := make([]corpus.Span, 0, len(rows))
		for _, s := range a.SISpans() {
			siRows = append(siRows, corpus.Span{Article: a.ID, Start: s.Start, End: s.End})
		}
		if err := corpus.WriteSI(&si, siRows); err != nil {
			return err
		}
		files := map[string][]byte{
			filepath.Join("articles", "article"+a.ID+".txt"):              []byte(a.Text),
			filepath.Join("labels-tc", "article"+a.ID+".task2-TC.labels"): tc.Bytes(),
			filepath.Join("labels-si", "article"+a.ID+".task1-SI.labels"): si.Bytes(),
		}
		for name, b := range files {
			if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
				return err
			}
		}
	}
	return nil
}

// checkUnique refuses two articles with one id: their files would
// overwrite each other.
func checkUnique(arts []*Article) error {
	seen := make(map[string]bool, len(arts))
	for _, a := range arts {
		if seen[a.ID] {
			return fmt.Errorf("two articles have the id %q; their files would overwrite each other", a.ID)
		}
		seen[a.ID] = true
	}
	return nil
}

// checkID refuses an article id that cannot name a corpus file.
func checkID(id string) error {
	if id == "" || corpus.ArticleID("article"+id+".txt") != id || filepath.Base(id) != id || bytes.ContainsAny([]byte(id), ". \t\n/\\") {
		return fmt.Errorf("article id %q cannot name a corpus file (articleID.txt)", id)
	}
	return nil
}

// emptyDir makes sure dir does not exist or is an empty directory.
func emptyDir(dir string) error {
	entries, err := os.ReadDir(dir)
	if errors.Is(err, os.ErrNotExist) {
		return os.MkdirAll(dir, 0o755)
	}
	if err != nil {
		return err
	}
	if len(entries) > 0 {
		return fmt.Errorf("%s: not empty; export into a new folder so no older file is mixed in", dir)
	}
	return nil
}
