package task

import (
	"fmt"
	"path/filepath"
	"slices"
	"strings"

	"unspun/internal/corpus"
)

// ReadData reads one or more folders in the Propaganda Techniques Corpus
// layout (articles/ and labels-tc/ or labels-si/) as one training set,
// sorted by article id. An article that appears in several folders is
// taken, text and labels together, from the last folder that has it: a
// folder of reviewed articles exported after the corpus replaces the
// corpus's annotations of those articles. When ids is non-nil only those
// articles are kept, and an id no folder has is an error. replaced
// counts the articles a later folder took over.
func ReadData(dirs []string, ids []string) (arts []*corpus.Article, replaced int, err error) {
	byID := map[string]*corpus.Article{}
	for _, dir := range dirs {
		got, err := corpus.ReadPTC(dir, nil)
		if err != nil {
			return nil, 0, err
		}
		for _, a := range got {
			if byID[a.ID] != nil {
				replaced++
			}
			byID[a.ID] = a
		}
	}
	if ids != nil {
		keep := make(map[string]*corpus.Article, len(ids))
		var missing []string
		for _, id := range ids {
			if a := byID[id]; a != nil {
				keep[id] = a
			} else {
				missing = append(missing, id)
			}
		}
		if len(missing) > 0 {
			return nil, 0, fmt.Errorf("%s: no article file for id(s) %s", strings.Join(dirs, ", "), strings.Join(missing, ", "))
		}
		byID = keep
	}
	for _, a := range byID {
		arts = append(arts, a)
	}
	slices.SortFunc(arts, func(x, y *corpus.Article) int { return strings.Compare(x.ID, y.ID) })
	return arts, replaced, nil
}

// DataName names folders for the model's metadata: their base names,
// joined by "+".
func DataName(dirs []string) string {
	names := make([]string, len(dirs))
	for i, d := range dirs {
		names[i] = filepath.Base(filepath.Clean(d))
	}
	return strings.Join(names, "+")
}
