package words

import (
	"strconv"
	"time"
)

// Clock is the time of day t as the printer's language writes it: "3:04 PM"
// in English, "15:04" in the others it speaks.
func (p Printer) Clock(t time.Time) string {
	if p.Language() == "en" {
		return t.Format("3:04 PM")
	}
	return t.Format("15:04")
}

// Size is a size in bytes as people read it, in decimal units as file
// managers show them, with the language's decimal separator: "2.1 MB",
// "2,1 MB", "950 kB", "12 B".
func (p Printer) Size(n int64) string {
	units := []string{"B", "kB", "MB", "GB", "TB"}
	f, i := float64(n), 0
	for f >= 1000 && i < len(units)-1 {
		f /= 1000
		i++
	}
	switch {
	case i == 0:
		return strconv.FormatInt(n, 10) + " B"
	case f < 10:
		return p.number("%.1f", f) + " " + units[i]
	}
	return p.number("%.0f", f) + " " + units[i]
}

// number formats one number with a verb, the language's way.
func (p Printer) number(verb string, f float64) string {
	if p.p == nil {
		p = englishPrinter()
	}
	return p.p.Sprintf(verb, f)
}
