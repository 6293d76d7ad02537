package words

import (
	"testing"
	"time"
)

func TestClockAndSize(t *testing.T) {
	at := time.Date(2026, 12, 4, 14, 5, 0, 0, time.UTC)
	for _, c := range []struct{ lang, clock, small, mid, big string }{
		{"en", "2:05 PM", "2.1 MB", "950 kB", "12 B"},
		{"de", "14:05", "2,1 MB", "950 kB", "12 B"},
		{"fr", "14:05", "2,1 MB", "950 kB", "12 B"},
		{"ja", "14:05", "2.1 MB", "950 kB", "12 B"},
		{"ru", "14:05", "2,1 MB", "950 kB", "12 B"},
	} {
		p := For(c.lang)
		if got := p.Clock(at); got != c.clock {
			t.Errorf("%s: Clock %q, want %q", c.lang, got, c.clock)
		}
		for n, want := range map[int64]string{2_100_000: c.small, 950_000: c.mid, 12: c.big} {
			if got := p.Size(n); got != want {
				t.Errorf("%s: Size(%d) %q, want %q", c.lang, n, got, want)
			}
		}
	}
	for n, want := range map[int64]string{0: "0 B", 999: "999 B", 1000: "1.0 kB", 2_100_000: "2.1 MB", 64 << 20: "67 MB", 3 << 30: "3.2 GB"} {
		if got := English.Size(n); got != want {
			t.Errorf("the zero Printer: Size(%d) %q, want %q", n, got, want)
		}
	}
}
