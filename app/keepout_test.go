package app

import (
	"context"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gobwas/ws"
	"github.com/gobwas/ws/wsutil"

	"vncbridge/internal/testnet"
	"vncbridge/internal/words"
	"vncbridge/proxy"
)

// A browser, as the page's would: it opens the share's link, keeps the
// cookies it is given, and opens WebSockets with them.
type testBrowser struct {
	t       *testing.T
	port    int
	cookies []*http.Cookie
}

func openLink(t *testing.T, port int) *testBrowser {
	t.Helper()
	resp, err := http.Get("http://localhost:" + strconv.Itoa(port) + "/?token=" + testToken)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return &testBrowser{t: t, port: port, cookies: resp.Cookies()}
}

// dial opens a WebSocket with the browser's cookies.
func (b *testBrowser) dial() (net.Conn, io.Reader) {
	b.t.Helper()
	var cookie []string
	for _, c := range b.cookies {
		cookie = append(cookie, c.Name+"="+c.Value)
	}
	d := ws.Dialer{Header: ws.HandshakeHeaderHTTP(http.Header{"Cookie": {strings.Join(cookie, "; ")}})}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	c, br, _, err := d.Dial(ctx, "ws://127.0.0.1:"+strconv.Itoa(b.port)+"/websockify")
	if err != nil {
		b.t.Fatal(err)
	}
	if br != nil { // what came with the handshake's answer (a close)
		return c, io.MultiReader(br, c)
	}
	return c, c
}

// holdOpen opens a session that echoes, and keeps it open.
func (b *testBrowser) holdOpen() net.Conn {
	b.t.Helper()
	c, r := b.dial()
	b.t.Cleanup(func() { c.Close() })
	if got := echoOrClose(b.t, c, r); got != "" {
		b.t.Fatalf("refused: %q", got)
	}
	return c
}

// join opens a session and returns the reason it was closed with, or ""
// when it was let in (it echoes).
func (b *testBrowser) join() string {
	b.t.Helper()
	c, r := b.dial()
	defer c.Close()
	return echoOrClose(b.t, c, r)
}

// echoOrClose sends a message and returns "" when it comes back, or the
// reason of the close that came instead.
func echoOrClose(t *testing.T, c net.Conn, r io.Reader) string {
	t.Helper()
	c.SetDeadline(time.Now().Add(5 * time.Second))
	defer c.SetDeadline(time.Time{})
	wsutil.WriteClientBinary(c, []byte("hello")) // a refused viewer's may fail: its close is read below
	for {
		h, err := ws.ReadHeader(r)
		if err != nil {
			t.Fatal(err)
		}
		p := make([]byte, h.Length)
		if _, err := io.ReadFull(r, p); err != nil {
			t.Fatal(err)
		}
		switch {
		case h.OpCode == ws.OpClose:
			_, reason := ws.ParseCloseFrameData(p)
			return reason
		case string(p) != "hello":
			t.Fatalf("echo %q", p)
		default:
			return ""
		}
	}
}

// answerConsenter answers what it is set to, and tells whom it asks about.
type answerConsenter struct {
	mu     sync.Mutex
	answer proxy.Decision
	asked  *recorder
}

func (a *answerConsenter) set(d proxy.Decision) { a.mu.Lock(); a.answer = d; a.mu.Unlock() }

func (a *answerConsenter) Consent(_ context.Context, v proxy.Viewer) (proxy.Decision, error) {
	a.asked.add(v.Address)
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.answer, nil
}

// Disconnect keeps a viewer out: its browser's next join asks the person
// sharing, though the settings do not ask, and is refused on a Deny; other
// browsers come in unasked; a browser let in again is forgiven; a new
// share lets everyone in.
func TestDisconnectKeepsTheViewerOut(t *testing.T) {
	port := freePort(t)
	asked := &recorder{}
	answer := &answerConsenter{answer: proxy.Deny, asked: asked}
	h := startApp(t, settings{Port: port, Target: echoTarget(t)}, func(c *config) { c.consenter = answer })
	h.click("Start sharing")
	h.waitStatus("sharing", prefix("Sharing"))

	friend := openLink(t, port)
	if len(friend.cookies) != 2 {
		t.Fatalf("the link's cookies: %v (want admission and the browser's name)", friend.cookies)
	}
	held := friend.holdOpen()
	testnet.WaitFor(t, "the viewer in the menu", func() bool { return len(h.app.viewersSeen()) == 1 })
	v := h.app.viewersSeen()[0]
	h.click("Viewers", viewerTitle(words.English, v.Viewer), "Disconnect")
	if got := testnet.CloseReason(t, held, nil); got != disconnectReason {
		t.Fatalf("disconnected with %q", got)
	}

	if got := friend.join(); got != proxy.ReasonNotLetIn {
		t.Fatalf("the disconnected browser came back: %q", got)
	}
	if n := len(asked.list()); n != 1 {
		t.Fatalf("the person sharing was asked %d times, want once", n)
	}
	if got := openLink(t, port).join(); got != "" {
		t.Fatalf("another browser was refused: %q", got)
	}
	if n := len(asked.list()); n != 1 {
		t.Fatal("another browser was asked about")
	}
	answer.set(proxy.Allow)
	if got := friend.join(); got != "" {
		t.Fatalf("let in again, it was refused: %q", got)
	}
	if got := friend.join(); got != "" || len(asked.list()) != 2 {
		t.Fatalf("forgiven, it was refused (%q) or asked again (%d)", got, len(asked.list()))
	}
}
