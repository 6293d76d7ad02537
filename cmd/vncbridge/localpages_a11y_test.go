//go:build linux

package main

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"vncbridge/internal/testnet"
)

// axeFinding is a rule axe-core finds broken.
type axeFinding struct {
	ID     string `json:"id"`
	Impact string `json:"impact"`
	Help   string `json:"help"`
	Nodes  []struct {
		HTML string `json:"html"`
	} `json:"nodes"`
}

// TestLocalPagesAreAccessible: the real tray's settings, about, help and
// offer pages (opened from its menu: About), in English, German and Japanese, pass
// axe-core (npm, e2e/clients) in headless Chromium: no violation of any
// impact above minor.
func TestLocalPagesAreAccessible(t *testing.T) {
	testnet.RequireTools(t, "chromium")
	axe, err := os.ReadFile(filepath.Join("..", "..", "e2e", "clients", "node_modules", "axe-core", "axe.min.js"))
	if err != nil {
		t.Fatalf("npm's axe-core is missing from e2e/clients (make deps runs npm ci there): %v", err)
	}
	bus := sessionBus(t)
	p := newPanel(t, bus)
	binDir, opened, _ := fakeDesktop(t)
	_, tray := startTray(t, trayEnv(t, bus, binDir), map[string]any{"port": testnet.FreePort(t), "target": echoServer(t)})
	p.follow(tray)
	p.waitMenu(t, "the menu", func(m entry) bool { return m.status() == "Stopped" })
	p.click(t, "About vncbridge dev")
	var about string
	testnet.WaitFor(t, "the about page opened", func() bool {
		about = regexp.MustCompile(`http://127\.0\.0\.1:\d+/[0-9a-f]{32}/about`).FindString(string(openedAddresses(t, opened)))
		return about != ""
	})
	base := strings.TrimSuffix(about, "about")

	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(), append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath("chromium"), chromedp.NoSandbox, chromedp.DisableGPU, chromedp.UserDataDir(t.TempDir()))...)
	defer cancelAlloc()
	ctx, cancel := chromedp.NewContext(alloc)
	defer cancel()
	ctx, stop := context.WithTimeout(ctx, time.Minute)
	defer stop()
	for _, lang := range []string{"en", "de", "ja"} {
		for _, page := range []string{"", "about", "help", "offer"} {
			var found []axeFinding
			var htmlLang string
			err := chromedp.Do(ctx,
				// The pages speak the browser's language (Accept-Language).
				chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
					_, err := cdp.Call(ctx, tg, emulation.SetUserAgentOverride, emulation.SetUserAgentOverrideParams{UserAgent: "Mozilla/5.0 vncbridge-test", AcceptLanguage: lang})
					return err
				}),
				chromedp.Navigate(base+page),
				chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
					if _, err := chromedp.Evaluate[bool](string(axe)+"\n;true")(ctx, tg); err != nil {
						return err
					}
					l, err := chromedp.Evaluate[string](`document.documentElement.lang`)(ctx, tg)
					htmlLang = l
					if err != nil {
						return err
					}
					v, err := chromedp.Evaluate[[]axeFinding](`axe.run(document, { resultTypes: ["violations"] }).then(r => r.violations)`, chromedp.EvalAwaitPromise)(ctx, tg)
					found = v
					return err
				}))
			if err != nil {
				t.Fatalf("%s %q: %v", lang, page, err)
			}
			if htmlLang != lang {
				t.Errorf("page %q asked in %s is in %q", page, lang, htmlLang)
			}
			for _, f := range found {
				if f.Impact != "minor" {
					t.Errorf("%s page %q: %s violation %s (%s), the first of %d: %s", lang, page, f.Impact, f.ID, f.Help, len(f.Nodes), f.Nodes[0].HTML)
				}
			}
			t.Logf("%s page %q: %d axe findings", lang, page, len(found))
		}
	}
}
