package proxy

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gobwas/ws"

	"vncbridge/internal/testnet"
	"vncbridge/proxy/recordfmt"
)

// recordedFrame is a frame of a recording as Node reads it.
type recordedFrame struct {
	FromClient bool  `json:"fromClient"`
	Time       int   `json:"time"`
	Data       []int `json:"data"`
}

// loadRecording evaluates a recording in Node and decodes its frames the way
// noVNC's player does.
func loadRecording(t *testing.T, path string) []recordedFrame {
	t.Helper()
	node := testnet.RequireTools(t, "node")
	const script = `
const fs = require('fs'), vm = require('vm');
const ctx = {};
vm.runInNewContext(fs.readFileSync(process.argv[1], 'latin1') + '; this.frames = VNC_frame_data;', ctx);
const frames = ctx.frames;
if (frames[frames.length - 1] !== 'EOF') throw new Error('no EOF at the end');
const out = frames.slice(0, -1).map(f => {
  const i = f.indexOf('{', 1);
  const data = [];
  for (let j = i + 1; j < f.length; j++) data.push(f.charCodeAt(j));
  return {fromClient: f[0] === '}', time: parseInt(f.slice(1, i)), data};
});
console.log(JSON.stringify(out));
`
	out, err := exec.Command(node, "-e", script, path).CombinedOutput()
	if err != nil {
		t.Fatalf("node could not load %s: %v\n%s", path, err, out)
	}
	var frames []recordedFrame
	if err := json.Unmarshal(out, &frames); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	return frames
}

func TestRecordingLoadsInNode(t *testing.T) {
	t.Parallel()
	prefix := filepath.Join(t.TempDir(), "session")
	tg := startTarget(t)
	srv, addr, _ := startServer(t, Config{Target: tg.addr(), Record: prefix})
	c := dialWS(t, addr)
	tc := tg.accept(t)

	greeting := []byte("RFB 003.008\n")
	tc.Write(greeting)
	c.readData(len(greeting))
	every := make([]byte, 256) // every byte value, quotes and backslashes among them
	for i := range every {
		every[i] = byte(i)
	}
	c.send(ws.OpBinary, every)
	got := make([]byte, 256)
	tc.SetReadDeadline(time.Now().Add(5 * time.Second))
	if _, err := tc.Read(got[:1]); err != nil {
		t.Fatal(err)
	}
	c.write(closeFrame(1000, ""))
	c.expectClose()
	testnet.WaitFor(t, "the session to end", func() bool { return srv.Sessions() == 0 })

	frames := loadRecording(t, prefix+".1")
	var toClient, fromClient []byte
	for _, f := range frames {
		b := make([]byte, len(f.Data))
		for i, v := range f.Data {
			if v > 255 {
				t.Fatalf("character %d is not a byte", v)
			}
			b[i] = byte(v)
		}
		if f.FromClient {
			fromClient = append(fromClient, b...)
		} else {
			toClient = append(toClient, b...)
		}
		if f.Time < 0 || f.Time > 60_000 {
			t.Fatalf("frame time %d ms", f.Time)
		}
	}
	if string(toClient) != string(greeting) || string(fromClient) != string(every) {
		t.Fatalf("recording holds %q to the client and %q from it", toClient, fromClient)
	}
}

// TestSlowDiskStopsTheRecordingNotTheSession records to a disk that takes
// nothing while the session sends more than the recording's queue holds:
// the session goes on at full speed and delivers every byte, the recording
// stops with a reason in the log, the sidecar and OnRecordError. A pipe
// nobody reads never takes anything: the session's end does not wait for
// it. A disk that comes back gets a recording that plays up to where it
// fell behind.
func TestSlowDiskStopsTheRecordingNotTheSession(t *testing.T) {
	t.Parallel()
	for _, disk := range []string{"pipe nobody reads", "disk that comes back"} {
		t.Run(disk, func(t *testing.T) {
			prefix := filepath.Join(t.TempDir(), "session")
			var open func(string) (io.WriteCloser, error)
			var pr *os.File
			gate := make(chan struct{})
			if disk == "pipe nobody reads" {
				var pw *os.File
				var err error
				if pr, pw, err = os.Pipe(); err != nil {
					t.Fatal(err)
				}
				t.Cleanup(func() { pr.Close(); pw.Close() })
				open = func(string) (io.WriteCloser, error) { return pw, nil }
			} else {
				open = func(name string) (io.WriteCloser, error) {
					f, err := recordfmt.CreateNew(name)
					return gatedWriter{f, gate}, err
				}
			}
			var mu sync.Mutex
			var reported []error
			tg := startTarget(t)
			srv, addr, logs := startServer(t, Config{Target: tg.addr(), Record: prefix, openRecording: open,
				OnRecordError: func(file string, err error) {
					mu.Lock()
					defer mu.Unlock()
					reported = append(reported, err)
				}})
			c := dialWS(t, addr)
			tc := tg.accept(t)

			const size = recordQueueBytes + 8<<20
			down := make([]byte, size)
			for i := range down {
				down[i] = byte(i * 7)
			}
			sent := make(chan error, 1)
			go func() { _, err := tc.Write(down); sent <- err }()
			if got := c.readData(size); !bytes.Equal(got, down) {
				t.Fatal("the viewer got other bytes than the target sent")
			}
			if err := <-sent; err != nil {
				t.Fatal(err)
			}
			c.send(ws.OpBinary, []byte("up"))
			got := make([]byte, 2)
			tc.SetReadDeadline(time.Now().Add(5 * time.Second))
			if _, err := io.ReadFull(tc, got); err != nil || string(got) != "up" {
				t.Fatalf("target read %q, %v", got, err)
			}
			if !strings.Contains(logs.String(), "recording stopped") || !strings.Contains(logs.String(), "did not keep up") {
				t.Fatalf("no reason logged:\n%s", logs)
			}

			close(gate)
			c.write(closeFrame(1000, ""))
			c.expectClose()
			testnet.WaitFor(t, "the session to end", func() bool { return srv.Sessions() == 0 })
			mu.Lock()
			defer mu.Unlock()
			if len(reported) != 1 || !errors.Is(reported[0], errRecordingBehind) {
				t.Fatalf("reported %v, want the disk that did not keep up, once", reported)
			}
			if m := readSidecar(t, prefix+".1"); m.End == nil || !strings.Contains(m.Stopped, "did not keep up") {
				t.Fatalf("sidecar after the recording stopped: %+v", m)
			}
			if pr != nil {
				head := make([]byte, len(recordfmt.Header))
				if _, err := io.ReadFull(pr, head); err != nil || string(head) != recordfmt.Header {
					t.Fatalf("the pipe starts with %q, %v", head, err)
				}
				return
			}
			var recorded []byte
			for _, f := range loadRecording(t, prefix+".1") {
				for _, v := range f.Data {
					recorded = append(recorded, byte(v))
				}
			}
			if len(recorded) == 0 || len(recorded) >= size || !bytes.Equal(recorded, down[:len(recorded)]) {
				t.Fatalf("recorded %d bytes of the %d sent, or not the first ones", len(recorded), size)
			}
		})
	}
}

