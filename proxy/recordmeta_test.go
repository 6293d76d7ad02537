package proxy

import (
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/gobwas/ws"

	"vncbridge/internal/testnet"
	"vncbridge/proxy/recordfmt"
)

func readSidecar(t *testing.T, name string) recordfmt.Sidecar {
	t.Helper()
	b, err := os.ReadFile(name + recordfmt.SidecarExt)
	if err != nil {
		t.Fatal(err)
	}
	var m recordfmt.Sidecar
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatalf("sidecar %s: %v", b, err)
	}
	return m
}

func TestRecordDirNamesBySessionStartWithSidecar(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	tg := startTarget(t)
	before := time.Now()
	srv, addr, _ := startServer(t, Config{Target: tg.addr(), RecordDir: dir, Version: "1.2.3"})
	c := greetAndWaitForSidecar(t, tg, addr, dir)
	files, _ := filepath.Glob(filepath.Join(dir, "*"+recordfmt.Ext))
	if len(files) != 1 {
		t.Fatalf("recordings while the session runs: %v", files)
	}
	name := files[0]
	if !regexp.MustCompile(`^session-\d{4}-\d\d-\d\d_\d\d-\d\d-\d\d\.\d{3}-1\.vncrec$`).MatchString(filepath.Base(name)) {
		t.Fatalf("recording named %s", filepath.Base(name))
	}
	open := readSidecar(t, name)
	if open.End != nil || open.Target != tg.addr() || open.Version != "1.2.3" || open.Session != 1 ||
		open.Viewer != c.conn.LocalAddr().String() || open.Start.Before(before.Add(-time.Second)) || open.Start.After(time.Now()) {
		t.Fatalf("sidecar of an open session: %+v (viewer %s)", open, c.conn.LocalAddr())
	}

	c.write(closeFrame(1000, ""))
	c.expectClose()
	testnet.WaitFor(t, "the session to end", func() bool { return srv.Sessions() == 0 })
	done := readSidecar(t, name)
	if done.End == nil || done.End.Before(done.Start) || done.Start != open.Start || done.Stopped != "" {
		t.Fatalf("sidecar of an ended session: %+v", done)
	}
	if b, _ := os.ReadFile(name); !strings.HasSuffix(string(b), "'EOF'];\n") {
		t.Fatalf("recording not complete: %q", b)
	}
	if tmp, _ := filepath.Glob(filepath.Join(dir, "*.tmp")); len(tmp) != 0 {
		t.Fatalf("left behind: %v", tmp)
	}
}

// A target's name, when the embedder gives one, is the sidecar's target.
func TestSidecarNamesTheTargetByItsName(t *testing.T) {
	dir := t.TempDir()
	tg := startTarget(t)
	_, addr, _ := startServer(t, Config{Target: tg.addr(), TargetName: "This desktop (x11vnc)", RecordDir: dir})
	greetAndWaitForSidecar(t, tg, addr, dir)
	files, _ := filepath.Glob(filepath.Join(dir, "*"+recordfmt.Ext))
	if got := readSidecar(t, files[0]).Target; got != "This desktop (x11vnc)" {
		t.Fatalf("the sidecar's target: %q", got)
	}
}

func TestSessionThatNeverReachedTheTargetLeavesNoRecording(t *testing.T) {
	t.Parallel()
	for _, mode := range []string{"record", "recorddir"} {
		t.Run(mode, func(t *testing.T) {
			dir := t.TempDir()
			cfg := Config{Target: closedPort(t)}
			if mode == "record" {
				cfg.Record = filepath.Join(dir, "session")
			} else {
				cfg.RecordDir = dir
			}
			srv, addr, _ := startServer(t, cfg)
			c := dialWS(t, addr)
			c.send(ws.OpBinary, []byte("hello"))
			if code, _ := c.expectClose(); code != ws.StatusInternalServerError {
				t.Fatalf("close code %d", code)
			}
			c.write(closeFrame(ws.StatusInternalServerError, ""))
			testnet.WaitFor(t, "the session to end", func() bool { return srv.Sessions() == 0 })
			if left, _ := os.ReadDir(dir); len(left) != 0 {
				t.Fatalf("files left by a session that never reached its target: %v", left)
			}
		})
	}
}

