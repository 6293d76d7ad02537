package app

import (
	"errors"
	"io"
	"strings"
	"testing"

	"vncbridge/app/localvnc"
	"vncbridge/internal/words"
)

// The help page's advice is told in the page's language, its summary and
// every step, with what was filled in (the package, its command) kept;
// the package's own advice is not changed by it.
func TestAdviceInTheLanguage(t *testing.T) {
	env := localvnc.Env{GOOS: "linux",
		Getenv:    func(k string) string { return map[string]string{"DISPLAY": ":0"}[k] },
		LookPath:  func(string) (string, error) { return "", errors.New("none") },
		OSRelease: func() (io.ReadCloser, error) { return io.NopCloser(strings.NewReader("ID=debian\n")), nil }}
	_, _, install := localvnc.Find(env)
	_, _, none := localvnc.Find(localvnc.Env{GOOS: "linux", Getenv: func(string) string { return "" }})
	_, _, mac := localvnc.Find(localvnc.Env{GOOS: "darwin"})
	for _, c := range []struct {
		adv   localvnc.Advice
		lang  string
		want  []string // the summary, then steps
		steps int
	}{
		{install, "de", []string{"Kein VNC-Server läuft; installieren Sie x11vnc: sudo apt install x11vnc",
			"vncbridge kann diesen Bildschirm selbst mit x11vnc freigeben, das nicht installiert ist.",
			"Installieren Sie es: sudo apt install x11vnc"}, 3},
		{none, "ja", []string{"VNC サーバーが動いておらず、共有できるデスクトップセッションもありません (DISPLAY も WAYLAND_DISPLAY もありません)",
			"vncbridge はデスクトップセッションなしで動いています (サービスとして、または ssh 経由)。自分で共有できる画面がありません。"}, 2},
		{mac, "fr", []string{"Aucun serveur VNC ne tourne ; activez Partage d’écran dans Réglages Système",
			"macOS a un serveur VNC intégré, désactivé : ouvrez Réglages Système ▸ Général ▸ Partage et activez Partage d’écran."}, 3},
	} {
		got := adviceIn(words.For(c.lang), c.adv)
		if got.Summary != c.want[0] || len(got.Steps) != c.steps {
			t.Errorf("%s: %q with %d steps", c.lang, got.Summary, len(got.Steps))
			continue
		}
		for i, s := range c.want[1:] {
			if got.Steps[i] != s {
				t.Errorf("%s: step %d %q, want %q", c.lang, i, got.Steps[i], s)
			}
		}
		if en := adviceIn(words.English, c.adv); en.Summary != c.adv.Summary || strings.Join(en.Steps, "\n") != strings.Join(c.adv.Steps, "\n") {
			t.Errorf("in English the advice reads otherwise: %+v", en)
		}
	}
	if _, _, again := localvnc.Find(localvnc.Env{GOOS: "darwin"}); again.Steps[0] != mac.Steps[0] || !strings.HasPrefix(again.Steps[0], "macOS has") {
		t.Errorf("the package's advice was changed: %q", again.Steps[0])
	}
}
