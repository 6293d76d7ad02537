// Package words holds what vncbridge says to a person, in each language it
// speaks: one catalogue per language, keyed by the English text, so the
// code reads in English and a language without a word says it in English.
// golang.org/x/text matches the person's languages to the shipped ones and
// picks the plural form of each language.
package words

import (
	"fmt"
	"slices"
	"strings"
	"sync"

	"golang.org/x/text/feature/plural"
	"golang.org/x/text/language"
	"golang.org/x/text/message"
	"golang.org/x/text/message/catalog"
)

// A Printer words messages in one language. The zero Printer speaks
// English.
type Printer struct {
	p   *message.Printer
	tag language.Tag
}

// English is the Printer of the English text the code is written in: the
// zero Printer.
var English Printer

// forms are the plural forms of one message, by their CLDR names: "one",
// "few", "many", "other" (the languages without plurals have only "other").
type forms map[string]string

// dictionary is one language's catalogue: the plain messages, and those
// whose words change with a number (its first argument).
type dictionary struct {
	tag     language.Tag
	words   map[string]string
	plurals map[string]forms
}

// tags are the shipped languages, English first, in the order of
// dictionaries.
var tags = []language.Tag{
	language.English, language.German, language.Japanese, language.Russian, language.SimplifiedChinese,
	language.French, language.Spanish, language.BrazilianPortuguese, language.Italian,
}

// features add each feature's words (internal/words/FEATURE.go) to the
// languages' catalogues; pageWords comes last, as the pages' English is
// what the others did not already give.
var features = []func(){
	adviceWords, commandWords, consentWords, filesWords, funnelWords, headlessWords, localNoteWords, localPageWords,
	offerPageWords, reasonWords, shareWords, tailnetWords, tailnetNameWords, trayWords, pageWords,
}

// loading are the dictionaries while features add to them.
var loading []dictionary

// dictionaries are the shipped languages' catalogues, in the order of tags,
// made the first time they are needed and not at start-up: every command
// of the binary, `vncbridge proxy` too, would pay for them (0.5 to 1 ms and
// 470 KB).
var dictionaries = sync.OnceValue(func() []dictionary {
	loading = []dictionary{english(), german(), japanese(), russian(), chinese(), french(), spanish(), brazilianPortuguese(), italian()}
	for _, add := range features {
		add()
	}
	ds := loading
	loading = nil
	for i, d := range ds {
		if d.tag != tags[i] {
			panic("words: the dictionaries are not in the order of tags")
		}
	}
	return ds
})

// catalogue holds every language's messages, and the matcher that picks
// among them; built the first time a Printer is asked for (1 ms and
// 585 KB in 9,135 allocations).
var catalogue = sync.OnceValues(build)

// englishPrinter is the English Printer, for the zero one.
var englishPrinter = sync.OnceValue(func() Printer { return For("en") })

func build() (*catalog.Builder, language.Matcher) {
	builder := catalog.NewBuilder(catalog.Fallback(language.English))
	for _, d := range dictionaries() {
		for key, text := range d.words {
			must(builder.SetString(d.tag, key, text))
		}
		for key, fs := range d.plurals {
			var cases []any
			for _, form := range []string{"zero", "one", "two", "few", "many"} {
				if text, ok := fs[form]; ok {
					cases = append(cases, form, text)
				}
			}
			cases = append(cases, "other", fs["other"])
			must(builder.Set(d.tag, key, plural.Selectf(1, "%d", cases...)))
		}
	}
	return builder, language.NewMatcher(tags)
}

// must stops at a catalogue entry x/text refuses: a mistake in this
// package's data, found by its tests before any release.
func must(err error) {
	if err != nil {
		panic("words: " + err.Error())
	}
}

// For returns the Printer of the first of the person's languages that
// vncbridge speaks ("de_DE.UTF-8", "de-AT", "ja", "pt-BR"), or English.
func For(languages ...string) Printer {
	var want []language.Tag
	for _, l := range languages {
		if t, err := language.Parse(localeTag(l)); err == nil && t != language.Und {
			want = append(want, t)
		}
	}
	builder, matcher := catalogue()
	tag := language.English
	if _, i, confidence := matcher.Match(want...); len(want) > 0 && confidence != language.No {
		tag = tags[i]
	}
	return Printer{p: message.NewPrinter(tag, message.Catalog(builder)), tag: tag}
}