func TestFullDiskStopsTheRecordingNotTheSession(t *testing.T) {
	t.Parallel()
	if _, err := os.Stat("/dev/full"); err != nil {
		t.Skip("no /dev/full on this system")
	}
	dir := t.TempDir()
	prefix := filepath.Join(dir, "session")
	var mu sync.Mutex
	var reported []error
	tg := startTarget(t)
	srv, addr, _ := startServer(t, Config{Target: tg.addr(), Record: prefix, openRecording: func(string) (io.WriteCloser, error) {
		return os.OpenFile("/dev/full", os.O_WRONLY, 0)
	}, OnRecordError: func(file string, err error) {
		mu.Lock()
		defer mu.Unlock()
		if file != prefix+".1" {
			t.Errorf("error reported for %s", file)
		}
		reported = append(reported, err)
	}})
	c := dialWS(t, addr)
	tc := tg.accept(t)
	for i := 0; i < 3; i++ { // the session goes on after the first failed write
		tc.Write([]byte("RFB 003.008\n"))
		c.readData(12)
	}
	c.send(ws.OpBinary, []byte("up"))
	got := make([]byte, 2)
	tc.SetReadDeadline(time.Now().Add(5 * time.Second))
	if _, err := tc.Read(got); err != nil || string(got) != "up" {
		t.Fatalf("target read %q, %v", got, err)
	}
	c.write(closeFrame(1000, ""))
	c.expectClose()
	testnet.WaitFor(t, "the session to end", func() bool { return srv.Sessions() == 0 })
	mu.Lock()
	defer mu.Unlock()
	if len(reported) != 1 || !errors.Is(reported[0], syscall.ENOSPC) {
		t.Fatalf("reported %v, want one ENOSPC", reported)
	}
	m := readSidecar(t, prefix+".1")
	if m.End == nil || !strings.Contains(m.Stopped, "no space") {
		t.Fatalf("sidecar after the failure: %+v", m)
	}
}

// TestWarnsWhenOthersCanWriteToTheRecordingFolder: New says, once, that the
// folder is shared and what to do, for a world-writable folder (sticky or
// not, as /tmp is) and another user's folder; not for the user's own.
func TestWarnsWhenOthersCanWriteToTheRecordingFolder(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name  string
		mode  os.FileMode
		owner int // -1: this user
		warn  string
	}{
		{"own folder", 0o700, -1, ""},
		{"sticky and shared, as /tmp", 0o777 | os.ModeSticky, -1, "every user can write to it"},
		{"shared", 0o777, -1, "every user can write to it"},
		{"another user's", 0o755, 65534, "belongs to user 65534"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "recordings")
			if err := os.Mkdir(dir, 0o700); err != nil {
				t.Fatal(err)
			}
			if err := os.Chmod(dir, tc.mode); err != nil {
				t.Fatal(err)
			}
			if tc.owner >= 0 {
				if os.Geteuid() != 0 {
					t.Skip("only root can give a folder to another user")
				}
				if err := os.Chown(dir, tc.owner, tc.owner); err != nil {
					t.Fatal(err)
				}
			}
			for _, cfg := range []Config{{Record: filepath.Join(dir, "session")}, {RecordDir: dir}} {
				mode := "Record " + cfg.Record
				if cfg.RecordDir != "" {
					mode = "RecordDir " + cfg.RecordDir
				}
				logs := &testnet.LogBuffer{}
				cfg.Target, cfg.Logger = "127.0.0.1:5900", slog.New(slog.NewTextHandler(logs, nil))
				if _, err := New(cfg); err != nil {
					t.Fatal(err)
				}
				got := logs.String()
				if tc.warn == "" {
					if got != "" {
						t.Errorf("logged for %s:\n%s", mode, got)
					}
					continue
				}
				todo := "chmod 700 " + dir
				if cfg.Record != "" {
					todo = "--record=$HOME/recordings/session"
				}
				if strings.Count(got, "level=WARN") != 1 || !strings.Contains(got, tc.warn) || !strings.Contains(got, todo) {
					t.Errorf("logged for %s:\n%s", mode, got)
				}
			}
		})
	}
}

// greetAndWaitForSidecar opens a session recorded into dir, has the target
// greet it, and waits for the recording's own goroutine to write the
// sidecar.
func greetAndWaitForSidecar(t *testing.T, tg *target, addr, dir string) *wsClient {
	t.Helper()
	c := dialWS(t, addr)
	tc := tg.accept(t)
	tc.Write([]byte("RFB 003.008\n"))
	c.readData(12)
	testnet.WaitFor(t, "the recording's sidecar", func() bool {
		files, _ := filepath.Glob(filepath.Join(dir, "*"+recordfmt.Ext+recordfmt.SidecarExt))
		return len(files) > 0
	})
	return c
}
