package app

import (
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"vncbridge/internal/testnet"
)

// A local share admits only the person sharing: its page and its
// WebSocket need the share's token (or the cookie the token's page set),
// and another user of this computer is refused even with the token.
func TestLocalShareAdmitsOnlyTheSharer(t *testing.T) {
	t.Parallel()
	port := freePort(t)
	h := startApp(t, settings{Port: port, Target: echoTarget(t)})
	h.click("Start sharing")
	h.waitStatus("sharing", prefix("Sharing"))
	base := "http://localhost:" + strconv.Itoa(port)

	status, body := testnet.Do(t, "GET", base+"/", nil)
	if status != http.StatusUnauthorized || !strings.Contains(body, "Open in browser") {
		t.Errorf("without the token: %d %q", status, body)
	}
	if status, _ := testnet.Do(t, "GET", base+"/?token=wrong-token-0123456789", nil); status != http.StatusForbidden {
		t.Errorf("a wrong token: %d", status)
	}
	resp, err := http.Get(base + "/?token=" + testToken)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	var cookies []*http.Cookie // the admission's
	for _, c := range resp.Cookies() {
		if strings.HasPrefix(c.Name, "vncbridge-share-") {
			cookies = append(cookies, c)
		}
	}
	// The harness serves no files (405): admitted is neither 401 nor 403.
	if resp.StatusCode == http.StatusUnauthorized || resp.StatusCode == http.StatusForbidden || len(cookies) != 1 || !cookies[0].HttpOnly || cookies[0].Secure {
		t.Fatalf("with the token: %d, cookies %v (want one, HttpOnly, not Secure over http)", resp.StatusCode, cookies)
	}
	status, _ = testnet.Do(t, "GET", base+"/vnc.html", map[string]string{"Cookie": cookies[0].Name + "=" + cookies[0].Value})
	if status == http.StatusUnauthorized || status == http.StatusForbidden {
		t.Errorf("the page's files with the cookie: %d", status)
	}
	echoThrough(t, port).Close()

	out := testnet.AsAnotherUser(t, "127.0.0.1:"+strconv.Itoa(port),
		"GET /websockify?token="+testToken+" HTTP/1.1\r\nHost: localhost:"+strconv.Itoa(port)+"\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"+
			"Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n")
	if !strings.HasPrefix(out, "HTTP/1.1 403") || !strings.Contains(out, "another user") {
		t.Fatalf("another user with the token was answered:\n%s", out)
	}
}

// Open in browser gives the browser a private file that leads to the
// share: the address with its token is in no program's arguments.
func TestOpenInBrowserPassesNoSecret(t *testing.T) {
	t.Parallel()
	port := freePort(t)
	h := startApp(t, settings{Port: port, Target: echoTarget(t)}, func(c *config) {
		c.opener = redirectOpener{dir: c.paths.OpenDir(), next: c.opener}
	})
	h.click("Open in browser")
	testnet.WaitFor(t, "the browser opened", func() bool { return len(h.opener.list()) == 1 })
	file := h.opener.list()[0]
	if strings.Contains(file, testToken) || strings.Contains(file, "://") {
		t.Fatalf("the browser was given %q", file)
	}
	if filepath.Dir(file) != h.paths.OpenDir() {
		t.Fatalf("the file %s is not in %s", file, h.paths.OpenDir())
	}
	for path, want := range map[string]os.FileMode{file: 0o600, h.paths.OpenDir(): 0o700 | os.ModeDir} {
		if fi, err := os.Stat(path); err != nil || fi.Mode() != want {
			t.Errorf("%s: %v, %v; want %v", path, fi.Mode(), err, want)
		}
	}
	b, _ := os.ReadFile(file)
	if want := "http://localhost:" + strconv.Itoa(port) + "/?token=" + testToken; !strings.Contains(string(b), `content="0;url=`+want+`"`) ||
		!strings.Contains(string(b), `location.replace("`+want+`")`) {
		t.Fatalf("the file does not lead to %s:\n%s", want, b)
	}
	h.click("Recordings…") // a local page's secret path goes the same way
	testnet.WaitFor(t, "the recordings page opened", func() bool { return len(h.opener.list()) == 2 })
	if f := h.opener.list()[1]; strings.Contains(f, "://") {
		t.Fatalf("the recordings page was opened as %q", f)
	}
}
