package words

import "strings"

// FromEnvironment lists the person's languages as a POSIX system names
// them, by getenv (os.Getenv): LC_ALL, else LC_MESSAGES, else LANG is the
// locale; under the C or POSIX locale the language is English, else the
// LANGUAGE list, when set, comes first (gettext's order).
func FromEnvironment(getenv func(string) string) []string {
	locale := ""
	for _, name := range []string{"LC_ALL", "LC_MESSAGES", "LANG"} {
		if locale = getenv(name); locale != "" {
			break
		}
	}
	if name := localeTag(locale); name == "C" || name == "POSIX" {
		return []string{"en"}
	}
	var langs []string
	for _, l := range strings.Split(getenv("LANGUAGE"), ":") {
		if l != "" {
			langs = append(langs, l)
		}
	}
	if locale != "" {
		langs = append(langs, locale)
	}
	return langs
}
