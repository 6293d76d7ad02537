package proxy

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// maxFileName bounds a received file's name in bytes, before a number is
// added to it (" (12)"): file systems allow 255.
const maxFileName = 200

// SafeFileName is the name a received file is saved under, whatever the
// sender's name says: one name inside the folder (no path separators, never
// "." or ".."), nothing a file system or a shell treats specially (control
// and format characters, the characters Windows forbids, leading dots that
// hide a file, trailing dots and spaces that Windows drops, its reserved
// device names such as CON or COM1), valid UTF-8, at most maxFileName bytes
// with its extension kept. A name with nothing left is "file".
func SafeFileName(name string) string {
	name = strings.ToValidUTF8(name, "_")
	var b strings.Builder
	for _, r := range name {
		switch {
		case r == '/' || r == '\\' || r == ':' || r == '*' || r == '?' || r == '"' ||
			r == '<' || r == '>' || r == '|':
			b.WriteByte('_')
		case unicode.IsControl(r) || unicode.Is(unicode.Cf, r) || r == utf8.RuneError ||
			unicode.Is(unicode.Zl, r) || unicode.Is(unicode.Zp, r):
			// Control characters, and format ones such as U+202E, which
			// would show "evil\u202Efdp.exe" as "evilexe.pdf".
			b.WriteByte('_')
		default:
			b.WriteRune(r)
		}
	}
	name = strings.TrimLeft(b.String(), ". ")
	name = strings.TrimRight(name, ". ")
	if name == "" {
		return "file"
	}
	if reservedOnWindows(name) {
		name = "_" + name
	}
	return clipName(name, maxFileName)
}

// reservedOnWindows tells whether name is one of Windows' device names
// (CON, PRN, AUX, NUL, COM0-9, LPT0-9, and those with superscript digits),
// with or without an extension, in any case: Windows opens the device.
func reservedOnWindows(name string) bool {
	stem, _, _ := strings.Cut(name, ".")
	stem = strings.ToUpper(strings.TrimRight(stem, " "))
	switch stem {
	case "CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$":
		return true
	}
	if len(stem) < 4 || (stem[:3] != "COM" && stem[:3] != "LPT") {
		return false
	}
	switch stem[3:] {
	case "0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "¹", "²", "³":
		return true
	}
	return false
}

// clipName shortens name to at most n bytes on a rune boundary, keeping a
// short extension.
func clipName(name string, n int) string {
	if len(name) <= n {
		return name
	}
	ext := ""
	if i := strings.LastIndexByte(name, '.'); i > 0 && len(name)-i <= 16 {
		ext = name[i:]
	}
	stem := clip(name[:len(name)-len(ext)], n-len(ext))
	return strings.TrimRight(stem, ". ") + ext
}

// numberedName is the nth name tried for name: name itself, then
// "report (2).pdf", "report (3).pdf"…
func numberedName(name string, n int) string {
	if n <= 1 {
		return name
	}
	stem, ext := name, ""
	if i := strings.LastIndexByte(name, '.'); i > 0 {
		stem, ext = name[:i], name[i:]
	}
	return stem + " (" + strconv.Itoa(n) + ")" + ext
}
