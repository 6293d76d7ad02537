package e2e

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// The recordings page speaks the browser's language, writes dates and
// sizes the language's way (Intl), and each recording's buttons say which
// recording they act on.
func TestRecordingsPageInTheLanguage(t *testing.T) {
	art := newArtifacts(t)
	dir := t.TempDir()
	// A websockify recording with no frames: it starts, for the list, when
	// the file was last written.
	file := filepath.Join(dir, "ws.1")
	if err := os.WriteFile(file, []byte("var VNC_frame_data = [\n'EOF'];\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 12, 4, 14, 5, 0, 0, time.Local)
	if err := os.Chtimes(file, at, at); err != nil {
		t.Fatal(err)
	}
	page := openRecordings(t, dir)
	b := newBrowser(t, art)
	type row struct {
		Cells   []string `json:"cells"`
		Headers []string `json:"headers"`
		Names   []string `json:"names"`
		Texts   []string `json:"texts"`
		Status  string   `json:"status"`
		Lang    string   `json:"lang"`
	}
	for _, c := range []struct {
		lang, started, status string
		headers               []string
		names                 []string
		texts                 []string
	}{
		{"en", "Dec 4, 2026, 2:05 PM", "1 recording.", []string{"Started", "Duration", "Size", "Viewer", "VNC server", "Actions"},
			[]string{"Play the recording of December 4 at 02:05 PM", "Download the recording of December 4 at 02:05 PM", "Delete the recording of December 4 at 02:05 PM and its details"},
			[]string{"Play", "Download", "Delete"}},
		{"de", "04.12.2026, 14:05", "1 Aufzeichnung.", []string{"Beginn", "Dauer", "Größe", "Zuschauer", "VNC-Server", "Aktionen"},
			[]string{"Die Aufzeichnung vom 4. Dezember um 14:05 abspielen", "Die Aufzeichnung vom 4. Dezember um 14:05 herunterladen", "Die Aufzeichnung vom 4. Dezember um 14:05 und ihre Angaben löschen"},
			[]string{"Abspielen", "Herunterladen", "Löschen"}},
		{"ja", "2026/12/04 14:05", "録画 1 件。", []string{"開始", "長さ", "サイズ", "視聴者", "VNC サーバー", "操作"},
			[]string{"12月4日 14:05 の録画を再生", "12月4日 14:05 の録画をダウンロード", "12月4日 14:05 の録画とその詳細を削除"},
			[]string{"再生", "ダウンロード", "削除"}},
	} {
		t.Run(c.lang, func(t *testing.T) {
			b.run(chromedpNavigate(page + "?lang=" + c.lang))
			b.waitFor("the list", `document.body.dataset.state === "ready"`, 10*time.Second)
			var got row
			b.eval(`(() => {
				const tr = document.querySelector("#list tbody tr");
				const acts = [...tr.querySelectorAll("button, a")];
				return {
					cells: [...tr.cells].map(c => c.textContent),
					headers: [...document.querySelectorAll("#list th")].map(h => h.textContent),
					names: acts.map(a => a.getAttribute("aria-label")),
					texts: acts.map(a => a.textContent),
					status: document.getElementById("status").textContent,
					lang: document.documentElement.lang,
				};
			})()`, &got)
			if got.Lang != c.lang || got.Status != c.status || strings.Join(got.Headers, "|") != strings.Join(c.headers, "|") ||
				strings.Join(got.Names, "|") != strings.Join(c.names, "|") || strings.Join(got.Texts, "|") != strings.Join(c.texts, "|") ||
				len(got.Cells) < 3 || got.Cells[0] != c.started || !strings.Contains(got.Cells[2], "31") {
				t.Errorf("%s: %+v", c.lang, got)
			}
			b.screenshot("recordings-" + c.lang + ".png")
		})
	}
	// Every language the page speaks names the columns and the buttons in
	// its own words, and writes the lang attribute.
	var langs []string
	b.run(chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		v, err := chromedp.Evaluate[[]string](`import("./i18n.js").then(m => m.languages)`, chromedp.EvalAwaitPromise)(ctx, tg)
		langs = v
		return err
	}))
	if len(langs) < 9 {
		t.Fatalf("the page speaks %q", langs)
	}
	english := ""
	for _, lang := range langs {
		b.run(chromedpNavigate(page + "?lang=" + lang))
		b.waitFor("the list", `document.body.dataset.state === "ready"`, 10*time.Second)
		var got []string
		b.eval(`[document.documentElement.lang, [...document.querySelectorAll("#list th, #list tbody button")].map(e => e.textContent + "/" + (e.getAttribute("aria-label") || "")).join("|")]`, &got)
		if lang == "en" {
			english = got[1]
		} else if got[0] != lang || got[1] == english {
			t.Errorf("%s: %q", lang, got)
		}
	}
}
