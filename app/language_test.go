package app

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"vncbridge/internal/testnet"
)

// Under the German printer the headless mode's first line is German.
func TestHeadlessLineInGerman(t *testing.T) {
	target := echoTarget(t)
	var out testnet.LogBuffer
	port := freePort(t)
	a := newApp(config{paths: testPaths(t), out: &out, headless: true, find: noDesktop, language: "de",
		changes: func(s *settings) { s.Port, s.Target = port, target },
		detect:  savedAnswer}, nil)
	done := make(chan error, 1)
	go func() { done <- a.Run(context.Background()) }()
	t.Cleanup(func() { a.Quit(); <-done })
	testnet.WaitFor(t, "the first line", func() bool { return strings.Contains(out.String(), "\n") })
	first, _, _ := strings.Cut(out.String(), "\n")
	if want := "vncbridge: " + target + " wird freigegeben; öffnen Sie http://localhost:" + strconv.Itoa(port) + "/?token="; !strings.HasPrefix(first, want) {
		t.Fatalf("the first line %q, want %q…", first, want)
	}
}

// Under the German printer a viewer joining and leaving is told in German,
// by a real share on loopback.
func TestViewerNotificationInGerman(t *testing.T) {
	t.Parallel()
	port := freePort(t)
	h := startApp(t, settings{Port: port, Target: echoTarget(t)}, func(c *config) { c.language = "de" })
	h.click("Freigabe starten")
	h.waitStatus("sharing", prefix("Freigabe von"))
	c := echoThrough(t, port)
	h.waitNote("Dieser Computer sieht jetzt Ihren Bildschirm und kann ihn steuern")
	c.Close()
	h.waitNote("Dieser Computer sieht Ihren Bildschirm nicht mehr")
}

// Under the German printer a share that cannot start says why in German;
// the system's own reason follows as the system words it.
func TestShareErrorInGerman(t *testing.T) {
	t.Parallel()
	file := filepath.Join(t.TempDir(), "a file")
	if err := os.WriteFile(file, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	h := startApp(t, settings{Port: freePort(t), Target: echoTarget(t), Record: true}, func(c *config) {
		c.language = "de"
		c.paths.Recordings = filepath.Join(file, "recordings") // under a file: no folder can be made
	})
	h.click("Freigabe starten")
	h.waitStatus("the reason in German", prefix("Der Ordner für Aufzeichnungen kann nicht angelegt werden: "))
}
