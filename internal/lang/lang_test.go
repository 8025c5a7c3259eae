package lang

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"unspun/internal/testenv"
)

func TestIdentify(t *testing.T) {
	tests := []struct {
		name, text string
		english    bool
		language   string
	}{
		{"english prose", "The dictators in Iran are clearly concerned about their future, and the opposition plays a large role.", true, "English"},
		{"headline", "Florida shooting: Gun control law moves step closer", true, "English"},
		{"headline without function words", "Next plague outbreak in Madagascar could be 'stronger': WHO", true, "English"},
		{"byline", "By Jubin Katiraie", true, "English"},
		{"names", "Chris Ferrara to Robert Fastiggi • 9 hours ago", true, "English"},
		{"one word", "Advertisement", true, "English"},
		{"numbers only", "2019 — 12:30", true, "English"},
		{"empty", "", true, "English"},
		{"short foreign slogan is kept", "¡Viva la revolución!", true, "English"},
		{"persian tweet with latin link and handle", "مایک پامپئو، وزیر خارجه ی آمریکا: «تصاویر رقص و شادی عراقی ها از کشته شدن ژنرال #قاسم_سليماني.» https://t.co/Njn4ItFMyw — USA darFarsi (@USAdarFarsi) January 3, 2020", false, "Persian"},
		{"short arabic", "قال المتحدث باسم الحكومة", false, "Arabic"},
		{"russian", "Президент заявил, что правительство продолжит реформы, несмотря на критику со стороны оппозиции.", false, "Russian"},
		{"chinese", "外交部发言人表示，中方坚决反对任何国家干涉中国内政。", false, "Mandarin"},
		{"thai", "นายกรัฐมนตรีกล่าวว่ารัฐบาลจะดำเนินการปฏิรูปต่อไป", false, "Thai"},
		{"spanish", "El presidente del gobierno anunció ayer que las elecciones generales se celebrarán en primavera, después de meses de negociaciones.", false, "Spanish"},
		{"german", "Die Bundesregierung hat am Mittwoch ein neues Gesetz zur Förderung erneuerbarer Energien beschlossen, das im kommenden Jahr in Kraft treten soll.", false, "German"},
		{"polish", "Rząd zapowiedział, że w przyszłym roku podatki dla najmniej zarabiających zostaną obniżone, a emerytury wzrosną.", false, "Polish"},
		{"english quoting a foreign phrase", "The crowd chanted \"¡No pasarán!\" as the police moved in, and the mayor said the protest was peaceful.", true, "English"},
		{"english with a russian name in cyrillic", "The minister, Sergei Lavrov (Сергей Лавров), told reporters on Monday that the talks had been useful and would continue.", true, "English"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			j := Identify(tt.text)
			if j.English != tt.english || j.Language != tt.language {
				t.Fatalf("Identify(%q) = %+v, want English=%v Language=%q", tt.text, j, tt.english, tt.language)
			}
			if j.English != (j.Reason == "") {
				t.Fatalf("Identify(%q): reason %q does not match English=%v", tt.text, j.Reason, j.English)
			}
		})
	}
}

func TestIdentifyReasons(t *testing.T) {
	if got := Identify("رئیس جمهور ایران گفت که کشورش هرگز در برابر فشارهای خارجی تسلیم نخواهد شد.").Reason; got != "written in Arabic script" {
		t.Errorf("persian reason = %q", got)
	}
	got := Identify("Le gouvernement a annoncé mardi une série de mesures destinées à soutenir les agriculteurs touchés par la sécheresse.").Reason
	if !strings.HasPrefix(got, "few English words; identified with confidence ") {
		t.Errorf("french reason = %q", got)
	}
}

// TestCorpusParagraphsAreEnglish runs Identify over every paragraph (line)
// of the 371 corpus articles, English news, and IdentifyLines over each
// article's lines: none may be judged foreign but the one paragraph in
// Latin, a quotation of a Vatican document.
func TestCorpusParagraphsAreEnglish(t *testing.T) {
	files, err := filepath.Glob(filepath.Join(testenv.PTC(t), "articles", "*.txt"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no corpus articles: %v", err)
	}
	n := 0
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		lines := strings.Split(string(b), "\n")
		together := IdentifyLines(lines)
		for i, p := range lines {
			if strings.TrimSpace(p) == "" {
				continue
			}
			n++
			if strings.HasPrefix(p, "Haec autem conscientia") {
				if Identify(p).English || together[i].English {
					t.Errorf("%s: the Latin paragraph is judged English", filepath.Base(f))
				}
				continue
			}
			if j := Identify(p); !j.English {
				t.Errorf("%s: English paragraph judged %s (%s): %q", filepath.Base(f), j.Language, j.Reason, p)
			}
			if j := together[i]; !j.English {
				t.Errorf("%s: English paragraph judged %s among its article's lines (%s): %q", filepath.Base(f), j.Language, j.Reason, p)
			}
		}
	}
	t.Logf("%d paragraphs of %d articles", n, len(files))
}

