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

// parseAppleLanguages reads the list `defaults read -g AppleLanguages`
// prints, an old-style property list array:
//
//	(
//	    "en-GB",
//	    de,
//	    "zh-Hans-CN"
//	)
//
// and returns its languages in order; anything else gives none.
func parseAppleLanguages(out string) []string {
	out = strings.TrimSpace(out)
	if !strings.HasPrefix(out, "(") || !strings.HasSuffix(out, ")") {
		return nil
	}
	var langs []string
	for _, item := range strings.Split(out[1:len(out)-1], ",") {
		if l := strings.Trim(strings.TrimSpace(item), `"`); l != "" {
			langs = append(langs, l)
		}
	}
	return langs
}
