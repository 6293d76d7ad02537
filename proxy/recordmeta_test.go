package proxy

import (
	"encoding/json"
	"errors"
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
)

func readSidecar(t *testing.T, name string) recordMeta {
	t.Helper()
	b, err := os.ReadFile(name + SidecarExt)
	if err != nil {
		t.Fatal(err)
	}
	var m recordMeta
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatalf("sidecar %s: %v", b, err)
	}
	return m
}

func TestRecordDirNamesBySessionStartWithSidecar(t *testing.T) {
	dir := t.TempDir()
	tg := startTarget(t)
	before := time.Now()
	srv, addr, _ := startServer(t, Config{Target: tg.addr(), RecordDir: dir, Version: "1.2.3"})
	c := dialWS(t, addr)
	tc := tg.accept(t)
	tc.Write([]byte("RFB 003.008\n"))
	c.readData(12)

	files, _ := filepath.Glob(filepath.Join(dir, "*"+RecordingExt))
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

func TestSessionThatNeverReachedTheTargetLeavesNoRecording(t *testing.T) {
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
	if _, err := os.Stat("/dev/full"); err != nil {
		t.Skip("no /dev/full on this system")
	}
	dir := t.TempDir()
	prefix := filepath.Join(dir, "session")
	if err := os.Symlink("/dev/full", prefix+".1"); err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var reported []error
	tg := startTarget(t)
	srv, addr, _ := startServer(t, Config{Target: tg.addr(), Record: prefix, OnRecordError: func(file string, err error) {
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
