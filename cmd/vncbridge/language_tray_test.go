//go:build linux

package main

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"
	"unicode"

	"vncbridge/internal/testnet"
)

// labels lists the words of a menu: every label with a letter in it (not
// the port numbers), depth first.
func labels(e entry) []string {
	var out []string
	for _, c := range e.children {
		if strings.IndexFunc(c.label, unicode.IsLetter) >= 0 {
			out = append(out, c.label)
		}
		out = append(out, labels(c)...)
	}
	return out
}

// trayWords is what the tray in one language shows: its menu stopped, and
// sharing (with the Viewers menu and a viewer in it, and nothing to share
// behind the port: the target is an echo server).
type trayWords struct{ stopped, sharing []string }

// asciiWord is a word in Latin letters.
var asciiWord = regexp.MustCompile(`[A-Za-z]{3,}`)

// notEnglish are words of the English menu that other languages use too:
// names (Tailscale's "tailnet" and "Funnel" among them), and words German shares with
// English.
var notEnglish = []string{"vncbridge", "vnc", "gib", "http", "https", "localhost", "dev", "computer", "server",
	"port", "browser", "link", "token", "tls", "go", "unknown", "linux", "start", "display", "wayland", "tailnet", "tailscale", "funnel", "internet"}

// englishWords are the words of the English labels, in lower case, but
// those of notEnglish.
func englishWords(labels []string) map[string]bool {
	m := map[string]bool{}
	for _, l := range labels {
		for _, w := range asciiWord.FindAllString(l, -1) {
			if w = strings.ToLower(w); !slices.Contains(notEnglish, w) {
				m[w] = true
			}
		}
	}
	return m
}

// The real tray speaks the locale's language: under LANG=de_DE.UTF-8 its
// menu and status are German, with none of the English labels left, under
// ja_JP.UTF-8 Japanese, and under C English; the language setting and
// --language choose over the locale.
func TestTrayMenuInTheLocalesLanguage(t *testing.T) {
	binDir, _, _ := fakeDesktop(t)
	// run starts the tray with env's locale and the extra settings and
	// arguments, and reads its menu: stopped, then sharing.
	run := func(t *testing.T, start, stopped, viewers, nothing string, locale []string, settings map[string]any, args ...string) trayWords {
		t.Helper()
		bus := sessionBus(t)
		p := newPanel(t, bus)
		settings["port"], settings["target"] = testnet.FreePort(t), echoServer(t)
		_, tray := startTray(t, trayEnv(t, bus, binDir, locale...), settings, args...)
		p.follow(tray)
		var w trayWords
		m := p.waitMenu(t, "stopped, with "+start, func(m entry) bool { _, ok := m.path(start); return ok && m.status() == stopped })
		w.stopped = labels(m)
		if viewers == "" {
			return w
		}
		p.click(t, start)
		p.waitMenu(t, "sharing, with "+viewers, func(m entry) bool {
			_, ok := m.path(viewers)
			return ok && strings.HasPrefix(m.status(), nothing)
		})
		openViewer(t, fmt.Sprint(settings["port"]))
		m = p.waitMenu(t, "a viewer in "+viewers, func(m entry) bool {
			v, _ := m.path(viewers)
			return slices.ContainsFunc(v.children, func(c entry) bool { return len(c.children) > 0 })
		})
		w.sharing = labels(m)
		return w
	}
	english := run(t, "Start sharing", "Stopped", "Viewers", "Nothing to share ", []string{"LANG=C"}, map[string]any{"ask_to_join": false})
	if !slices.ContainsFunc(english.sharing, func(l string) bool {
		return strings.HasPrefix(l, "This computer — can control, since ")
	}) {
		t.Errorf("no viewer in the English menu: %q", english.sharing)
	}
	words := englishWords(append(english.stopped, english.sharing...))
	for _, c := range []struct {
		locale                           string
		start, stopped, viewers, nothing string
	}{
		{"de_DE.UTF-8", "Freigabe starten", "Angehalten", "Zuschauer", "Nichts freizugeben "},
		{"ja_JP.UTF-8", "共有を開始", "停止中", "視聴者", "共有するものがありません "},
	} {
		t.Run(c.locale, func(t *testing.T) {
			got := run(t, c.start, c.stopped, c.viewers, c.nothing, []string{"LANG=" + c.locale}, map[string]any{"ask_to_join": false})
			for _, l := range append(got.stopped, got.sharing...) {
				if slices.Contains(english.stopped, l) || slices.Contains(english.sharing, l) {
					t.Errorf("%s: %q is English", c.locale, l)
				}
				for _, w := range asciiWord.FindAllString(l, -1) {
					if words[strings.ToLower(w)] {
						t.Errorf("%s: %q has the English word %q", c.locale, l, w)
					}
				}
			}
			if len(got.stopped) != len(english.stopped) || len(got.sharing) != len(english.sharing) {
				t.Errorf("%s: menus of %d and %d labels, English has %d and %d", c.locale, len(got.stopped), len(got.sharing), len(english.stopped), len(english.sharing))
			}
		})
	}
	t.Run("the language setting over LANG", func(t *testing.T) {
		run(t, "共有を開始", "停止中", "", "", []string{"LANG=de_DE.UTF-8"}, map[string]any{"language": "ja"})
	})
	t.Run("--language over the setting", func(t *testing.T) {
		run(t, "Freigabe starten", "Angehalten", "", "", []string{"LANG=ja_JP.UTF-8"}, map[string]any{"language": "ja"}, "--language", "de")
	})
}
