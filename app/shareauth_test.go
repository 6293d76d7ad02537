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
	a, b := newShareAuth("token-one-0123456789", 6080), newShareAuth("token-two-0123456789", 6080)
	if a.value == b.value || a.cookie != b.cookie {
		t.Fatalf("cookies %+v and %+v", a, b)
	}
	r, _ := http.NewRequest("GET", "/novnc/app/ui.js", nil)
	r.AddCookie(&http.Cookie{Name: a.cookie, Value: a.value})
	if a.Authenticate(r) != nil || b.Authenticate(r) == nil {
		t.Fatal("a cookie admits to the share of another token")
	}
}
