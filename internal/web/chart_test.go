package web

import (
	"encoding/xml"
	"strings"
	"testing"

	"unspun/internal/store"
)

// wellFormed parses svg as XML, which also proves no markup leaked in from
// the data: an unescaped "<script>" or quote would break it or add elements.
func wellFormed(t *testing.T, svg string) (elements map[string]int) {
	t.Helper()
	elements = map[string]int{}
	d := xml.NewDecoder(strings.NewReader(svg))
	for {
		tok, err := d.Token()
		if err != nil {
			if err.Error() == "EOF" {
				return elements
			}
			t.Fatalf("SVG is not well-formed: %v\n%s", err, svg)
		}
		if se, ok := tok.(xml.StartElement); ok {
			elements[se.Name.Local]++
		}
	}
}

func TestMixChart(t *testing.T) {
	stats := []store.Stat{
		{Key: `<script>alert("x")</script>`, Articles: 2, Words: 1000, Spans: 4, Rate: 4,
			Techniques:     map[string]int{"Loaded_Language": 3, "Doubt": 1},
			TechniqueRates: map[string]float64{"Loaded_Language": 3, "Doubt": 1}},
		{Key: "", Articles: 1, Words: 100},
	}
	svg := string(MixChart(stats))
	el := wellFormed(t, svg)
	if el["script"] != 0 || !strings.Contains(svg, "&lt;script&gt;") {
		t.Errorf("source name not escaped:\n%s", svg)
	}
	// Two technique segments for the first source, one empty bar for the second.
	if el["rect"] != 3 {
		t.Errorf("%d rects, want 3", el["rect"])
	}
	if !strings.Contains(svg, "Loaded language: 3 of 4 spans (75%)") || !strings.Contains(svg, "(no source)") {
		t.Errorf("chart lacks its labels:\n%s", svg)
	}
	if MixChart(nil) != "" {
		t.Error("empty stats drew a chart")
	}
}

func TestTimeChart(t *testing.T) {
	var stats []store.Stat
	for _, d := range []string{"2024-01-01", "2024-01-02", "2024-01-03"} {
		stats = append(stats, store.Stat{Key: d, Words: 1000, Spans: 2, Rate: 2,
			Techniques: map[string]int{"Slogans": 2}, TechniqueRates: map[string]float64{"Slogans": 2}})
	}
	stats[1].Spans, stats[1].Rate, stats[1].Techniques, stats[1].TechniqueRates = 0, 0, map[string]int{}, map[string]float64{}
	svg := string(TimeChart(stats))
	el := wellFormed(t, svg)
	if el["rect"] != 2 {
		t.Errorf("%d rects, want one per day with techniques (2)", el["rect"])
	}
	for _, want := range []string{"01-01", "01-03", "2024-01-03 — Slogans: 2 spans, 2.0 per 1k words"} {
		if !strings.Contains(svg, want) {
			t.Errorf("chart lacks %q", want)
		}
	}
}

func TestNiceCeil(t *testing.T) {
	for _, tt := range []struct{ in, want float64 }{{0, 1}, {0.3, 0.5}, {1, 1}, {1.1, 2}, {23.3, 50}, {51, 100}, {100, 100}} {
		if got := niceCeil(tt.in); got != tt.want {
			t.Errorf("niceCeil(%v) = %v, want %v", tt.in, got, tt.want)
		}
	}
}
