package app

import (
	"context"
	"crypto/tls"
	"errors"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gobwas/ws"
	"github.com/gobwas/ws/wsutil"

	"vncbridge/assets/icons"
	"vncbridge/internal/testnet"
	"vncbridge/proxy"
)

func TestStartShareCountStop(t *testing.T) {
	t.Parallel()
	port := freePort(t)
	h := startApp(t, settings{Port: port, Target: echoTarget(t)})
	h.waitStatus("Stopped", prefix("Stopped"))
	h.click("Start sharing")
	h.waitStatus("sharing", prefix("Sharing"))
	c := echoThrough(t, port)
	h.waitStatus("one viewer", func(s string) bool { return strings.HasSuffix(s, "— 1 viewer") })
	if h.tray.currentIcon() != icons.Sharing {
		t.Fatalf("icon %v", h.tray.icon)
	}
	c.Close()
	h.waitStatus("no viewers", func(s string) bool { return strings.HasSuffix(s, "— no viewers") })
	h.click("Stop sharing")
	h.waitStatus("Stopped", prefix("Stopped"))
	if _, err := net.DialTimeout("tcp", "127.0.0.1:"+strconv.Itoa(port), time.Second); err == nil {
		t.Fatal("still listening after Stop sharing")
	}
}

func TestPortInUseIsTheStatus(t *testing.T) {
	t.Parallel()
	port := busyPort(t)
	h := startApp(t, settings{Port: port, Target: echoTarget(t)})
	h.click("Start sharing")
	want := "Port " + strconv.Itoa(port) + " is in use; port "
	h.waitStatus(want, prefix(want))
	if s := h.tray.status(); !strings.Contains(s, " is free: choose it in Listen port ▸ Other…") {
		t.Fatalf("no free port suggested: %q", s)
	}
	if h.tray.currentIcon() != icons.Error {
		t.Fatalf("icon %v, want the error icon", h.tray.icon)
	}
}

func TestChangingPortWhileSharingMovesTheListener(t *testing.T) {
	t.Parallel()
	target := echoTarget(t)
	h := startApp(t, settings{Port: freePort(t), Target: target})
	h.click("Start sharing")
	h.waitStatus("sharing", prefix("Sharing"))
	newPort := freePort(t)
	h.app.cfg.prompter = fakePrompter{answer: strconv.Itoa(newPort)} // before the click: read by the loop
	h.click("Listen port", "Other…")
	h.waitStatus("sharing on the new port", func(s string) bool { return strings.Contains(s, ":"+strconv.Itoa(newPort)+" —") })
	echoThrough(t, newPort).Close()
	saved, _ := loadSettings(h.paths)
	if saved.Port != newPort {
		t.Fatalf("saved port %d, want %d", saved.Port, newPort)
	}
	if p, ok := h.item("Listen port", strconv.Itoa(newPort)); !ok || !p.Checked {
		t.Fatalf("new port not checked in the menu: %+v", p)
	}
}

func TestRecordingWritesAFile(t *testing.T) {
	t.Parallel()
	port := freePort(t)
	h := startApp(t, settings{Port: port, Target: echoTarget(t)})
	h.click("Record sessions")
	h.click("Start sharing")
	h.waitStatus("sharing", prefix("Sharing"))
	echoThrough(t, port).Close()
	var files []string
	testnet.WaitFor(t, "a recording holding the session", func() bool {
		files, _ = filepath.Glob(filepath.Join(h.paths.Recordings, "session-*.vncrec"))
		if len(files) == 0 {
			return false
		}
		b, _ := os.ReadFile(files[0])
		return strings.Contains(string(b), "RFB hello")
	})
	if len(files) != 1 {
		t.Fatalf("recordings %v", files)
	}
	b, _ := os.ReadFile(files[0])
	if !strings.Contains(string(b), "VNC_frame_data") || !strings.Contains(string(b), "RFB hello") {
		t.Fatalf("recording %q", b)
	}
	if _, err := os.Stat(files[0] + ".json"); err != nil {
		t.Fatalf("no sidecar: %v", err)
	}
}

