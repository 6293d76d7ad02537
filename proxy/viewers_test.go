package proxy

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gobwas/ws"

	"vncbridge/internal/testnet"
)

const firefoxUA = "User-Agent: Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"

// expectSilence checks that nothing comes from r for a while.
func expectSilence(t *testing.T, c *wsClient, d time.Duration) {
	t.Helper()
	c.conn.SetReadDeadline(time.Now().Add(d))
	var b [1]byte
	if n, err := c.br.Read(b[:]); n > 0 || !errors.Is(err, os.ErrDeadlineExceeded) {
		t.Fatalf("the viewer got %d bytes (%v) before it was let in", n, err)
	}
	c.conn.SetReadDeadline(time.Time{})
}

// expectNoDial checks that the target gets no connection for a while.
func expectNoDial(t *testing.T, tg *target, d time.Duration) {
	t.Helper()
	select {
	case <-tg.conns:
		t.Fatal("the target was dialed before the viewer was let in")
	case <-time.After(d):
	}
}

// rfbHandshake plays a VNC server (3.8, no security) on tc and a client on
// c, up to the messages, and returns what the target read of the client.
func rfbHandshake(t *testing.T, c *wsClient, tc net.Conn) {
	t.Helper()
	tc.SetDeadline(time.Now().Add(5 * time.Second))
	readN := func(n int) []byte {
		b := make([]byte, n)
		if _, err := io.ReadFull(tc, b); err != nil {
			t.Fatalf("target read: %v", err)
		}
		return b
	}
	tc.Write(v38)
	c.readData(12)
	c.send(ws.OpBinary, v38)
	readN(12)
	tc.Write([]byte{1, 1})
	c.readData(2)
	c.send(ws.OpBinary, []byte{1})
	readN(1)
	tc.Write(ok)
	c.readData(4)
	c.send(ws.OpBinary, []byte{1})
	readN(1)
}

func TestConsent(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name     string
		answer   Decision
		wait     bool // answer nothing: the time runs out
		closed   string
		viewOnly bool
	}{
		{name: "allow", answer: Allow},
		{name: "allow view only", answer: AllowViewOnly, viewOnly: true},
		{name: "deny", answer: Deny, closed: "The person sharing did not let you in"},
		{name: "busy", answer: DenyBusy, closed: ReasonAnsweringAnother},
		{name: "time out", wait: true, closed: "The person sharing did not answer within 400ms"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			tg := startTarget(t)
			asked := make(chan Viewer, 1)
			answer := make(chan Decision, 1)
			var events []string
			var mu sync.Mutex
			srv, addr, _ := startServer(t, Config{
				Target:         tg.addr(),
				ConsentTimeout: 400 * time.Millisecond,
				Consent: func(ctx context.Context, v Viewer) Decision {
					asked <- v
					select {
					case d := <-answer:
						return d
					case <-ctx.Done():
						return Allow // too late: the proxy has given up
					}
				},
				OnViewer: func(v Viewer, joined bool) {
					mu.Lock()
					events = append(events, v.Mode()+" "+map[bool]string{true: "joined", false: "left"}[joined])
					mu.Unlock()
				},
			})
			cl := dialWS(t, addr, firefoxUA)
			var v Viewer
			select {
			case v = <-asked:
			case <-time.After(5 * time.Second):
				t.Fatal("consent was not asked")
			}
			if v.Browser != "Firefox" || v.Address != cl.conn.LocalAddr().String() || v.ID == 0 {
				t.Errorf("asked about %+v", v)
			}
			if srv.Sessions() != 0 {
				t.Errorf("a waiting viewer counts as a session")
			}
			expectSilence(t, cl, 150*time.Millisecond)
			expectNoDial(t, tg, 50*time.Millisecond)
			if !c.wait {
				answer <- c.answer
			}
			if c.closed != "" {
				code, reason := cl.expectClose()
				if code != ws.StatusPolicyViolation || reason != c.closed {
					t.Fatalf("closed with %d %q, want %q", code, reason, c.closed)
				}
				expectNoDial(t, tg, 100*time.Millisecond)
				mu.Lock()
				defer mu.Unlock()
				if len(events) != 0 {
					t.Errorf("a refused viewer was reported: %v", events)
				}
				return
			}
			tc := tg.accept(t)
			testnet.WaitFor(t, "the session", func() bool { return srv.Sessions() == 1 })
			if vs := srv.Viewers(); len(vs) != 1 || vs[0].ViewOnly != c.viewOnly || vs[0].ID != v.ID {
				t.Fatalf("viewers %+v", vs)
			}
			rfbHandshake(t, cl, tc)
			key := []byte{4, 1, 0, 0, 0, 0, 0, 'a'}
			fbur := []byte{3, 1, 0, 0, 0, 0, 0, 8, 0, 8}
			cl.send(ws.OpBinary, append(key, fbur...))
			want := append(key, fbur...)
			if c.viewOnly {
				want = fbur
			}
			got := make([]byte, len(want))
			tc.SetReadDeadline(time.Now().Add(5 * time.Second))
			if _, err := io.ReadFull(tc, got); err != nil || !bytes.Equal(got, want) {
				t.Fatalf("the target read %x (%v), want %x", got, err, want)
			}
			cl.send(ws.OpClose, closePayload(nil, ws.StatusNormalClosure, ""))
			cl.expectClose()
			testnet.WaitFor(t, "the end", func() bool { return srv.Sessions() == 0 })
			mu.Lock()
			defer mu.Unlock()
			mode := map[bool]string{true: "view-only", false: "control"}[c.viewOnly]
			if strings.Join(events, ", ") != mode+" joined, "+mode+" left" {
				t.Errorf("events %v", events)
			}
		})
	}
}

