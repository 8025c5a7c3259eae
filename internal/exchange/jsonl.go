package exchange

import (
	"bufio"
	"encoding/json"
	"io"
)

// WriteJSONL writes one JSON object (a Row) a line, offsets in code
// points.
func WriteJSONL(w io.Writer, arts []*Article) error {
	bw := bufio.NewWriter(w)
	enc := json.NewEncoder(bw)
	enc.SetEscapeHTML(false)
	for _, a := range arts {
		rows, err := Rows(a)
		if err != nil {
			return err
		}
		for _, r := range rows {
			if err := enc.Encode(r); err != nil {
				return err
			}
		}
	}
	return bw.Flush()
}
