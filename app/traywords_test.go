package app

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"strings"
	"testing"

	"vncbridge/internal/words"
)

// A busy port is told in the tray's language in the status line, with the
// free port's hint naming the German menu.
func TestBusyPortInGerman(t *testing.T) {
	busy := busyPort(t)
	h := startApp(t, settings{Port: busy, Target: echoTarget(t)}, func(c *config) { c.language = "de" })
	h.click("Freigabe starten")
	h.waitStatus("the busy port", prefix("Port "+strconv.Itoa(busy)+" ist belegt; Port "))
	if s := h.tray.status(); !strings.HasSuffix(s, " ist frei: wählen Sie ihn unter Port ▸ Anderer…") {
		t.Errorf("the status reads %q", s)
	}
}

// Under the German printer a target that does not answer says so in the
// status line, and a browser that would not open in a notification that
// quotes the German menu item.
func TestTargetDownAndNoBrowserInGerman(t *testing.T) {
	port := freePort(t)
	h := startApp(t, settings{Port: port, Target: echoTarget(t)}, func(c *config) {
		c.language = "de"
		c.opener, c.clipboard = failingOpener{}, nil
		c.detect = func(context.Context, []string) []foundServer { return nil } // nothing answers
	})
	h.click("Im Browser öffnen")
	h.waitNote("Der Browser konnte nicht geöffnet werden: Öffnen Sie http://localhost:" + strconv.Itoa(port) +
		" in einem Browser, dann „Im Browser öffnen“ im vncbridge-Menü")
	h.waitStatus("the target down", func(s string) bool {
		return strings.HasPrefix(s, "Nichts freizugeben unter http://localhost:"+strconv.Itoa(port)+" — kein VNC-Server antwortet unter 127.0.0.1:")
	})
}

// failingOpener opens nothing.
type failingOpener struct{}

func (failingOpener) Open(string) error { return errors.New("no") }

// A language setting vncbridge does not speak is told in a notification
// that names the setting and the languages it speaks, in the system's
// language, which the tray speaks meanwhile.
func TestUnknownLanguageSetting(t *testing.T) {
	h := startApp(t, settings{Port: freePort(t), Target: echoTarget(t), Language: "tlh"}, func(c *config) {
		c.systemLanguages = func() []string { return []string{"de_DE.UTF-8"} }
	})
	h.waitNote(`Die Einstellung "language" in `)
	h.waitNote(` ist "tlh", und diese Sprache spricht vncbridge nicht; es spricht en, de, ja, ru, zh-Hans, fr, es, pt-BR, it`)
	if _, ok := h.item("Freigabe starten"); !ok {
		t.Errorf("the menu is not in the system's language: %+v", h.menu())
	}
}

// The pages send a person to the tray's menu items by their names, in the
// page's language: each item they quote is in the tray's menu under that
// name, in every language.
func TestThePagesQuoteTheTraysItems(t *testing.T) {
	for _, lang := range words.Languages() {
		t.Run(lang, func(t *testing.T) {
			h := startApp(t, settings{Port: freePort(t), Target: echoTarget(t)}, func(c *config) { c.language = lang })
			var titles []string
			var walk func([]menuItem)
			walk = func(items []menuItem) {
				for _, it := range items {
					titles = append(titles, it.Title)
					walk(it.Children)
				}
			}
			walk(h.menu())
			for _, item := range words.QuotedTrayItems() {
				if name := words.For(lang).Sprintf(item); !slices.Contains(titles, name) {
					t.Errorf("the pages quote %q, which the tray's menu does not show: %q", name, titles)
				}
			}
		})
	}
}
