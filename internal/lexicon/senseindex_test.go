package lexicon

import "testing"

// TestSenseIndex checks the hash index against the sorted table it
// indexes: every entry is found with its own set, and words between
// entries, or near them, are not found.
func TestSenseIndex(t *testing.T) {
	tab, err := senseTable()
	if err != nil {
		t.Fatal(err)
	}
	for i := range tab.words {
		w := tab.word(uint32(i))
		if got := tab.lookup(w); got != tab.senses[i] {
			t.Fatalf("lookup(%q) = %s, want %s", w, got, tab.senses[i])
		}
		for _, near := range []string{w + "\x00", w[:len(w)-1] + "\x7f"} {
			if near == w || (i+1 < len(tab.words) && near == tab.word(uint32(i+1))) {
				continue
			}
			if got := tab.lookup(near); got != 0 {
				t.Fatalf("lookup(%q), not in the table, = %s", near, got)
			}
		}
	}
	if got := tab.lookup(""); got != 0 {
		t.Errorf(`lookup("") = %s`, got)
	}
}