func TestDisconnectClosesThatSessionOnly(t *testing.T) {
	t.Parallel()
	srv, addr, _ := startServer(t, Config{Target: startEcho(t)})
	a := dialWS(t, addr, "User-Agent: Mozilla/5.0 (X11) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/131.0 Chrome/131.0 Safari/537.36")
	b := dialWS(t, addr, firefoxUA)
	testnet.WaitFor(t, "two sessions", func() bool { return srv.Sessions() == 2 })
	vs := srv.Viewers()
	if len(vs) != 2 || vs[0].Browser != "Chrome" || vs[1].Browser != "Firefox" || vs[0].Address != a.conn.LocalAddr().String() {
		t.Fatalf("viewers %+v", vs)
	}
	if err := srv.Disconnect(vs[0].ID, "The person sharing disconnected you"); err != nil {
		t.Fatal(err)
	}
	code, reason := a.expectClose()
	if code != ws.StatusPolicyViolation || reason != "The person sharing disconnected you" {
		t.Fatalf("closed with %d %q", code, reason)
	}
	b.send(ws.OpBinary, []byte("still here"))
	if got := b.readData(10); string(got) != "still here" {
		t.Fatalf("the other session echoed %q", got)
	}
	testnet.WaitFor(t, "one session", func() bool { return srv.Sessions() == 1 })
	if vs := srv.Viewers(); len(vs) != 1 || vs[0].Browser != "Firefox" {
		t.Fatalf("left %+v", vs)
	}
	if err := srv.Disconnect(vs[0].ID+100, "x"); !errors.Is(err, ErrNoSuchViewer) {
		t.Fatalf("unknown session: %v", err)
	}
}

