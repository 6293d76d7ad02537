package app

import (
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"testing/fstest"
	"time"
)

// A network share serves nothing without its token: the link (with the
// token) admits the browser with a cookie, which lets the page's files
// through; a wrong token or an old cookie is refused, and guessing the token
// is slowed while the right token passes at once.
func TestNetworkShareServesNothingWithoutTheToken(t *testing.T) {
	t.Parallel()
	const token = "the-share-token-0123456789"
	port := freePort(t)
	web := fstest.MapFS{
		"index.html":        {Data: []byte("<title>the viewer</title>")},
		"novnc/core/rfb.js": {Data: []byte("export default class RFB {}")},
	}
	sh, err := startShare(settings{Port: port, Target: echoTarget(t), AllowRemote: true, Token: token},
		shareOptions{paths: testPaths(t), web: web, log: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	defer sh.stop()
	base := "https://127.0.0.1:" + strconv.Itoa(port)
	client := &http.Client{Transport: &http.Transport{TLSClientConfig: insecureTLS(), DisableKeepAlives: true}}
	get := func(path string, cookies ...*http.Cookie) (*http.Response, string, time.Duration) {
		t.Helper()
		req, _ := http.NewRequest("GET", base+path, nil)
		for _, c := range cookies {
			req.AddCookie(c)
		}
		start := time.Now()
		resp, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp, string(b), time.Since(start)
	}

	for _, path := range []string{"/", "/index.html", "/novnc/core/rfb.js"} {
		if resp, body, _ := get(path); resp.StatusCode != 401 || strings.Contains(body, "viewer") || strings.Contains(body, "RFB") {
			t.Errorf("%s without the token: %d %q", path, resp.StatusCode, body)
		}
	}
	resp, body, _ := get("/?token=" + token)
	if resp.StatusCode != 200 || !strings.Contains(body, "the viewer") {
		t.Fatalf("the share link: %d %q", resp.StatusCode, body)
	}
	var admission *http.Cookie
	for _, c := range resp.Cookies() {
		admission = c
	}
	if admission == nil || !admission.HttpOnly || !admission.Secure || admission.SameSite != http.SameSiteStrictMode ||
		strings.Contains(admission.Value, token) {
		t.Fatalf("the link's cookie: %+v", admission)
	}
	if resp, body, _ := get("/novnc/core/rfb.js", admission); resp.StatusCode != 200 || !strings.Contains(body, "RFB") {
		t.Fatalf("a file of the page with the cookie: %d %q", resp.StatusCode, body)
	}
	forged := *admission
	forged.Value = strings.Repeat("A", len(admission.Value))
	if resp, _, _ := get("/novnc/core/rfb.js", &forged); resp.StatusCode != 403 {
		t.Errorf("a forged cookie: %d", resp.StatusCode)
	}

	// Guessing: three wrong tokens (and the forged cookie) answered at
	// once, then the answers are held back; the right token is not.
	for i := range 3 {
		resp, _, took := get("/?token=guess" + strconv.Itoa(i))
		if resp.StatusCode != 403 {
			t.Fatalf("a wrong token: %d", resp.StatusCode)
		}
		if i == 2 && took < 200*time.Millisecond {
			t.Fatalf("the 4th failure was answered after %v: guessing is not slowed", took)
		}
	}
	if resp, _, took := get("/?token=" + token); resp.StatusCode != 200 || took > 200*time.Millisecond {
		t.Fatalf("the right token after the guesses: %d after %v", resp.StatusCode, took)
	}
}

// A share made with another token does not take the cookie of the old one.
func TestNewTokenEndsTheOldAdmission(t *testing.T) {
	t.Parallel()
	a, b := newShareAuth("token-one-0123456789", "", 6080, false), newShareAuth("token-two-0123456789", "", 6080, false)
	if a.value == b.value || a.cookie != b.cookie {
		t.Fatalf("cookies %+v and %+v", a, b)
	}
	r, _ := http.NewRequest("GET", "/novnc/app/ui.js", nil)
	r.AddCookie(&http.Cookie{Name: a.cookie, Value: a.value})
	if a.Authenticate(r) != nil || b.Authenticate(r) == nil {
		t.Fatal("a cookie admits to the share of another token")
	}
}

// The view-only link admits its browser for viewing only: by its token, then
// by the cookie it set, which never passes for the share link's.
func TestViewOnlyLinkAdmitsForViewing(t *testing.T) {
	t.Parallel()
	a := newShareAuth("token-full-0123456789", "token-look-0123456789", 6080, false)
	req := func(token string, cookie *http.Cookie) *http.Request {
		r, _ := http.NewRequest("GET", "/websockify", nil)
		if token != "" {
			r.URL.RawQuery = "token=" + token
		}
		if cookie != nil {
			r.AddCookie(cookie)
		}
		return r
	}
	cookieOf := func(r *http.Request) *http.Cookie {
		h := http.Header{}
		a.Welcome(r, h)
		resp := http.Response{Header: h}
		for _, c := range resp.Cookies() {
			if strings.HasPrefix(c.Name, "vncbridge-share-") {
				return c
			}
		}
		t.Fatalf("no cookie for %s", r.URL)
		return nil
	}
	full, look := req("token-full-0123456789", nil), req("token-look-0123456789", nil)
	for _, c := range []struct {
		name     string
		r        *http.Request
		viewOnly bool
	}{
		{"share link", full, false},
		{"view-only link", look, true},
		{"share link's cookie", req("", cookieOf(full)), false},
		{"view-only link's cookie", req("", cookieOf(look)), true},
		{"share link with the view-only cookie", req("token-full-0123456789", cookieOf(look)), false},
		{"view-only link with the share cookie", req("token-look-0123456789", cookieOf(full)), true},
	} {
		if err := a.Authenticate(c.r); err != nil {
			t.Fatalf("%s refused: %v", c.name, err)
		}
		if got := a.ViewOnly(c.r); got != c.viewOnly {
			t.Errorf("%s: view-only %v, want %v", c.name, got, c.viewOnly)
		}
	}
	if cookieOf(full).Value == cookieOf(look).Value {
		t.Fatal("both links set the same cookie")
	}
	if a.Authenticate(req("token-wrong-0123456789", nil)) == nil {
		t.Fatal("a wrong token let in")
	}
	noLook := newShareAuth("token-full-0123456789", "", 6080, false)
	if noLook.Authenticate(look) == nil || noLook.Authenticate(req("", cookieOf(look))) == nil {
		t.Fatal("a share without a view-only link let the view-only token or cookie in")
	}
}
