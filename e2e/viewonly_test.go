package e2e

import (
	"bytes"
	"context"
	"crypto/des"
	"encoding/binary"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gobwas/ws"
	"github.com/gobwas/ws/wsutil"

	"vncbridge/proxy"
)

// rfbConn is a raw RFB client over a WebSocket: it sends whatever bytes the
// test wants, as a page edited by hand could.
type rfbConn struct {
	t    *testing.T
	conn net.Conn
	in   io.ReadWriter // conn, after what the handshake's reader holds
	buf  bytes.Buffer  // server bytes read but not used yet
}

func dialRFB(t *testing.T, addr string) *rfbConn { return dialRFBPath(t, addr, "/websockify") }

// dialRFBPath is dialRFB with the URL's path and query.
func dialRFBPath(t *testing.T, addr, path string) *rfbConn {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	conn, br, _, err := ws.Dialer{Protocols: []string{"binary"}}.Dial(ctx, "ws://"+addr+path)
	if err != nil {
		t.Fatalf("WebSocket: %v", err)
	}
	t.Cleanup(func() { conn.Close() })
	c := &rfbConn{t: t, conn: conn, in: conn}
	if br != nil { // the server's first bytes came with the handshake's answer
		c.in = struct {
			io.Reader
			io.Writer
		}{br, conn}
	}
	return c
}

func (c *rfbConn) send(b ...[]byte) {
	c.t.Helper()
	if err := wsutil.WriteClientBinary(c.conn, bytes.Join(b, nil)); err != nil {
		c.t.Fatalf("send: %v", err)
	}
}

func (c *rfbConn) read(n int) []byte {
	c.t.Helper()
	c.conn.SetReadDeadline(time.Now().Add(10 * time.Second))
	for c.buf.Len() < n {
		p, err := wsutil.ReadServerBinary(c.in)
		if err != nil {
			c.t.Fatalf("reading %d bytes: %v", n, err)
		}
		c.buf.Write(p)
	}
	return c.buf.Next(n)
}

func (c *rfbConn) skip(n int) { c.read(n) }

// vncResponse answers a VncAuth challenge: DES with the password as key,
// each key byte's bits reversed (as VNC does).
func vncResponse(password string, challenge []byte) []byte {
	var key [8]byte
	copy(key[:], password)
	for i, b := range key {
		var r byte
		for j := 0; j < 8; j++ {
			r |= (b >> j & 1) << (7 - j)
		}
		key[i] = r
	}
	block, _ := des.NewCipher(key[:])
	out := make([]byte, 16)
	block.Encrypt(out[:8], challenge[:8])
	block.Encrypt(out[8:], challenge[8:16])
	return out
}

// handshake logs in with VncAuth (RFB 3.8) and reads ServerInit.
func (c *rfbConn) handshake() {
	c.t.Helper()
	if v := c.read(12); !bytes.HasPrefix(v, []byte("RFB 003.")) {
		c.t.Fatalf("server version %q", v)
	}
	c.send([]byte("RFB 003.008\n"))
	types := c.read(int(c.read(1)[0]))
	if !bytes.Contains(types, []byte{2}) {
		c.t.Fatalf("security types %v", types)
	}
	c.send([]byte{2})
	c.send(vncResponse(vncPassword, c.read(16)))
	if r := binary.BigEndian.Uint32(c.read(4)); r != 0 {
		c.t.Fatalf("VncAuth failed: %d", r)
	}
	c.send([]byte{1}) // shared
	c.skip(20)
	c.skip(int(binary.BigEndian.Uint32(c.read(4))))
}

// awaitUpdate reads server messages until a FramebufferUpdate begins.
func (c *rfbConn) awaitUpdate() {
	c.t.Helper()
	for {
		switch t := c.read(1)[0]; t {
		case 0:
			return
		case 2: // Bell
		case 3: // ServerCutText
			c.skip(3)
			c.skip(int(binary.BigEndian.Uint32(c.read(4))))
		default:
			c.t.Fatalf("server message type %d before the update", t)
		}
	}
}

// x runs an X client on the desktop's display and returns what it printed.
func (d *desktop) x(name string, args ...string) (string, error) {
	out, err := d.command(name, args...).Output()
	return strings.TrimSpace(string(out)), err
}

func (d *desktop) clipboard(t *testing.T) string {
	out, _ := d.x("xclip", "-o", "-selection", "clipboard")
	return out
}

func (d *desktop) geometry(t *testing.T) string {
	out, err := d.x("xdotool", "getdisplaygeometry")
	if err != nil {
		t.Fatalf("xdotool: %v", err)
	}
	return out
}