func TestMetricsListViewers(t *testing.T) {
	t.Parallel()
	tg := startTarget(t)
	srv, addr, _ := startServer(t, Config{Target: tg.addr(), Metrics: true, ViewOnly: true})
	c := dialWS(t, addr, firefoxUA)
	tg.accept(t)
	// The handshake's answer is written before the session is registered.
	testnet.WaitFor(t, "the session", func() bool { return srv.Sessions() == 1 })
	r, err := http.Get("http://" + addr + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer r.Body.Close()
	body, _ := io.ReadAll(r.Body)
	want := `vncbridge_viewer_start_seconds{session="1",address="` + c.conn.LocalAddr().String() + `",mode="view-only",browser="Firefox"} `
	if !strings.Contains(string(body), want) {
		t.Fatalf("metrics lack %s:\n%s", want, body)
	}
}

// Config.ViewerName names the person behind a session: in Viewers, the
// session's log lines and /metrics.
func TestViewerName(t *testing.T) {
	t.Parallel()
	tg := startTarget(t)
	const name = "Ann (ann@example.com) on ann-phone"
	srv, addr, logs := startServer(t, Config{Target: tg.addr(), Metrics: true,
		ViewerName: func(r *http.Request) string { return name }})
	c := dialWS(t, addr, firefoxUA)
	tg.accept(t)
	testnet.WaitFor(t, "the session", func() bool { return srv.Sessions() == 1 })
	if vs := srv.Viewers(); len(vs) != 1 || vs[0].Name != name {
		t.Fatalf("viewers %+v, want one named %q", vs, name)
	}
	r, err := http.Get("http://" + addr + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer r.Body.Close()
	body, _ := io.ReadAll(r.Body)
	want := `vncbridge_viewer_start_seconds{session="1",address="` + c.conn.LocalAddr().String() + `",mode="control",browser="Firefox",name="` + name + `"} `
	if !strings.Contains(string(body), want) {
		t.Fatalf("metrics lack %s:\n%s", want, body)
	}
	if !strings.Contains(logs.String(), `msg="session started"`) || !strings.Contains(logs.String(), `viewer="`+name+`"`) {
		t.Fatalf("the log does not name the viewer:\n%s", logs)
	}
}

// TestViewOnlyEndsWhenItCannotFollow: a target offering only an encrypted
// security type ends a view-only session with the reason.
func TestViewOnlyEndsWhenItCannotFollow(t *testing.T) {
	t.Parallel()
	tg := startTarget(t)
	_, addr, _ := startServer(t, Config{Target: tg.addr(), ViewOnly: true})
	c := dialWS(t, addr)
	tc := tg.accept(t)
	tc.Write(v38)
	c.readData(12)
	c.send(ws.OpBinary, v38)
	io.ReadFull(tc, make([]byte, 12))
	tc.Write([]byte{1, 18})
	c.readData(2)
	c.send(ws.OpBinary, []byte{18})
	code, reason := c.expectClose()
	if code != ws.StatusPolicyViolation || !strings.Contains(reason, "security type 18 (TLS) cannot be followed") {
		t.Fatalf("closed with %d %q", code, reason)
	}
}

// A User-Agent names the viewer's browser and device.
func TestBrowserAndDeviceOf(t *testing.T) {
	t.Parallel()
	for ua, want := range map[string][2]string{
		"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0":           {"Edge", "Windows"},
		"Mozilla/5.0 (Macintosh; Intel Mac OS X 14_0) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Safari/605.1.15":                      {"Safari", "Mac"},
		"Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36":                                   {"Chrome", "Linux"},
		"Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0":                                                                  {"Firefox", "Linux"},
		"Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36":                   {"Chrome", "Android"},
		"Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1": {"Safari", "iPhone"},
		"Mozilla/5.0 (iPad; CPU OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1":          {"Safari", "iPad"},
		"Mozilla/5.0 (X11; CrOS x86_64 14541.0.0) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36":                          {"Chrome", "ChromeOS"},
		"Python/3.11 websockets/12.0": {"Python", ""},
		"":                            {"unknown", ""},
		"Mozilla/5.0 (compatible)":    {"unknown", ""},
	} {
		if got := [2]string{browserOf(ua), deviceOf(ua)}; got != want {
			t.Errorf("%q: %q, want %q", ua, got, want)
		}
	}
}

// lookAuth lets every request in, for viewing only when it asks to look.
type lookAuth struct{}

func (lookAuth) Authenticate(*http.Request) error { return nil }
func (lookAuth) ViewOnly(r *http.Request) bool    { return r.URL.Query().Get("look") == "1" }

func TestViewOnlyByAuthentication(t *testing.T) {
	t.Parallel()
	for _, look := range []bool{false, true} {
		tg := startTarget(t)
		srv, addr, _ := startServer(t, Config{Target: tg.addr(), Auth: lookAuth{}})
		conn, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		path := "/websockify"
		if look {
			path += "?look=1"
		}
		req := "GET " + path + " HTTP/1.1\r\nHost: localhost\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
			"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n"
		io.WriteString(conn, req)
		br := bufio.NewReader(conn)
		if resp, err := http.ReadResponse(br, nil); err != nil || resp.StatusCode != 101 {
			t.Fatalf("handshake: %v %v", resp, err)
		}
		cl := &wsClient{t: t, conn: conn, br: br}
		tc := tg.accept(t)
		testnet.WaitFor(t, "the session", func() bool { return srv.Sessions() == 1 })
		if vs := srv.Viewers(); vs[0].ViewOnly != look {
			t.Fatalf("look=%v: viewer %+v", look, vs[0])
		}
		rfbHandshake(t, cl, tc)
		key := []byte{4, 1, 0, 0, 0, 0, 0, 'a'}
		fbur := []byte{3, 1, 0, 0, 0, 0, 0, 8, 0, 8}
		cl.send(ws.OpBinary, append(append([]byte{}, key...), fbur...))
		want := append(append([]byte{}, key...), fbur...)
		if look {
			want = fbur
		}
		got := make([]byte, len(want))
		tc.SetReadDeadline(time.Now().Add(5 * time.Second))
		if _, err := io.ReadFull(tc, got); err != nil || !bytes.Equal(got, want) {
			t.Fatalf("look=%v: the target read %x (%v), want %x", look, got, err, want)
		}
		conn.Close()
	}
}

// A viewer that leaves while the person sharing is asked ends the question:
// the dialog's context is done, the target never dialed.
func TestConsentViewerLeaves(t *testing.T) {
	t.Parallel()
	tg := startTarget(t)
	asked, canceled := make(chan struct{}), make(chan struct{})
	srv, addr, _ := startServer(t, Config{Target: tg.addr(), Consent: func(ctx context.Context, v Viewer) Decision {
		close(asked)
		<-ctx.Done()
		close(canceled)
		return Allow
	}})
	c := dialWS(t, addr)
	waitClosed(t, asked, "the person sharing to be asked")
	c.conn.Close()
	waitClosed(t, canceled, "the question to end after the viewer left")
	// The session is over: had the Allow let it go on, the target would
	// have been dialed by now.
	testnet.WaitFor(t, "the session to end", func() bool { return srv.Sessions() == 0 })
	select {
	case <-tg.conns:
		t.Fatal("the target was dialed for a viewer that left")
	default:
	}
}

// waitClosed waits for ch to be closed, failing the test, naming what,
// after 10 seconds.
func waitClosed(t *testing.T, ch <-chan struct{}, what string) {
	t.Helper()
	select {
	case <-ch:
	case <-time.After(10 * time.Second):
		t.Fatalf("timed out waiting for %s", what)
	}
}

// A viewer that closes while the person sharing is asked (a browser's
// Cancel: a close frame, the connection kept open for the answer) ends the
// question too.
func TestConsentViewerCloses(t *testing.T) {
	tg := startTarget(t)
	asked, canceled := make(chan struct{}), make(chan struct{})
	_, addr, _ := startServer(t, Config{Target: tg.addr(), Consent: func(ctx context.Context, v Viewer) Decision {
		close(asked)
		<-ctx.Done()
		close(canceled)
		return Allow
	}})
	c := dialWS(t, addr)
	defer c.conn.Close()
	<-asked
	c.write(closeFrame(ws.StatusNormalClosure, ""))
	select {
	case <-canceled:
	case <-time.After(5 * time.Second):
		t.Fatal("the question went on after the viewer closed")
	}
	expectNoDial(t, tg, 200*time.Millisecond)
}

// What a viewer sends while it waits reaches the target once it is let in.
func TestConsentKeepsEarlyBytes(t *testing.T) {
	t.Parallel()
	tg := startTarget(t)
	asked, answer := make(chan struct{}), make(chan Decision)
	_, addr, _ := startServer(t, Config{Target: tg.addr(), Consent: func(ctx context.Context, v Viewer) Decision {
		close(asked)
		return <-answer
	}})
	c := dialWS(t, addr)
	waitClosed(t, asked, "the person sharing to be asked")
	c.send(ws.OpBinary, []byte("early"))
	// The proxy reads the client while it waits for the answer.
	testnet.WaitFor(t, "the proxy to read the early bytes", func() bool { return testnet.ReadByPeer(t, c.conn) })
	answer <- Allow
	tc := tg.accept(t)
	c.send(ws.OpBinary, []byte(" and later"))
	got := make([]byte, len("early and later"))
	tc.SetReadDeadline(time.Now().Add(5 * time.Second))
	if _, err := io.ReadFull(tc, got); err != nil || string(got) != "early and later" {
		t.Fatalf("the target read %q (%v)", got, err)
	}
}

// Refusals count as failed guesses of the viewer's address: a flood of
// viewers from one address is soon refused without asking the person
// sharing again.
func TestConsentRefusalsCountAsGuesses(t *testing.T) {
	t.Parallel()
	tg := startTarget(t)
	var asked atomic.Int32
	_, addr, _ := startServer(t, Config{Target: tg.addr(), Consent: func(ctx context.Context, v Viewer) Decision {
		asked.Add(1)
		return Deny
	}})
	const tries = 20
	unasked := 0
	for range tries {
		code, reason := dialWS(t, addr).expectClose()
		switch {
		case code == refusalCode(http.StatusTooManyRequests) && strings.HasPrefix(reason, "too many refused attempts from this address"):
			unasked++
		case code != ws.StatusPolicyViolation || reason != ReasonNotLetIn:
			t.Fatalf("closed with %d %q", code, reason)
		}
	}
	if unasked == 0 || int(asked.Load())+unasked != tries {
		t.Fatalf("%d asked, %d refused unasked, of %d", asked.Load(), unasked, tries)
	}
}

// ViewerKey names each viewer from its request, in Viewers and in the
// question to the person sharing.
func TestViewerKey(t *testing.T) {
	tg := startTarget(t)
	asked := make(chan Viewer, 1)
	srv, addr, _ := startServer(t, Config{Target: tg.addr(),
		ViewerKey: func(r *http.Request) string {
			c, err := r.Cookie("browser")
			if err != nil {
				return ""
			}
			return c.Value
		},
		Consent: func(ctx context.Context, v Viewer) Decision { asked <- v; return Allow }})
	dialWS(t, addr, "Cookie: browser=b-42")
	if v := <-asked; v.Key != "b-42" {
		t.Fatalf("asked about %+v", v)
	}
	tg.accept(t)
	testnet.WaitFor(t, "the viewer", func() bool { return len(srv.Viewers()) == 1 })
	if v := srv.Viewers()[0]; v.Key != "b-42" {
		t.Fatalf("viewer %+v", v)
	}
}
