package exchange

import (
	"encoding/csv"
	"io"
	"strconv"
)

// CSVHeader is the first row of WriteCSV's output.
var CSVHeader = []string{"article", "start", "end", "technique", "text", "confidence", "source"}

// WriteCSV writes a header and one row a fragment (RFC 4180, as
// spreadsheets read it), offsets in code points.
func WriteCSV(w io.Writer, arts []*Article) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(CSVHeader); err != nil {
		return err
	}
	for _, a := range arts {
		rows, err := Rows(a)
		if err != nil {
			return err
		}
		for _, r := range rows {
			conf := ""
			if r.Source == "model" {
				conf = strconv.FormatFloat(r.Confidence, 'f', 4, 64)
			}
			if err := cw.Write([]string{r.Article, strconv.Itoa(r.Start), strconv.Itoa(r.End), r.Technique, r.Text, conf, r.Source}); err != nil {
				return err
			}
		}
	}
	cw.Flush()
	return cw.Error()
}
