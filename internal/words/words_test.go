package words

import (
	"regexp"
	"slices"
	"strings"
	"testing"
)

// verbs are a message's fmt verbs, in order, with their argument indexes
// dropped: a translation may reorder its arguments, not change their kinds.
var verbs = regexp.MustCompile(`%(?:\[\d+\])?[a-z]`)

func verbKinds(s string) []string {
	var kinds []string
	for _, v := range verbs.FindAllString(s, -1) {
		kinds = append(kinds, v[len(v)-1:])
	}
	slices.Sort(kinds)
	return kinds
}

func TestEveryLanguageHasEveryMessage(t *testing.T) {
	for _, d := range dictionaries()[1:] {
		for key := range dictionaries()[0].words {
			text, ok := d.words[key]
			if !ok || text == "" {
				t.Errorf("%s: no translation of %q", d.tag, key)
			} else if !slices.Equal(verbKinds(text), verbKinds(key)) {
				t.Errorf("%s: %q words %q with other verbs", d.tag, key, text)
			}
		}
		for key := range dictionaries()[0].plurals {
			fs, ok := d.plurals[key]
			if !ok || fs["other"] == "" {
				t.Errorf("%s: no plural forms of %q", d.tag, key)
			}
			for form, text := range fs {
				if !slices.Equal(verbKinds(text), verbKinds(key)) {
					t.Errorf("%s: %q's %s form %q has other verbs", d.tag, key, form, text)
				}
			}
		}
		for key := range d.words {
			if _, ok := dictionaries()[0].words[key]; !ok {
				t.Errorf("%s: %q is no English message", d.tag, key)
			}
		}
		for key := range d.plurals {
			if _, ok := dictionaries()[0].plurals[key]; !ok {
				t.Errorf("%s: %q is no English plural message", d.tag, key)
			}
		}
	}
}

func TestPluralForms(t *testing.T) {
	for _, c := range []struct {
		lang string
		n    int
		want string
	}{
		{"en", 1, "1 viewer"}, {"en", 2, "2 viewers"},
		{"de", 1, "1 Zuschauer"}, {"de", 2, "2 Zuschauer"},
		{"ja", 1, "視聴者 1 人"}, {"ja", 5, "視聴者 5 人"},
		{"ru", 1, "1 зритель"}, {"ru", 2, "2 зрителя"}, {"ru", 5, "5 зрителей"}, {"ru", 21, "21 зритель"},
		{"zh", 1, "1 位观众"}, {"zh", 2, "2 位观众"},
		{"fr", 1, "1 spectateur"}, {"fr", 2, "2 spectateurs"},
		{"pt-BR", 2, "2 espectadores"}, {"it", 1, "1 spettatore"}, {"es", 3, "3 espectadores"},
	} {
		if got := For(c.lang).Sprintf("%d viewers", c.n); got != c.want {
			t.Errorf("%s, %d: %q, want %q", c.lang, c.n, got, c.want)
		}
	}
}

func TestForMatchesTheLanguage(t *testing.T) {
	for _, c := range []struct {
		langs []string
		want  string
	}{
		{nil, "en"},
		{[]string{"de_DE.UTF-8"}, "de"},
		{[]string{"de-AT"}, "de"},
		{[]string{"ja_JP.UTF-8"}, "ja"},
		{[]string{"xx", "ja"}, "ja"},
		{[]string{"C"}, "en"},
		{[]string{"sw_KE.UTF-8"}, "en"},
		{[]string{"pt_BR.UTF-8"}, "pt-BR"},
		{[]string{"fr_CA.UTF-8"}, "fr"},
		{[]string{"zh_CN.UTF-8"}, "zh-Hans"},
		{[]string{"it_IT.UTF-8"}, "it"},
		{[]string{"es_MX.UTF-8"}, "es"},
	} {
		if got := For(c.langs...).Language(); got != c.want {
			t.Errorf("For(%q) speaks %s, want %s", c.langs, got, c.want)
		}
	}
	if got := (Printer{}).Sprintf("%d viewers", 2); got != "2 viewers" {
		t.Errorf("the zero Printer: %q", got)
	}
	if got := For("de").Sprintf("Untranslated %s", "x"); got != "Untranslated x" {
		t.Errorf("a message without a translation: %q", got)
	}
}

func TestFromEnvironment(t *testing.T) {
	for _, c := range []struct {
		env  map[string]string
		want []string
	}{
		{map[string]string{}, nil},
		{map[string]string{"LANG": "de_DE.UTF-8"}, []string{"de_DE.UTF-8"}},
		{map[string]string{"LANG": "de_DE.UTF-8", "LC_MESSAGES": "ja_JP.UTF-8"}, []string{"ja_JP.UTF-8"}},
		{map[string]string{"LANG": "de_DE.UTF-8", "LC_MESSAGES": "ja_JP.UTF-8", "LC_ALL": "fr_FR.UTF-8"}, []string{"fr_FR.UTF-8"}},
		{map[string]string{"LANG": "de_DE.UTF-8", "LANGUAGE": "ja:fr"}, []string{"ja", "fr", "de_DE.UTF-8"}},
		{map[string]string{"LANG": "C.UTF-8", "LANGUAGE": "ja"}, []string{"en"}},
		{map[string]string{"LC_ALL": "POSIX", "LANG": "de_DE.UTF-8"}, []string{"en"}},
	} {
		got := FromEnvironment(func(k string) string { return c.env[k] })
		if !slices.Equal(got, c.want) {
			t.Errorf("%v: %q, want %q", c.env, got, c.want)
		}
	}
}

