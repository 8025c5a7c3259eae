package analyze

import (
	"unspun/internal/analysis"
	"unspun/internal/doc"
	"unspun/internal/target"
	"unspun/internal/technique"
)

// setTargets says who is being labelled (package target) for each span of
// res whose technique labels someone: Name calling / labeling and Loaded
// language.
func setTargets(d *doc.Document, res *analysis.Result) {
	var f *target.Finder
	for i := range res.Spans {
		s := &res.Spans[i]
		if s.Technique != technique.NameCalling && s.Technique != technique.LoadedLanguage {
			continue
		}
		if f == nil {
			f = target.New(d)
		}
		s.Target = f.Find(s.Start, s.End)
	}
}