func BenchmarkIdentify(b *testing.B) {
	p := "The main opposition – the People’s Mojahedin Organization of Iran (PMOI / MEK) plays a large role in helping the people of Iran in their struggle for their rights."
	for b.Loop() {
		Identify(p)
	}
}

// TestForeignParagraphs runs Identify over testdata/compare/foreign.txt
// (news sentences in 20 languages, written for the comparison of the two
// libraries): nine in ten of those long enough to judge must be found not
// English (a short Dutch sentence, identified with confidence 0.44, is
// not: a miss costs a foreign paragraph analysed, a false alarm an English
// one dropped).
func TestForeignParagraphs(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("testdata", "compare", "foreign.txt"))
	if err != nil {
		t.Fatal(err)
	}
	found, judged, missed := 0, 0, 0
	for _, line := range strings.Split(strings.TrimSpace(string(b)), "\n") {
		code, p, _ := strings.Cut(line, "\t")
		j := Identify(p)
		st := scan(p)
		if !j.English {
			found++
		}
		if other, _ := st.mostOther(); other > st.latin || st.lower >= MinWords {
			judged++
			if j.English {
				missed++
				t.Logf("%s paragraph judged English: %q", code, p)
			}
		}
	}
	t.Logf("%d of %d foreign paragraphs found not English (%d long enough to judge, %d of them missed)", found, len(strings.Split(strings.TrimSpace(string(b)), "\n")), judged, missed)
	if judged == 0 || missed*10 > judged {
		t.Errorf("missed %d of %d foreign paragraphs long enough to judge", missed, judged)
	}
}

// TestMaxFunctionWord: addWord looks up only words of at most
// maxFunctionWord bytes, so no function word, spelled with ’, may be
// longer; and isFunctionWord finds every one, in either spelling, and
// nothing else.
func TestMaxFunctionWord(t *testing.T) {
	n := 0
	for _, byFirst := range functionWords {
		for _, group := range byFirst {
			for _, w := range group {
				n++
				if l := len(strings.ReplaceAll(w, "'", "’")); l > maxFunctionWord {
					t.Errorf("%q is %d bytes with ’, over maxFunctionWord %d", w, l, maxFunctionWord)
				}
				for _, s := range []string{w, strings.ToUpper(w[:1]) + w[1:], strings.ReplaceAll(w, "'", "’")} {
					var st stats
					st.addWord(s)
					if st.function != 1 {
						t.Errorf("%q is not counted as a function word", s)
					}
				}
			}
		}
	}
	if n < 80 {
		t.Errorf("%d function words, want at least 80 (the list has 88)", n)
	}
	for _, s := range []string{"", "a", "de", "die", "thee", "théâtre", "tHe2", "wouldn’", "doesn’tt"} {
		var st stats
		st.addWord(s)
		if st.function != 0 {
			t.Errorf("%q is counted as a function word", s)
		}
	}
}

// TestIdentifyLines: lines of a Portuguese passage that the library
// judges Portuguese without confidence, or that are too short to judge
// alone, are Portuguese next to a line it is sure of, and only then; an
// English line next to the passage whose guess is another language, or
// English, stays English.
func TestIdentifyLines(t *testing.T) {
	const (
		sure1  = "O governo anunciou ontem que as eleições gerais serão realizadas na primavera, depois de meses de negociações."
		short1 = "Vai mostrar que, no fim, a reforma está funcionando."
		short2 = "Trata-se de uma escolha política, para um determinado projeto de governo."
		sure2  = "A oposição continua dizendo que o plano é ruim para os trabalhadores:"
		recipe = "Beat in baking powder, baking soda, cardamom, salt, and rose water." // Afrikaans, unsure
		plain  = "The minister said on Monday that the vote would be held in the spring."
		brief  = "E agora, o que fazer?"         // too short to judge alone; Portuguese
		more   = "Read more: the full interview" // short; English
		photo  = "Photo: Reuters"                // short; the library's guess is French
	)
	for _, l := range []string{short1, short2, recipe} {
		if j := Identify(l); !j.English {
			t.Fatalf("Identify(%q) = %s: the case this test needs is a line judged English alone", l, j.Language)
		}
	}
	for _, tc := range []struct {
		name  string
		lines []string
		want  string // one letter a line: P Portuguese, E English
	}{
		{"passage", []string{sure1, short1, short2, sure2}, "PPPP"},
		{"chain from one side", []string{sure1, "", short1, short2, "", plain}, "P.PP.E"},
		{"chain up", []string{plain, brief, short2, short1, brief, sure2}, "EPPPPP"},
		{"English neighbours", []string{plain, short1, plain}, "EEE"},
		{"alone", []string{short1}, "E"},
		{"other guess next to the passage", []string{sure1, recipe, plain}, "PEE"},
		{"short line next to the passage", []string{brief, "", sure1, more, photo}, "P.PEE"},
		{"short line alone", []string{brief}, "E"},
		{"short line, another guess, next to the passage", []string{sure1, photo}, "PE"},
		{"short line between English lines", []string{plain, brief, plain}, "EEE"},
	} {
		if got := judgedLines(t, tc.name, tc.lines); got != tc.want {
			t.Errorf("%s: got %s, want %s", tc.name, got, tc.want)
		}
	}
}