// localeTag turns a POSIX locale name (de_DE.UTF-8, sr_RS@latin) into a
// BCP 47 tag (de-DE); a tag stays as it is.
func localeTag(l string) string {
	if i := strings.IndexAny(l, ".@"); i >= 0 {
		l = l[:i]
	}
	return strings.ReplaceAll(l, "_", "-")
}

// Language is the printer's language, a BCP 47 tag ("de", "ja").
func (p Printer) Language() string {
	if p.p == nil {
		return "en"
	}
	return p.tag.String()
}

// Sprintf words the message keyed by its English text in the printer's
// language, with fmt's verbs. Numbers are written the language's way (with
// its digit grouping): pass what is not a quantity, such as a port, as a
// string.
func (p Printer) Sprintf(key string, a ...any) string {
	if p.p == nil {
		p = englishPrinter()
	}
	return p.p.Sprintf(key, a...)
}

// extend adds a feature's messages to one language's catalogue, from the
// feature's own file's init: each feature keeps its words in one place
// (internal/words/FEATURE.go), beside the others' and apart from them.
// English lists its keys with same.
func extend(tag language.Tag, words map[string]string) {
	addTo(tag, words, func(d dictionary) map[string]string { return d.words })
}

// extendPlurals adds a feature's messages whose words change with a number
// (their first argument) to one language's catalogue, as extend does.
func extendPlurals(tag language.Tag, plurals map[string]forms) {
	addTo(tag, plurals, func(d dictionary) map[string]forms { return d.plurals })
}

// addTo adds entries to the map of tag's catalogue that part picks; a
// message given twice, or a language without a catalogue, is a mistake in
// this package's data.
func addTo[V any](tag language.Tag, entries map[string]V, part func(dictionary) map[string]V) {
	i := slices.IndexFunc(loading, func(d dictionary) bool { return d.tag == tag })
	if i < 0 {
		panic("words: no catalogue for " + tag.String() + " (a feature's words are added by its function in features)")
	}
	m := part(loading[i])
	for key, v := range entries {
		if _, dup := m[key]; dup {
			panic("words: " + tag.String() + " has " + key + " twice")
		}
		m[key] = v
	}
}

// Languages are the languages vncbridge speaks, as BCP 47 tags, English
// first: "en", "de", "ja", …
func Languages() []string {
	names := make([]string, len(tags))
	for i, t := range tags {
		names[i] = t.String()
	}
	return names
}

// Lookup returns the Printer of language l (a tag or a locale name, as For
// reads it), or an error that lists the languages spoken when vncbridge
// does not speak l: a person who chose a language is told, not answered in
// English.
func Lookup(l string) (Printer, error) {
	// The matcher answers English, with low confidence, for a language it
	// has nothing for: only a match of the same language is one.
	t, err := language.Parse(localeTag(l))
	if err == nil && t != language.Und {
		_, i, confidence := catalogueMatcher().Match(t)
		want, _ := t.Base()
		got, _ := tags[i].Base()
		if confidence != language.No && want == got {
			return For(l), nil
		}
	}
	return English, fmt.Errorf("vncbridge does not speak %q; it speaks %s", l, strings.Join(Languages(), ", "))
}

// catalogueMatcher is the matcher among the shipped languages.
func catalogueMatcher() language.Matcher {
	_, m := catalogue()
	return m
}

// FromAcceptLanguage returns the Printer of the first language of an HTTP
// Accept-Language header (by its q-values) that vncbridge speaks, or
// English: the local pages and the refusal pages speak the browser's
// language.
func FromAcceptLanguage(header string) Printer {
	tags, _, err := language.ParseAcceptLanguage(header)
	if err != nil || len(tags) == 0 {
		return English
	}
	var want []string
	for _, t := range tags {
		want = append(want, t.String())
	}
	return For(want...)
}
