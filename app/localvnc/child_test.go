//go:build linux

package localvnc

import (
	"context"
	"log/slog"
	"os"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"vncbridge/internal/testnet"
)

func TestX11vncOnAPrivateSocket(t *testing.T) {
	testnet.RequireTools(t, "x11vnc")
	display := testnet.StartXvfb(t, "-screen", "0", "320x240x24")
	t.Setenv("DISPLAY", display)
	t.Setenv("WAYLAND_DISPLAY", "") // set but empty, as a desktop may leave it: x11vnc must still start
	prog, ok, adv := Find(Env{})
	if !ok || prog.Name != "x11vnc" {
		t.Fatalf("Find on an X display with x11vnc installed: %q, %v (%s)", prog.Name, ok, adv.Summary)
	}
	var mu sync.Mutex
	var statuses []string
	srv, err := Start(context.Background(), prog, Options{RuntimeDir: t.TempDir(), Log: testLog(t), Status: func(n Note) {
		mu.Lock()
		statuses = append(statuses, n.String())
		mu.Unlock()
	}})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Stop()

	t.Run("private socket", func(t *testing.T) {
		fi, err := os.Stat(srv.Dir())
		if err != nil || fi.Mode().Perm() != 0o700 {
			t.Fatalf("socket folder %s: %v, mode %v; want 0700", srv.Dir(), err, fi.Mode().Perm())
		}
		if !greets(srv.Socket()) {
			t.Fatal("no RFB greeting on the socket")
		}
		if inos := testnet.TCPListenersOf(t, srv.PID()); len(inos) > 0 {
			t.Fatalf("x11vnc (pid %d) listens on a TCP port (socket inodes %v)", srv.PID(), inos)
		}
	})

	t.Run("restarted when it dies", func(t *testing.T) {
		old := srv.PID()
		syscall.Kill(old, syscall.SIGKILL)
		testnet.WaitWithin(t, 15*time.Second, "a new x11vnc", func() bool { p := srv.PID(); return p != 0 && p != old && greets(srv.Socket()) })
		testnet.WaitWithin(t, 5*time.Second, "the status back to normal", func() bool {
			mu.Lock()
			defer mu.Unlock()
			return len(statuses) >= 2 && statuses[len(statuses)-1] == ""
		})
		mu.Lock()
		defer mu.Unlock()
		if !strings.Contains(statuses[0], "starting it again") {
			t.Fatalf("statuses %q", statuses)
		}
	})

	t.Run("stopped with sharing", func(t *testing.T) {
		pid := srv.PID()
		srv.Stop()
		if err := syscall.Kill(pid, 0); err == nil {
			t.Fatalf("x11vnc (pid %d) still runs after Stop", pid)
		}
		if _, err := os.Stat(srv.Dir()); !os.IsNotExist(err) {
			t.Fatalf("the socket folder is still there: %v", err)
		}
	})
}

// A server that exits at once is an error that says so, and leaves nothing.
func TestStartFails(t *testing.T) {
	runtime := t.TempDir()
	prog := Program{Name: "false", Path: "/bin/false", args: func(string, Options) []string { return nil }}
	_, err := Start(context.Background(), prog, Options{RuntimeDir: runtime})
	if err == nil || !strings.Contains(err.Error(), "false exited at start, and said nothing") {
		t.Fatalf("err = %v", err)
	}
	if ents, _ := os.ReadDir(runtime); len(ents) != 0 {
		t.Fatalf("left %v behind", ents)
	}
}

// A server that exits at once gives its last words as the reason, every
// time: its output is read from its first line on.
func TestStartFailsWithItsReason(t *testing.T) {
	prog := Program{Name: "sh", Path: "/bin/sh", args: func(string, Options) []string {
		return []string{"-c", "echo 'No such output' >&2; exit 1"}
	}}
	for i := range 20 {
		_, err := Start(context.Background(), prog, Options{RuntimeDir: t.TempDir()})
		if err == nil || !strings.Contains(err.Error(), "No such output") {
			t.Fatalf("run %d: err = %v; want the child's last words", i, err)
		}
	}
}

// testLog sends the log, the child's output included, to the test's log.
func testLog(t *testing.T) *slog.Logger {
	return slog.New(slog.NewTextHandler(testWriter{t}, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

type testWriter struct{ t *testing.T }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Helper()
	w.t.Log(strings.TrimSpace(string(p)))
	return len(p), nil
}

// x11vnc on an X display that does not answer: Start's error says so in
// words, not with x11vnc's last line (a link to its FAQ).
func TestX11vncOnADeadDisplaySaysWhy(t *testing.T) {
	testnet.RequireTools(t, "x11vnc")
	display := deadDisplay(t)
	t.Setenv("DISPLAY", display)
	t.Setenv("WAYLAND_DISPLAY", "")
	t.Setenv("XDG_SESSION_TYPE", "x11")
	prog, ok, _ := Find(Env{})
	if !ok {
		t.Fatal("Find: no x11vnc")
	}
	srv, err := Start(context.Background(), prog, Options{RuntimeDir: t.TempDir(), Log: testLog(t)})
	if err == nil {
		srv.Stop()
		t.Fatal("x11vnc started on a dead display")
	}
	want := "x11vnc cannot open the X display " + display + ": is this an X11 session?"
	if err.Error() != want {
		t.Fatalf("the error: %q\nwant %q", err, want)
	}
}

// deadDisplay is the name of an X display nobody serves.
func deadDisplay(t *testing.T) string {
	for n := 190; n < 290; n++ {
		if _, err := os.Stat("/tmp/.X11-unix/X" + strconv.Itoa(n)); os.IsNotExist(err) {
			return ":" + strconv.Itoa(n)
		}
	}
	t.Skip("no free X display number")
	return ""
}