func waitList(t *testing.T, r *recorder, want string) {
	t.Helper()
	testnet.WaitFor(t, want, func() bool { return slices.Contains(r.list(), want) })
}

func TestRemoteAccessNeedsTLSAndTheToken(t *testing.T) {
	t.Parallel()
	port := freePort(t)
	h := startApp(t, settings{Port: port, Target: echoTarget(t)})
	h.click("Allow other computers")
	h.click("Start sharing")
	h.waitStatus("sharing", prefix("Sharing"))
	s, _ := loadSettings(h.paths)
	if !s.AllowRemote || len(s.Token) < 20 {
		t.Fatalf("settings %+v", s)
	}
	h.click("Copy share link")
	waitList(t, &h.clip.recorder, s.shareURL())
	if _, err := os.Stat(filepath.Join(h.paths.Dir, "cert.pem")); err != nil {
		t.Fatal("no certificate kept:", err)
	}
	// The certificate the viewer's browser is shown is the one the tray
	// names, and the copied link's notification prepares for its warning.
	conn, err := tls.Dial("tcp", "127.0.0.1:"+strconv.Itoa(port), insecureTLS())
	if err != nil {
		t.Fatal(err)
	}
	fp := proxy.CertificateFingerprint(conn.ConnectionState().PeerCertificates[0].Raw)
	conn.Close()
	if len(fp) != 23 {
		t.Fatalf("fingerprint %q", fp)
	}
	if _, ok := h.item("Certificate " + fp); !ok {
		t.Fatalf("the menu does not name the certificate %s: %q", fp, titles(h.menu()))
	}
	h.waitNote("the connection is not private")
	h.waitNote("the fingerprint their page shows is " + fp)
	// Plain WebSocket: refused (TLS only).
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if c, _, _, err := ws.Dial(ctx, "ws://127.0.0.1:"+strconv.Itoa(port)+"/?token="+s.Token); err == nil {
		c.Close()
		t.Fatal("plain WebSocket accepted with remote access on")
	}
	d := ws.Dialer{TLSConfig: insecureTLS()}
	if c, _, _, err := d.Dial(ctx, "wss://127.0.0.1:"+strconv.Itoa(port)+"/?token=wrong"); err == nil {
		c.Close()
		t.Fatal("wrong token accepted")
	}
	c, _, _, err := d.Dial(ctx, "wss://127.0.0.1:"+strconv.Itoa(port)+"/?token="+s.Token)
	if err != nil {
		t.Fatalf("the share link's token refused: %v", err)
	}
	defer c.Close()
	wsutil.WriteClientBinary(c, []byte("over TLS"))
	if got, err := wsutil.ReadServerBinary(c); err != nil || string(got) != "over TLS" {
		t.Fatalf("echo %q %v", got, err)
	}
	// Off again: a new token next time.
	h.click("Stop sharing")
	h.click("Allow other computers")
	h.click("Allow other computers")
	h.waitStatus("a new token", func(string) bool { s2, _ := loadSettings(h.paths); return s2.Token != s.Token && s2.AllowRemote })
}

func TestHeadlessSharesAtOnce(t *testing.T) {
	t.Parallel()
	port := freePort(t)
	h := startApp(t, settings{Port: port, Target: echoTarget(t)}, func(o *config) { o.headless = true })
	h.waitStatus("sharing", prefix("Sharing"))
	echoThrough(t, port).Close()
}