// TestViewOnlyRawClient sends what changes a desktop (keys, pointer,
// clipboard, a new size) through a view-only session to a real Xvnc: none of
// it arrives, while the picture does. The same bytes through a normal
// session change everything, so the checks can fail.
func TestViewOnlyRawClient(t *testing.T) {
	requireTools(t, "xclip")
	for _, viewOnly := range []bool{false, true} {
		name := map[bool]string{false: "control", true: "view-only"}[viewOnly]
		t.Run(name, func(t *testing.T) {
			art := newArtifacts(t)
			d := startDesktop(t, art)
			addr := startProxy(t, d, art, func(c *proxy.Config) { c.ViewOnly = viewOnly })
			px, py := d.pointer(t)
			geometry := d.geometry(t)
			// The keyboard focus on the xterm, so that keys that arrive land there.
			waitUntil(t, 5*time.Second, "the keyboard focus on the xterm", func() bool {
				d.x("xdotool", "search", "--name", "typing", "windowfocus", "--sync")
				f, err := d.x("xdotool", "getwindowfocus", "getwindowname")
				return err == nil && f == "typing"
			})

			c := dialRFB(t, addr)
			c.handshake()
			key := func(sym uint32, down byte) []byte {
				return binary.BigEndian.AppendUint32([]byte{4, down, 0, 0}, sym)
			}
			cut := []byte("intruder-text")
			c.send(
				// SetEncodings: Raw and ExtendedDesktopSize (without which
				// this Xvnc crashes on SetDesktopSize).
				[]byte{2, 0, 0, 2, 0, 0, 0, 0, 0xff, 0xff, 0xfe, 0xcc},
				[]byte{5, 0, 1, 44, 0, 200}, // pointer to 300,200
				key('z', 1), key('z', 0), key('z', 1), key('z', 0), key(0xff0d, 1), key(0xff0d, 0),
				binary.BigEndian.AppendUint32([]byte{6, 0, 0, 0}, uint32(len(cut))), cut,
				[]byte{251, 0, 3, 32, 2, 88, 1, 0},                       // SetDesktopSize 800x600, one screen
				[]byte{0, 0, 0, 1, 0, 0, 0, 0, 3, 32, 2, 88, 0, 0, 0, 0}, // id 1 at 0,0, 800x600
				[]byte{3, 0, 0, 0, 0, 0, 0, 64, 0, 64},                   // FramebufferUpdateRequest, full
			)
			c.awaitUpdate()

			if !viewOnly {
				var seen string
				deadline := time.Now().Add(10 * time.Second)
				for {
					x, y := d.pointer(t)
					typed, _ := os.ReadFile(d.typed)
					seen = fmt.Sprintf("pointer %d,%d, typed %q, clipboard %q, screen %s", x, y, typed, d.clipboard(t), d.geometry(t))
					if seen == fmt.Sprintf("pointer 300,200, typed %q, clipboard %q, screen 800 600", "zz\n", cut) {
						return
					}
					if time.Now().After(deadline) {
						t.Fatalf("a normal session did not change the desktop: %s", seen)
					}
					time.Sleep(100 * time.Millisecond)
				}
			}
			time.Sleep(time.Second) // what would arrive has arrived by now
			if x, y := d.pointer(t); x != px || y != py {
				t.Errorf("the pointer moved from %d,%d to %d,%d", px, py, x, y)
			}
			if typed, _ := os.ReadFile(d.typed); len(typed) != 0 {
				t.Errorf("keys reached the xterm: %q", typed)
			}
			if got := d.clipboard(t); got == string(cut) {
				t.Errorf("the clipboard was set to %q", got)
			}
			if g := d.geometry(t); g != geometry {
				t.Errorf("the screen went from %s to %s", geometry, g)
			}
			// And the session goes on: another picture comes.
			c.send([]byte{3, 0, 0, 0, 0, 0, 0, 64, 0, 64})
			c.awaitUpdate()
		})
	}
}

// TestViewOnlyInBrowser: noVNC in Chromium, its own view-only switch forced
// off by script, types and moves the mouse; the desktop shows, and nothing
// the page sends reaches it.
func TestViewOnlyInBrowser(t *testing.T) {
	art := newArtifacts(t)
	d := startDesktop(t, art)
	addr := startProxy(t, d, art, func(c *proxy.Config) { c.ViewOnly = true })
	b := newBrowser(t, art)
	// The view-only link's page: it says so, and its own switch is on.
	connectAndCheckPicture(t, b, "http://"+addr+"/?password="+vncPassword+"&resize=off&view_only=true")
	var status string
	b.eval(`document.getElementById("status").textContent`, &status)
	if status != "Connected — View only" {
		t.Errorf("the status reads %q", status)
	}
	// The buttons are drawn again when the desktop's capabilities change;
	// the status says view-only once still.
	b.eval(`window.vncbridge.rfb.dispatchEvent(new CustomEvent("capabilities", {detail: {capabilities: {}}})), document.getElementById("status").textContent`, &status)
	if status != "Connected — View only" {
		t.Errorf("after the capabilities changed, the status reads %q", status)
	}
	var viewOnly bool
	b.eval(`(() => { window.vncbridge.rfb.viewOnly = false; return window.vncbridge.rfb.viewOnly; })()`, &viewOnly)
	if viewOnly {
		t.Fatal("the page's view-only switch is still on")
	}
	px, py := d.pointer(t)
	b.moveMouse(300, 200)
	b.click(windowX+30, windowY+30)
	b.run(chromedpKeys("secret\r"))
	b.moveMouse(37, 411)
	time.Sleep(time.Second)
	if x, y := d.pointer(t); x != px || y != py {
		t.Errorf("the pointer moved from %d,%d to %d,%d", px, py, x, y)
	}
	if typed, _ := os.ReadFile(d.typed); len(typed) != 0 {
		t.Errorf("keys reached the xterm: %q", typed)
	}
	var state string
	b.eval(`document.body.dataset.state`, &state)
	if state != "connected" {
		t.Fatalf("the page is %q after the dropped input", state)
	}
	b.waitPixel(windowX+30, windowY+30, windowRGB)
	b.screenshot("view-only.png")
}

