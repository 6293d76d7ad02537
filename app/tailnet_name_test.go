package app

import (
	"errors"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"vncbridge/internal/tailnet"
	"vncbridge/internal/tailnet/tailnettest"
	"vncbridge/internal/testnet"
)

// Name on my tailnet… names this computer on the tailnet: saved, and the
// share answers at the new name.
func TestNameOnMyTailnet(t *testing.T) {
	if !testnet.RunInLoopbackNamespace(t) {
		return
	}
	c := tailnettest.Start(t, tailnettest.Options{SameUser: true})
	target := testnet.Greeter(t, "RFB 003.008\n")
	h := startApp(t, settings{Port: freePort(t), Target: target, TailnetHostname: "desk", TailnetControlURL: c.URL},
		func(c *config) { c.prompter = fakePrompter{answer: " Den "} })
	h.click("Share on my tailnet")
	testnet.WaitFor(t, "Copy tailnet link", func() bool { _, ok := h.item("Copy tailnet link"); return ok })
	if it, _ := h.item("Name on my tailnet…"); it.Tooltip != "desk" {
		t.Errorf("Name on my tailnet…'s tooltip %q, want the name", it.Tooltip)
	}

	h.click("Name on my tailnet…")
	want := "https://den." + tailnettest.Domain + "/?token=" + testToken
	testnet.WaitFor(t, "the link at the new name", func() bool {
		// The node starts again under the new name: the item comes and goes.
		if it, ok := h.item("Copy tailnet link"); ok && it.Action != nil {
			it.Action()
		}
		return slices.Contains(h.clip.list(), want)
	})
	if s, err := loadSettings(h.paths); err != nil || s.TailnetHostname != "den" {
		t.Errorf("the saved name: %q (%v), want den", s.TailnetHostname, err)
	}
}

func TestParseTailnetName(t *testing.T) {
	for v, want := range map[string]string{"Desk-2": "desk-2", "  den ": "den", "": "", tailnet.DefaultHostname(): ""} {
		if got, err := parseTailnetName(v); err != nil || got != want {
			t.Errorf("%q: %q, %v; want %q", v, got, err, want)
		}
	}
	for _, v := range []string{"a b", "desk.example", "-x", "é"} {
		if _, err := parseTailnetName(v); !errors.Is(err, errBadTailnetName) {
			t.Errorf("%q: %v, want errBadTailnetName", v, err)
		}
	}
}

// Where no dialog asks, the settings page names the computer on the
// tailnet, while tailnet sharing is on: a bad name is refused with its
// reason, a good one saved; a form without the field keeps it.
func TestSettingsPageTailnetName(t *testing.T) {
	s := defaultSettings()
	s.Tailnet = true // no share, so no node, in this test
	h := startApp(t, s)
	h.click("About vncbridge test")
	testnet.WaitFor(t, "the about page opened", func() bool { return len(h.opener.list()) > 0 })
	page := strings.TrimSuffix(h.opener.list()[0], "about")
	u, _ := url.Parse(page)
	origin := "http://" + u.Host
	get := func() string {
		resp, err := http.Get(page)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return string(b)
	}
	if body := get(); !strings.Contains(body, `name="tailnet_name"`) || !strings.Contains(body, `value="`+tailnet.DefaultHostname()+`"`) {
		t.Fatalf("the page lacks the tailnet name with its default:\n%s", body)
	}
	resp := postSettings(t, page, origin, map[string]string{"port": "7001", "target": "x:1", "tailnet_name": "a b"}, http.StatusUnprocessableEntity)
	body, _ := io.ReadAll(resp.Body)
	if !strings.Contains(string(body), "&#34;a b&#34; is not a name on a tailnet") || !strings.Contains(string(body), `value="a b"`) {
		t.Fatalf("the refused name's page:\n%s", body)
	}
	postSettings(t, page, origin, map[string]string{"port": "7001", "target": "x:1", "tailnet_name": "Den"}, http.StatusSeeOther)
	if s, _ := loadSettings(h.paths); s.TailnetHostname != "den" || s.Port != 7001 {
		t.Fatalf("settings %+v", s)
	}
	postSettings(t, page, origin, map[string]string{"port": "7002", "target": "x:1"}, http.StatusSeeOther)
	if s, _ := loadSettings(h.paths); s.TailnetHostname != "den" || s.Port != 7002 {
		t.Fatalf("a form without the field changed the name: %+v", s)
	}
	h.click("Share on my tailnet") // off
	if strings.Contains(get(), `name="tailnet_name"`) {
		t.Error("the page asks for a tailnet name while tailnet sharing is off")
	}
}