// Recording, the target and the port change while a viewer watches: the
// viewer stays, new viewers get the new settings.
func TestSettingsChangesNeverDropAViewer(t *testing.T) {
	t.Parallel()
	port, newPort := freePort(t), freePort(t)
	first, second := echoTarget(t), echoTarget(t)
	prompt := &answerPrompter{}
	h := startApp(t, settings{Port: port, Target: first}, func(o *config) { o.prompter = prompt })
	h.click("Start sharing")
	h.waitStatus("sharing", prefix("Sharing "+first))
	viewer := echoThrough(t, port)
	defer viewer.Close()
	stillThere := func(step string) {
		t.Helper()
		if err := wsutil.WriteClientBinary(viewer, []byte(step)); err != nil {
			t.Fatalf("after %s: %v", step, err)
		}
		viewer.SetReadDeadline(time.Now().Add(5 * time.Second))
		if got, err := wsutil.ReadServerBinary(viewer); err != nil || string(got) != step {
			t.Fatalf("after %s the first viewer got %q, %v", step, got, err)
		}
	}

	h.click("Record sessions")
	h.waitStatus("recording on", func(string) bool { it, _ := h.item("Record sessions"); return it.Checked })
	stillThere("record on")
	echoThrough(t, port).Close() // a new viewer, recorded
	testnet.WaitFor(t, "a recording of the new viewer", func() bool {
		files, _ := filepath.Glob(filepath.Join(h.paths.Recordings, "session-*.vncrec"))
		return len(files) > 0
	})

	prompt.set(second)
	h.click("Target VNC server", "Other…")
	h.waitStatus("the new target", prefix("Sharing "+second))
	stillThere("target changed")

	prompt.set(strconv.Itoa(newPort))
	h.click("Listen port", "Other…")
	h.waitStatus("the new port", func(s string) bool { return strings.Contains(s, ":"+strconv.Itoa(newPort)+" —") })
	stillThere("port changed")
	echoThrough(t, newPort).Close()
	if c, err := net.DialTimeout("tcp", "127.0.0.1:"+strconv.Itoa(port), time.Second); err == nil {
		c.Close()
		t.Fatal("the old port still takes new viewers")
	}
	h.waitStatus("the old viewer counted", func(s string) bool { return strings.HasSuffix(s, "— 1 viewer") })

	// Stop sharing ends every session, the old share's too.
	h.click("Stop sharing")
	viewer.SetReadDeadline(time.Now().Add(5 * time.Second))
	var closed wsutil.ClosedError
	if _, err := wsutil.ReadServerBinary(viewer); !errors.As(err, &closed) || closed.Code != ws.StatusGoingAway {
		t.Fatalf("the first viewer got %v at Stop sharing, want a 1001 close", err)
	}
}

func TestShareWhenVncbridgeStarts(t *testing.T) {
	t.Parallel()
	port := freePort(t)
	h := startApp(t, settings{Port: port, Target: echoTarget(t)})
	h.click("Run in background", "Share when vncbridge starts")
	h.waitStatus("the choice saved", func(string) bool { s, _ := loadSettings(h.paths); return s.ShareOnStart })
	h.app.Quit()
	<-h.done
	h.done <- nil
	// The next start shares at once.
	s, _ := loadSettings(h.paths)
	h2 := &harness{t: t, tray: &fakeTray{}, paths: h.paths, done: make(chan error, 1)}
	h2.app = newApp(config{paths: h.paths, detect: savedAnswer}, h2.tray)
	go func() { h2.done <- h2.app.Run(context.Background()) }()
	t.Cleanup(func() { h2.app.Quit(); <-h2.done })
	h2.waitStatus("sharing at start", prefix("Sharing "+s.Target))
	echoThrough(t, port).Close()
}

// A new port that is busy is refused while sharing: the share goes on where
// it was, the status says so truly, and nothing is saved.
func TestBusyNewPortKeepsTheShare(t *testing.T) {
	t.Parallel()
	taken := busyPort(t)
	port := freePort(t)
	h := startApp(t, settings{Port: port, Target: echoTarget(t)}, func(o *config) {
		o.prompter = fakePrompter{answer: strconv.Itoa(taken)}
	})
	h.click("Start sharing")
	h.waitStatus("sharing", prefix("Sharing"))
	viewer := echoThrough(t, port)
	defer viewer.Close()
	h.click("Listen port", "Other…")
	h.waitNote("Port " + strconv.Itoa(taken) + " is in use")
	if s := h.tray.status(); !strings.Contains(s, "localhost:"+strconv.Itoa(port)+" —") {
		t.Fatalf("status %q, want the share on port %d still", s, port)
	}
	if s, _ := loadSettings(h.paths); s.Port != port {
		t.Fatalf("saved port %d, want %d", s.Port, port)
	}
	echoThrough(t, port).Close()
}
