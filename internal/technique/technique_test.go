package technique

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"unspun/internal/testenv"
)

func TestLabelsRoundTrip(t *testing.T) {
	seen := map[string]bool{}
	for _, tech := range All() {
		info := tech.Info()
		if info.Label == "" || info.Name == "" || info.Definition == "" || info.Example == "" || info.Color == "" || info.ANSI == 0 {
			t.Errorf("%d: incomplete info %+v", tech, info)
		}
		if seen[info.Label] {
			t.Errorf("duplicate label %q", info.Label)
		}
		seen[info.Label] = true
		got, err := Parse(info.Label)
		if err != nil || got != tech {
			t.Errorf("Parse(%q) = %v, %v; want %v", info.Label, got, err, tech)
		}
		b, err := tech.MarshalText()
		if err != nil || string(b) != info.Label {
			t.Errorf("MarshalText(%v) = %q, %v", tech, b, err)
		}
		var back Technique
		if err := back.UnmarshalText(b); err != nil || back != tech {
			t.Errorf("UnmarshalText(%q) = %v, %v", b, back, err)
		}
	}
	if len(All()) != Count {
		t.Errorf("All() has %d techniques, want %d", len(All()), Count)
	}
}

func TestLabelOrderIsAlphabetical(t *testing.T) {
	labels := make([]string, Count)
	for i, tech := range All() {
		labels[i] = tech.String()
	}
	if !slices.IsSorted(labels) {
		t.Errorf("labels are not in corpus (alphabetical) order: %q", labels)
	}
}

func TestInvalid(t *testing.T) {
	for _, label := range []string{"", "loaded_language", "Loaded Language", "Propaganda"} {
		if _, err := Parse(label); err == nil {
			t.Errorf("Parse(%q) succeeded", label)
		}
	}
	bad := Technique(Count)
	if bad.Valid() {
		t.Error("Technique(Count) is valid")
	}
	if _, err := bad.MarshalText(); err == nil {
		t.Error("MarshalText of an invalid technique succeeded")
	}
	if got := bad.String(); got != "Technique(14)" {
		t.Errorf("String() = %q", got)
	}
	var v struct{ T Technique }
	if err := json.Unmarshal([]byte(`{"T":"Nope"}`), &v); err == nil {
		t.Error("JSON with an unknown technique decoded")
	}
}

// TestMatchesCorpus checks the labels against the corpus's own list.
func TestMatchesCorpus(t *testing.T) {
	b, err := os.ReadFile(filepath.Join(testenv.PTC(t), "techniques.txt"))
	if err != nil {
		t.Fatal(err)
	}
	var want []string
	for _, l := range strings.Split(string(b), "\n") {
		if l = strings.TrimSpace(l); l != "" {
			want = append(want, l)
		}
	}
	slices.Sort(want)
	var got []string
	for _, tech := range All() {
		got = append(got, tech.String())
	}
	if !slices.Equal(got, want) {
		t.Errorf("labels %q\ncorpus  %q", got, want)
	}
}

func TestSet(t *testing.T) {
	s := SetOf(LoadedLanguage, Doubt, Technique(Count))
	tests := []struct {
		t    Technique
		want bool
	}{
		{LoadedLanguage, true},
		{Doubt, true},
		{NameCalling, false},
		{Technique(Count), false},
	}
	for _, tt := range tests {
		if got := s.Has(tt.t); got != tt.want {
			t.Errorf("SetOf(Loaded, Doubt).Has(%v) = %v, want %v", tt.t, got, tt.want)
		}
	}
	if got, want := s.String(), "Doubt | Loaded_Language"; got != want {
		t.Errorf("String() = %q, want %q", got, want)
	}
	if !AllTechniques.Valid() || Set(1<<Count).Valid() {
		t.Error("Valid: AllTechniques must be valid, a bit past the last technique not")
	}
	for _, x := range All() {
		if !AllTechniques.Has(x) {
			t.Errorf("AllTechniques lacks %v", x)
		}
	}
	if Set(0).String() != "none" {
		t.Errorf("empty set String() = %q", Set(0).String())
	}
}
