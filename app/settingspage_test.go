package app

import (
	"bytes"
	"context"
	"crypto/tls"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"vncbridge/internal/testnet"
)

func insecureTLS() *tls.Config { return &tls.Config{InsecureSkipVerify: true} }

// postSettings posts the settings form to page with origin ("" for none)
// and checks the status.
func postSettings(t *testing.T, page, origin string, form map[string]string, want int) *http.Response {
	t.Helper()
	v := url.Values{}
	for k, x := range form {
		v.Set(k, x)
	}
	req, _ := http.NewRequest("POST", page, strings.NewReader(v.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if origin != "" {
		req.Header.Set("Origin", origin)
	}
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	resp.Body = io.NopCloser(bytes.NewReader(body)) // for the caller to read
	if resp.StatusCode != want {
		t.Fatalf("POST %s: %d, want %d", page, resp.StatusCode, want)
	}
	return resp
}

func TestSettingsPageGuards(t *testing.T) {
	h := startApp(t, defaultSettings())
	h.click("About vncbridge test")
	testnet.WaitFor(t, "the about page opened", func() bool { return len(h.opener.list()) > 0 })
	about := h.opener.list()[0]
	if !strings.HasSuffix(about, "/about") {
		t.Fatalf("opened %s", about)
	}
	resp, err := http.Get(about)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.Contains(string(body), "vncbridge test") {
		t.Fatalf("about: %d %s", resp.StatusCode, body)
	}
	page := strings.TrimSuffix(about, "about")
	u, _ := url.Parse(page)
	// Another site's page cannot change the settings, nor a request from
	// no page at all (a browser always sends Origin with a form).
	postSettings(t, page, "http://evil.example", map[string]string{"port": "7001", "target": "x:1"}, 403)
	postSettings(t, page, "", map[string]string{"port": "7001", "target": "x:1"}, 403)
	// Without the secret, nothing.
	resp, _ = http.Get("http://" + u.Host + "/")
	if resp.StatusCode != 404 {
		t.Fatalf("no secret: %d", resp.StatusCode)
	}
	// A rebound DNS name is refused.
	req, _ := http.NewRequest("GET", page, nil)
	req.Host = "evil.example:" + u.Port()
	resp, _ = http.DefaultClient.Do(req)
	if resp.StatusCode != 403 {
		t.Fatalf("foreign Host: %d", resp.StatusCode)
	}
	// A bad port is refused with a reason shown as an error, beside what
	// was typed; the settings stay.
	resp = postSettings(t, page, "http://"+u.Host, map[string]string{"port": "60 80", "target": "x:1"}, http.StatusUnprocessableEntity)
	body, _ = io.ReadAll(resp.Body)
	for _, want := range []string{`<p class="error" role="alert" id="msg">&#34;60 80&#34; is not a port`, `name="port" inputmode="numeric" value="60 80"`, `value="x:1"`} {
		if !strings.Contains(string(body), want) {
			t.Fatalf("the refused form's page lacks %s:\n%s", want, body)
		}
	}
	if s, _ := loadSettings(h.paths); s.Port != defaultPort {
		t.Fatalf("settings changed to %+v", s)
	}
	postSettings(t, page, "http://"+u.Host, map[string]string{"port": "7001", "target": "desk"}, 303)
	if s, _ := loadSettings(h.paths); s.Port != 7001 || s.Target != "desk:5900" {
		t.Fatalf("settings %+v", s)
	}
}

// A form posted while the tray quits gets an answer (the change was not
// made) instead of waiting for an event loop that is gone.
func TestSettingsPagePostWhenTheTrayQuitsDoesNotHang(t *testing.T) {
	a := newApp(config{paths: testPaths(t)}, nil)
	p, err := newSettingsPage(a)
	if err != nil {
		t.Fatal(err)
	}
	defer p.close()
	a.end() // Run has returned
	req := httptest.NewRequest("POST", p.url(""), strings.NewReader("port=7001&target=desk"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	rec := httptest.NewRecorder()
	done := make(chan struct{})
	go func() { p.apply(rec, req); close(done) }()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("the post waits for ever")
	}
	if loc := rec.Header().Get("Location"); !strings.Contains(loc, "has+quit") {
		t.Fatalf("redirect %q, want the word that vncbridge has quit", loc)
	}
}

// The settings page offers this desktop as a target and takes it.
func TestSettingsPageOffersThisDesktop(t *testing.T) {
	t.Parallel()
	d := newFakeDesktop(t)
	h := startApp(t, settings{Port: freePort(t), Target: echoTarget(t), RecentTargets: []string{"x:1"}}, d.use)
	h.click("Target VNC server", "Other…")
	testnet.WaitFor(t, "the settings page opened", func() bool { return len(h.opener.list()) > 0 })
	page := h.opener.list()[0]
	resp, err := http.Get(page)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !strings.Contains(string(body), `<option value="This desktop (x11vnc)">This desktop (x11vnc)</option>`) {
		t.Fatalf("this desktop is not offered:\n%s", body)
	}
	u, _ := url.Parse(page)
	postSettings(t, page, "http://"+u.Host, map[string]string{"port": "7002", "target": "This desktop (x11vnc)"}, 303)
	if s, _ := loadSettings(h.paths); s.Target != "desktop:x11vnc" {
		t.Fatalf("settings %+v", s)
	}
}

// Before sharing, with nothing found and no program to serve this
// desktop, the Target menu's "No VNC server found" opens the help page.
func TestNoServerFoundOpensTheHelpPage(t *testing.T) {
	t.Parallel()
	h := startApp(t, settings{Port: freePort(t), Target: "localhost:" + strconv.Itoa(freePort(t))}, func(c *config) {
		c.find = adviceOnly
		c.detect = func(context.Context, []string) []foundServer { return nil }
	})
	h.click("Target VNC server", "No VNC server found on this computer")
	testnet.WaitFor(t, "the help page opened", func() bool { return len(h.opener.list()) > 0 })
	resp, err := http.Get(h.opener.list()[0])
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !strings.Contains(string(body), testAdvice.Steps[1]) {
		t.Fatalf("the help page:\n%s", body)
	}
}
