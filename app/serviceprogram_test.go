package app

import (
	"log/slog"
	"net"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"vncbridge/internal/testnet"
)

// The service with a desktop target and no desktop session says it has
// none, and starts nothing.
func TestServiceWithoutDesktopSessionSaysSo(t *testing.T) {
	if runtime.GOOS == "darwin" || runtime.GOOS == "windows" {
		t.Skip("macOS and Windows always have a desktop session; their advice is to turn on or install a VNC server")
	}
	t.Setenv("DISPLAY", "")
	t.Setenv("WAYLAND_DISPLAY", "")
	p := testPaths(t)
	port := freePort(t)
	if err := saveSettings(p, settings{Port: port, Token: testToken, Target: "desktop:x11vnc"}); err != nil {
		t.Fatal(err)
	}
	prog := &serviceProgram{paths: p, log: slog.New(slog.DiscardHandler)}
	err := prog.Start(nil)
	if err == nil || !strings.Contains(err.Error(), "no desktop session") {
		t.Fatalf("service start: %v", err)
	}
	if c, err := net.DialTimeout("tcp", "127.0.0.1:"+strconv.Itoa(port), time.Second); err == nil {
		c.Close()
		t.Fatal("the service listens without a desktop to share")
	}
}

// The service does what the tray does: nothing at a target nobody chose,
// so it shares this desktop; with no way to serve it, it shares the target
// and logs the advice.
func TestServiceSharesThisDesktopWhenNothingAnswers(t *testing.T) {
	t.Parallel()
	d := newFakeDesktop(t)
	p := testPaths(t)
	port := freePort(t)
	saveSettings(p, settings{Port: port, Token: testToken, Target: "localhost:" + strconv.Itoa(freePort(t))})
	prog := &serviceProgram{paths: p, log: slog.New(slog.DiscardHandler), find: d.find, start: d.start}
	if err := prog.Start(nil); err != nil {
		t.Fatal(err)
	}
	greetAndEcho(t, port)
	prog.Stop(nil)
	if c := d.children(); len(c) != 1 || !c[0].stopped.Load() {
		t.Fatalf("the service's VNC server: %d started, stopped %v", len(c), len(c) == 1 && c[0].stopped.Load())
	}

	var log testnet.LogBuffer
	saveSettings(p, settings{Port: port, Token: testToken, Target: "localhost:" + strconv.Itoa(freePort(t))})
	prog = &serviceProgram{paths: p, log: slog.New(slog.NewTextHandler(&log, nil)), find: adviceOnly}
	if err := prog.Start(nil); err != nil {
		t.Fatal(err)
	}
	defer prog.Stop(nil)
	if !strings.Contains(log.String(), testAdvice.Summary) {
		t.Fatalf("the log does not give the advice:\n%s", log.String())
	}
}

// The service starts its share again when the listener fails, and stops
// it for good on Stop.
func TestServiceStartsAFailedShareAgain(t *testing.T) {
	t.Parallel()
	p := testPaths(t)
	port := freePort(t)
	if err := saveSettings(p, settings{Port: port, Token: testToken, Target: echoTarget(t), RecentTargets: []string{"x:1"}}); err != nil {
		t.Fatal(err)
	}
	var log testnet.LogBuffer
	prog := &serviceProgram{paths: p, log: slog.New(slog.NewTextHandler(&log, nil)), find: noDesktop, restartDelay: 10 * time.Millisecond}
	if err := prog.Start(nil); err != nil {
		t.Fatal(err)
	}
	first := prog.sharing()
	first.listeners[0].Close() // as a failing listener ends Serve
	testnet.WaitFor(t, "a new share", func() bool { sh := prog.sharing(); return sh != nil && sh != first })
	if !strings.Contains(log.String(), "sharing stopped; starting again") {
		t.Fatalf("the log does not say the share failed:\n%s", log.String())
	}
	echoThrough(t, port).Close()
	prog.Stop(nil)
	if c, err := net.DialTimeout("tcp", "127.0.0.1:"+strconv.Itoa(port), time.Second); err == nil {
		c.Close()
		t.Fatal("the service listens after Stop")
	}
}
