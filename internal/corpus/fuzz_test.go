package corpus

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

// FuzzParseLabels: any bytes either parse into spans that obey the format's
// rules and write back to rows that parse to the same spans, or fail with a
// *ParseError naming the file.
func FuzzParseLabels(f *testing.F) {
	f.Add("111111111\tLoaded_Language\t10\t20\n", 1)
	f.Add("111111111\t10\t20\r\n\n111111111\t30\t31\n", 0)
	f.Add("111111111\tx\t+265\t-1\n", 2)
	f.Add("\ufeff111111111\t1\t2\n", 0)
	f.Add("111111111\tName_Calling,Labeling\t 7 \t9\t\n", 1)
	f.Add(strings.Repeat("a", 70000)+"\n", 0)
	f.Fuzz(func(t *testing.T, data string, format int) {
		fm := Format(uint(format) % 3)
		lengths := map[string]int{"111111111": 100, "222": -1}
		for _, lens := range []map[string]int{nil, lengths} {
			spans, err := ParseLabels("f.labels", strings.NewReader(data), fm, lens)
			if err != nil {
				var pe *ParseError
				if !errors.As(err, &pe) || pe.File != "f.labels" {
					t.Fatalf("error %v is not a *ParseError naming the file", err)
				}
				continue
			}
			for _, s := range spans {
				if s.Start < 0 || s.Start >= s.End || s.Article == "" || strings.TrimSpace(s.Article) != s.Article {
					t.Fatalf("accepted span %+v", s)
				}
				if n, ok := lens[s.Article]; lens != nil && (!ok || n >= 0 && s.End > n) {
					t.Fatalf("span %+v accepted against lengths %v", s, lens)
				}
			}
			if fm == Spans || strings.ContainsAny(data, "\x00") {
				continue
			}
			var out bytes.Buffer
			write := WriteSI
			if fm == TC {
				write = WriteTC
			}
			if err := write(&out, spans); err != nil {
				t.Fatal(err)
			}
			again, err := ParseLabels("again", &out, fm, lens)
			if err != nil {
				t.Fatalf("written rows do not parse: %v\n%q", err, out.String())
			}
			if len(again) != len(spans) {
				t.Fatalf("%d spans written, %d read back", len(spans), len(again))
			}
			for i := range spans {
				if again[i] != spans[i] {
					t.Fatalf("span %d: wrote %+v, read %+v", i, spans[i], again[i])
				}
			}
		}
	})
}

// FuzzReadIDs: an id list either fails or gives ids without white space or
// comment marks.
func FuzzReadIDs(f *testing.F) {
	f.Add("111111111\n222222222\n")
	f.Add("# comment\n\n 333 \r\n")
	f.Add("a b\n")
	f.Add("\ufeff111\n")
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, data string) {
		p := filepath.Join(dir, "ids.txt")
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
		ids, err := ReadIDs(p)
		if err != nil {
			if !strings.Contains(err.Error(), p) {
				t.Fatalf("error %q does not name the file", err)
			}
			return
		}
		if len(ids) == 0 {
			t.Fatal("no ids and no error")
		}
		for _, id := range ids {
			if id == "" || strings.IndexFunc(id, unicode.IsSpace) >= 0 || strings.HasPrefix(id, "#") {
				t.Fatalf("id %q", id)
			}
			if utf8.ValidString(data) && !utf8.ValidString(id) {
				t.Fatalf("id %q is not valid UTF-8 from valid input", id)
			}
		}
	})
}
