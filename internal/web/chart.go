package web

import (
	"fmt"
	"html"
	"html/template"
	"math"
	"strings"

	"unspun/internal/store"
	"unspun/internal/technique"
)

// The charts are SVG drawn on the server: no chart library, nothing to
// download, and they print. Every string from the database goes through
// html.EscapeString; numbers are formatted by the program.

const (
	chartWidth = 720
	labelWidth = 170
	rateWidth  = 90
	rowHeight  = 26
)

func esc(s string) string { return html.EscapeString(s) }

func truncate(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

// techniqueOrder lists the techniques present in stats, most frequent
// first, so the largest segments line up at the left of every bar.
func techniqueOrder(stats []store.Stat) []technique.Technique {
	total := map[technique.Technique]int{}
	for _, st := range stats {
		for label, n := range st.Techniques {
			if t, err := technique.Parse(label); err == nil {
				total[t] += n
			}
		}
	}
	var out []technique.Technique
	for _, t := range technique.All() {
		if total[t] > 0 {
			out = append(out, t)
		}
	}
	// Stable insertion sort by descending total keeps label order on ties.
	for i := 1; i < len(out); i++ {
		for j := i; j > 0 && total[out[j]] > total[out[j-1]]; j-- {
			out[j], out[j-1] = out[j-1], out[j]
		}
	}
	return out
}

// MixChart draws, for each source, a bar split by the share of each
// technique among its spans, with the source's rate of techniques per
// 1,000 words beside it.
func MixChart(stats []store.Stat) template.HTML {
	if len(stats) == 0 {
		return ""
	}
	order := techniqueOrder(stats)
	h := len(stats)*rowHeight + 30
	barW := float64(chartWidth - labelWidth - rateWidth)
	var b strings.Builder
	fmt.Fprintf(&b, `<svg class="chart" viewBox="0 0 %d %d" role="img" aria-labelledby="mix-title mix-desc">`, chartWidth, h)
	b.WriteString(`<title id="mix-title">Technique mix per source</title>`)
	fmt.Fprintf(&b, `<desc id="mix-desc">One bar per source (%d sources); each bar is split by the share of each technique among the source's highlighted spans. The number on the right is techniques per 1,000 words.</desc>`, len(stats))
	fmt.Fprintf(&b, `<text x="%d" y="16" class="axis" text-anchor="end">per 1k words</text>`, chartWidth-4)
	for i, st := range stats {
		y := 24 + i*rowHeight
		name := st.Key
		if name == "" {
			name = "(no source)"
		}
		fmt.Fprintf(&b, `<g><text x="%d" y="%d" class="label" text-anchor="end">%s<title>%s</title></text>`,
			labelWidth-8, y+14, esc(truncate(name, 22)), esc(name))
		if st.Spans == 0 {
			fmt.Fprintf(&b, `<rect x="%d" y="%d" width="%.1f" height="%d" class="empty"><title>%s: no techniques found</title></rect>`,
				labelWidth, y+2, barW, rowHeight-8, esc(name))
		}
		x := float64(labelWidth)
		for _, t := range order {
			n := st.Techniques[t.String()]
			if n == 0 {
				continue
			}
			w := barW * float64(n) / float64(st.Spans)
			info := t.Info()
			fmt.Fprintf(&b, `<rect x="%.1f" y="%d" width="%.1f" height="%d" fill="%s"><title>%s — %s: %d of %d spans (%.0f%%), %.1f per 1k words</title></rect>`,
				x, y+2, w, rowHeight-8, info.Color, esc(name), esc(info.Name), n, st.Spans, 100*float64(n)/float64(st.Spans), st.TechniqueRates[t.String()])
			x += w
		}
		fmt.Fprintf(&b, `<text x="%d" y="%d" class="value" text-anchor="end">%.1f</text></g>`, chartWidth-4, y+14, st.Rate)
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}

// TimeChart draws techniques per 1,000 words for each day as stacked
// columns, one colour per technique.
func TimeChart(stats []store.Stat) template.HTML {
	if len(stats) == 0 {
		return ""
	}
	const maxDays = 90
	if len(stats) > maxDays {
		stats = stats[len(stats)-maxDays:]
	}
	order := techniqueOrder(stats)
	const top, bottom, left, height = 16, 40, 44, 260
	plotH := float64(height - top - bottom)
	plotW := float64(chartWidth - left - 8)
	maxRate := 0.0
	for _, st := range stats {
		maxRate = math.Max(maxRate, st.Rate)
	}
	scale := niceCeil(maxRate)
	// Columns are at most 48 units wide, so a few days do not become slabs.
	colW := math.Min(48, plotW/float64(len(stats)))
	gap := math.Min(4, colW*0.2)
	var b strings.Builder
	fmt.Fprintf(&b, `<svg class="chart" viewBox="0 0 %d %d" role="img" aria-labelledby="time-title time-desc">`, chartWidth, height)
	b.WriteString(`<title id="time-title">Techniques over time</title>`)
	fmt.Fprintf(&b, `<desc id="time-desc">Techniques per 1,000 words for each of %d days from %s to %s, stacked by technique.</desc>`,
		len(stats), esc(stats[0].Key), esc(stats[len(stats)-1].Key))
	for _, frac := range []float64{0, 0.5, 1} {
		y := float64(top) + plotH*(1-frac)
		fmt.Fprintf(&b, `<line x1="%d" x2="%d" y1="%.1f" y2="%.1f" class="grid"/><text x="%d" y="%.1f" class="axis" text-anchor="end">%g</text>`,
			left, chartWidth-8, y, y, left-6, y+4, scale*frac)
	}
	labelEvery := int(math.Ceil(float64(len(stats)) / 8))
	for i, st := range stats {
		x := float64(left) + float64(i)*colW + gap/2
		y := float64(top) + plotH
		for _, t := range order {
			r := st.TechniqueRates[t.String()]
			if r == 0 {
				continue
			}
			hgt := plotH * r / scale
			y -= hgt
			info := t.Info()
			fmt.Fprintf(&b, `<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="%s"><title>%s — %s: %d spans, %.1f per 1k words</title></rect>`,
				x, y, colW-gap, hgt, info.Color, esc(st.Key), esc(info.Name), st.Techniques[t.String()], r)
		}
		if i%labelEvery == 0 {
			fmt.Fprintf(&b, `<text x="%.1f" y="%d" class="axis" text-anchor="middle">%s</text>`,
				x+(colW-gap)/2, height-bottom+16, esc(shortDay(st.Key)))
		}
	}
	fmt.Fprintf(&b, `<text x="%d" y="%d" class="axis">per 1k words</text>`, left, top-4)
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}

// shortDay turns YYYY-MM-DD into MM-DD for axis labels.
func shortDay(d string) string {
	if len(d) == 10 {
		return d[5:]
	}
	return d
}

// niceCeil rounds x up to 1, 2 or 5 times a power of ten, for axis ends.
func niceCeil(x float64) float64 {
	if x <= 0 {
		return 1
	}
	p := math.Pow(10, math.Floor(math.Log10(x)))
	for _, m := range []float64{1, 2, 5, 10} {
		if x <= m*p {
			return m * p
		}
	}
	return 10 * p
}
