package app

import (
	"io"
	"net/http"
	"strings"
	"testing"

	"vncbridge/internal/testnet"
	"vncbridge/internal/words"
)

// The settings, about and help pages speak the browser's language (its
// Accept-Language), whatever the tray's: every language vncbridge speaks,
// with none of the English page's words left, and a refused value told in
// it.
func TestLocalPagesInTheBrowsersLanguage(t *testing.T) {
	h := startApp(t, defaultSettings())
	h.click("About vncbridge test")
	testnet.WaitFor(t, "the about page opened", func() bool { return len(h.opener.list()) > 0 })
	base := strings.TrimSuffix(h.opener.list()[0], "about")
	get := func(page, lang string) string {
		t.Helper()
		req, _ := http.NewRequest("GET", base+page, nil)
		req.Header.Set("Accept-Language", lang)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		if got := resp.Header.Get("Content-Language"); got != words.FromAcceptLanguage(lang).Language() {
			t.Errorf("%s in %s: Content-Language %q", page, lang, got)
		}
		return string(b)
	}
	english := map[string][]string{
		"":      {"vncbridge settings", "Listen port", "Target VNC server (host:port", ">Save<", "Stopped"},
		"about": {"Shares the VNC desktop of this computer", "The viewer is noVNC", "Stopped"},
		"help":  {"Share this desktop", "Stopped"},
	}
	for page, phrases := range english {
		got := get(page, "en-US")
		for _, p := range phrases {
			if !strings.Contains(got, p) {
				t.Errorf("English %q lacks %q:\n%s", page, p, got)
			}
		}
	}
	for _, lang := range words.Languages()[1:] {
		say := words.For(lang)
		for page, phrases := range english {
			got := get(page, lang+";q=0.9, en;q=0.5")
			if !strings.Contains(got, `<html lang="`+say.Language()+`">`) {
				t.Errorf("%s %q: no lang attribute", lang, page)
			}
			for _, p := range phrases {
				if strings.Contains(got, p) {
					t.Errorf("%s %q holds the English %q", lang, page, p)
				}
			}
		}
		if got := get("", lang); !strings.Contains(got, say.Sprintf("vncbridge settings")) || !strings.Contains(got, say.Sprintf("Stopped")) {
			t.Errorf("%s: the settings page:\n%s", lang, got)
		}
	}
	req, _ := http.NewRequest("POST", base, strings.NewReader("port=seventy&target=localhost:5900"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", strings.TrimSuffix(base, "/"+strings.SplitN(strings.TrimPrefix(base, "http://"), "/", 2)[1]))
	req.Header.Set("Accept-Language", "ja")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !strings.Contains(string(b), "&#34;seventy&#34; は 1〜65535 のポートではありません") {
		t.Errorf("a refused port in Japanese: %d\n%s", resp.StatusCode, b)
	}
}