func TestParseAppleLanguages(t *testing.T) {
	for _, c := range []struct {
		out  string
		want []string
	}{
		{"(\n    \"en-GB\",\n    de,\n    \"zh-Hans-CN\"\n)\n", []string{"en-GB", "de", "zh-Hans-CN"}},
		{"(\n    ja\n)\n", []string{"ja"}},
		{"(\n)\n", nil},
		{"", nil},
		{"The domain/default pair of (kCFPreferencesAnyApplication, AppleLanguages) does not exist\n", nil},
	} {
		if got := parseAppleLanguages(c.out); !slices.Equal(got, c.want) {
			t.Errorf("%q: %q, want %q", c.out, got, c.want)
		}
	}
	if got := For(parseAppleLanguages("(\n    \"pt-BR\",\n    en\n)\n")...).Language(); got != "pt-BR" {
		t.Errorf("a Mac preferring Brazilian Portuguese gets %s", got)
	}
}

func TestReorderedArguments(t *testing.T) {
	if got := For("zh").Sprintf("Share %s on port %s", "本机桌面", "6080"); got != "在端口 6080 上共享 本机桌面" {
		t.Errorf("Chinese puts the port first: %q", got)
	}
}

// A language vncbridge does not speak is an error that lists those it
// does; one it speaks, in any of its spellings, is its Printer.
func TestLookup(t *testing.T) {
	for _, l := range []string{"de", "de_DE.UTF-8", "de-AT", "ja", "pt-BR", "pt_BR.UTF-8", "zh", "zh-CN", "en", "ru", "it", "fr", "es"} {
		if p, err := Lookup(l); err != nil || p.Language() != For(l).Language() {
			t.Errorf("Lookup(%q): %v, %v", l, p.Language(), err)
		}
	}
	for _, l := range []string{"xx", "sw", "klingon", "", "C", "de DE"} {
		_, err := Lookup(l)
		if err == nil {
			t.Errorf("Lookup(%q) took it", l)
			continue
		}
		if want := "it speaks en, de, ja, ru, zh-Hans, fr, es, pt-BR, it"; !strings.Contains(err.Error(), want) {
			t.Errorf("Lookup(%q): %v, want the languages listed (%q)", l, err, want)
		}
	}
}

func TestFromAcceptLanguage(t *testing.T) {
	for _, c := range []struct{ header, want string }{
		{"", "en"},
		{"de-DE,de;q=0.9,en;q=0.8", "de"},
		{"en;q=0.5, ja;q=0.9", "ja"},
		{"sw, pt-BR;q=0.7", "pt-BR"},
		{"ru-RU", "ru"},
		{"it-CH, fr;q=0.1", "it"},
		{"zh-CN,zh;q=0.9", "zh-Hans"},
		{";;;garbage", "en"},
	} {
		if got := FromAcceptLanguage(c.header).Language(); got != c.want {
			t.Errorf("%q: %s, want %s", c.header, got, c.want)
		}
	}
}

// A message that sends the person along a menu path ("choose Listen port ▸
// Other…") names each of the tray's items on it as the catalogue words that
// item, in every language: the names of the menu's items are the same
// everywhere they are quoted.
func TestMenuPathsUseTheItemsNames(t *testing.T) {
	ds := dictionaries()
	var items []string // the tray's menu: the base English dictionary
	for key := range english().words {
		if !strings.ContainsAny(key, "%{") {
			items = append(items, key)
		}
	}
	// longest is the longest item s ends with (or starts with), on a word
	// boundary.
	longest := func(s string, ends bool) string {
		best := ""
		for _, item := range items {
			var ok bool
			if ends {
				ok = strings.HasSuffix(s, item) && (len(s) == len(item) || s[len(s)-len(item)-1] == ' ')
			} else {
				ok = strings.HasPrefix(s, item) && (len(s) == len(item) || strings.ContainsRune(" .,)", rune(s[len(item)])))
			}
			if ok && len(item) > len(best) {
				best = item
			}
		}
		return best
	}
	checked := 0
	for key := range ds[0].words {
		parts := strings.Split(key, " ▸ ")
		for i, part := range parts {
			var named []string
			if i > 0 {
				named = append(named, longest(part, false))
			}
			if i < len(parts)-1 {
				named = append(named, longest(part, true))
			}
			for _, item := range named {
				if item == "" {
					continue
				}
				checked++
				for _, d := range ds[1:] {
					if name := d.words[item]; !strings.Contains(d.words[key], name) {
						t.Errorf("%s: %q does not name %q as the menu does (%q): %q", d.tag, key, item, name, d.words[key])
					}
				}
			}
		}
	}
	if checked < 4 {
		t.Errorf("only %d menu items named on paths: the test finds none", checked)
	}
}