// gatedWriter is a disk that takes nothing until its gate is closed.
type gatedWriter struct {
	*os.File
	gate chan struct{}
}

func (w gatedWriter) Write(p []byte) (int, error) {
	<-w.gate
	return w.File.Write(p)
}

// TestRecordingNeverFollowsALinkNorReusesAFile plants links and other
// users' writable files where session 1's recording and its sidecar's
// temporary file would go: they stay as they were, and the recording goes
// to the next number.
func TestRecordingNeverFollowsALinkNorReusesAFile(t *testing.T) {
	t.Parallel()
	for _, kind := range []string{"link", "dangling link", "file"} {
		t.Run(kind, func(t *testing.T) {
			dir, elsewhere := t.TempDir(), t.TempDir()
			prefix := filepath.Join(dir, "session")
			planted := map[string]string{} // path: what it holds (a link: its target's content)
			for i, p := range []string{prefix + ".1", prefix + ".1.json.tmp"} {
				content := fmt.Sprintf("someone else's %d\n", i)
				switch kind {
				case "link", "dangling link":
					victim := filepath.Join(elsewhere, fmt.Sprint("victim", i))
					if kind == "link" {
						if err := os.WriteFile(victim, []byte(content), 0o666); err != nil {
							t.Fatal(err)
						}
					} else {
						content = ""
					}
					if err := os.Symlink(victim, p); err != nil {
						t.Fatal(err)
					}
					planted[victim] = content
				case "file":
					if err := os.WriteFile(p, []byte(content), 0o666); err != nil {
						t.Fatal(err)
					}
					os.Chmod(p, 0o666)
					if os.Geteuid() == 0 {
						if err := os.Chown(p, 65534, 65534); err != nil {
							t.Fatal(err)
						}
					}
					planted[p] = content
				}
			}

			tg := startTarget(t)
			srv, addr, _ := startServer(t, Config{Target: tg.addr(), Record: prefix})
			c := dialWS(t, addr)
			tc := tg.accept(t)
			tc.Write([]byte("RFB 003.008\n"))
			c.readData(12)
			c.write(closeFrame(1000, ""))
			c.expectClose()
			testnet.WaitFor(t, "the session to end", func() bool { return srv.Sessions() == 0 })

			for p, content := range planted {
				b, err := os.ReadFile(p)
				if content == "" {
					if !errors.Is(err, os.ErrNotExist) {
						t.Errorf("%s was made through a link (%v): %q", p, err, b)
					}
				} else if string(b) != content {
					t.Errorf("%s holds %q (%v), want %q", p, b, err, content)
				}
			}
			for _, p := range []string{prefix + ".1", prefix + ".1.json.tmp"} {
				fi, err := os.Lstat(p)
				if err != nil || strings.Contains(kind, "link") != (fi.Mode()&os.ModeSymlink != 0) {
					t.Errorf("%s was replaced: %v, %v", p, fi, err)
				}
			}
			if frames := loadRecording(t, prefix+".2"); len(frames) != 1 || string(rune(frames[0].Data[0])) != "R" {
				t.Fatalf("recording %+v", frames)
			}
			if m := readSidecar(t, prefix+".2"); m.Session != 1 || m.End == nil {
				t.Fatalf("sidecar %+v", m)
			}
			if _, err := os.Lstat(prefix + ".1.json"); !errors.Is(err, os.ErrNotExist) {
				t.Errorf("a sidecar beside someone else's file: %v", err)
			}
		})
	}
}