// judgedLines runs IdentifyLines over lines and spells its judgements one
// letter a line: . blank, E English, P Portuguese, A Arabic script, ?
// another language. A line judged foreign without a reason is an error.
func judgedLines(t *testing.T, name string, lines []string) string {
	t.Helper()
	var got strings.Builder
	for i, j := range IdentifyLines(lines) {
		switch {
		case strings.TrimSpace(lines[i]) == "":
			got.WriteByte('.')
		case j.English:
			got.WriteByte('E')
		case j.Language == "Portuguese":
			got.WriteByte('P')
		case strings.HasSuffix(j.Language, "Arabic script") || j.Language == "Persian":
			got.WriteByte('A')
		default:
			got.WriteByte('?')
		}
		if !j.English && j.Reason == "" {
			t.Errorf("%s: line %d is %s without a reason", name, i, j.Language)
		}
	}
	return got.String()
}

// TestIdentifyArticle: an article in another language is judged as one
// (see "Articles" in the package comment): its headline, byline, short
// lines and the lines whose words it shares with English are in its
// language, an English passage quoted in it stays English, and an
// English article quoting foreign paragraphs is judged line by line.
func TestIdentifyArticle(t *testing.T) {
	const (
		head    = "Governo anuncia novo plano para o transporte público"
		byline  = "por Maria Souza"
		p1      = "O governo estadual anunciou nesta terça-feira um novo plano para ampliar o transporte público na região metropolitana, com investimentos previstos para os próximos quatro anos."
		p2      = "Segundo o secretário de mobilidade, as obras devem começar no segundo semestre e incluem a construção de corredores exclusivos para ônibus e a renovação da frota."
		p3      = "A oposição criticou a proposta e afirmou que o plano não resolve os problemas das linhas mais antigas, que seguem lotadas nos horários de pico."
		shouted = "TUDO é provisório."
		shares  = "Ela disse que as obras do metrô e as linhas do trem me parecem atrasadas desde o começo do ano." // "as", "do", "me" are English function words
		english = "The minister said on Monday that the vote would be held in the spring, and that nothing would change before it."
		persian = "مایک پامپئو، وزیر خارجه ی آمریکا: «تصاویر رقص و شادی عراقی ها از کشته شدن ژنرال»"
	)
	if st := scan(shares); float64(st.function) < MinFunctionShare*float64(st.words) {
		t.Fatalf("%q fails the function-word test: the case this test needs is one that passes", shares)
	}
	for _, tc := range []struct {
		name  string
		lines []string
		want  string // one letter a line: P Portuguese, E English, A Arabic script, . blank
	}{
		{"article", []string{head, "", byline, "", p1, "", p2, "", p3, "", shouted, "", shares}, "P.P.P.P.P.P.P"},
		{"English passage in it", []string{head, p1, p2, english, p3}, "PPPEP"},
		{"another script in it", []string{p1, persian, p2, p3}, "PAPP"},
		// Judged line by line: the short headline is Portuguese as the
		// line after it is (see "Passages").
		{"two long lines are a passage, not an article", []string{head, p1, p2, english}, "PPPE"},
		{"English article quoting them", []string{english, p1, english, p2, english, p3, english}, "EPEPEPE"},
	} {
		if got := judgedLines(t, tc.name, tc.lines); got != tc.want {
			t.Errorf("%s: got %s, want %s", tc.name, got, tc.want)
		}
	}
}

func BenchmarkIdentifyLinesForeignArticle(b *testing.B) {
	lines := strings.Split(strings.Repeat("O governo estadual anunciou nesta terça-feira um novo plano para ampliar o transporte público na região metropolitana.\n\nSegundo o secretário, as obras devem começar no segundo semestre e incluem a construção de corredores para ônibus.\n\n", 20), "\n")
	for b.Loop() {
		IdentifyLines(lines)
	}
}