// TestViewOnlyTokenThroughTheCommand: vncbridge proxy with a token file
// whose second line is marked view-only. The same bytes move the pointer
// through the first token and not through the second; the log says who
// joined and left, and how.
func TestViewOnlyTokenThroughTheCommand(t *testing.T) {
	art := newArtifacts(t)
	d := startDesktop(t, art)
	bin := buildVncbridge(t)
	tokens := filepath.Join(t.TempDir(), "tokens")
	os.WriteFile(tokens, []byte("desk: "+d.rfbAddr+"\nlook: "+d.rfbAddr+" view-only\n"), 0o600)
	addr := startVncbridge(t, bin, art, "--token-plugin", "TokenFile", "--token-source", tokens, "LISTEN")

	move := func(token string, x, y int) {
		c := dialRFBPath(t, addr, "/websockify?token="+token)
		c.handshake()
		c.send([]byte{5, 0, byte(x >> 8), byte(x), byte(y >> 8), byte(y)}, []byte{3, 0, 0, 0, 0, 0, 0, 64, 0, 64})
		c.awaitUpdate()
		c.conn.Close()
	}
	move("desk", 200, 100)
	waitUntil(t, 5*time.Second, "the pointer at 200,100", func() bool { x, y := d.pointer(t); return x == 200 && y == 100 })
	move("look", 400, 300)
	time.Sleep(time.Second)
	if x, y := d.pointer(t); x != 200 || y != 100 {
		t.Fatalf("a view-only token moved the pointer to %d,%d", x, y)
	}
	logFile := filepath.Join(art.dir, filepath.Base(bin)+".log")
	waitUntil(t, 5*time.Second, "the log of viewers", func() bool {
		b, _ := os.ReadFile(logFile)
		log := string(b)
		return strings.Count(log, "viewer joined") == 2 && strings.Count(log, "viewer left") == 2 &&
			strings.Contains(log, "mode=view-only") && strings.Contains(log, "mode=control")
	})
}

// TestConsentInBrowser: the page says it waits while the person sharing is
// asked, then shows the desktop (allow, view only) or the reason it was
// refused (deny, no answer in time); a viewer disconnected by the sharer
// reads why.
func TestConsentInBrowser(t *testing.T) {
	for _, c := range []struct {
		name    string
		answer  proxy.Decision
		wait    bool
		message string
	}{
		{name: "allow", answer: proxy.Allow},
		{name: "view only", answer: proxy.AllowViewOnly},
		{name: "deny", answer: proxy.Deny, message: "The person sharing did not let you in"},
		{name: "time out", wait: true, message: "The person sharing did not answer"},
	} {
		t.Run(c.name, func(t *testing.T) {
			art := newArtifacts(t)
			d := startDesktop(t, art)
			asked := make(chan proxy.Viewer, 1)
			answer := make(chan proxy.Decision, 1)
			joined := make(chan proxy.Viewer, 1)
			addr := startProxy(t, d, art, func(cfg *proxy.Config) {
				cfg.ConsentTimeout = 3 * time.Second
				cfg.Consent = func(ctx context.Context, v proxy.Viewer) proxy.Decision {
					asked <- v
					select {
					case a := <-answer:
						return a
					case <-ctx.Done():
						return proxy.Allow // too late
					}
				}
				cfg.OnViewer = func(v proxy.Viewer, in bool) {
					if in {
						joined <- v
					}
				}
			})
			b := newBrowser(t, art)
			b.run(chromedpNavigate("http://" + addr + "/?password=" + vncPassword + "&resize=off"))
			var v proxy.Viewer
			select {
			case v = <-asked:
			case <-time.After(20 * time.Second):
				t.Fatal("the person sharing was not asked")
			}
			if v.Browser != "Chrome" {
				t.Errorf("asked about %+v", v)
			}
			b.waitFor("the waiting text", `document.getElementById("status").textContent === "Waiting for the person sharing to accept…"`, 10*time.Second)
			if !c.wait {
				answer <- c.answer
			}
			if c.message != "" {
				b.waitMessage(c.message)
				return
			}
			b.waitFor("the connected state", `document.body.dataset.state === "connected"`, 20*time.Second)
			b.waitPixel(windowX+30, windowY+30, windowRGB)
			if v := <-joined; v.ViewOnly != (c.answer == proxy.AllowViewOnly) {
				t.Fatalf("joined as %+v", v)
			}
		})
	}
}
