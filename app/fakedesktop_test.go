package app

import (
	"context"
	"io"
	"net"
	"path/filepath"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gobwas/ws"
	"github.com/gobwas/ws/wsutil"

	"vncbridge/app/localvnc"
)

// A fake of this desktop's VNC server and of the programs that serve it,
// for the tests of sharing this desktop.

// fakeLocal stands for a VNC server child: a Unix socket that greets as
// RFB 3.8 and then echoes.
type fakeLocal struct {
	ln      net.Listener
	path    string
	opt     localvnc.Options
	stopped atomic.Bool
	onStop  func()
}

func (f *fakeLocal) Socket() string { return f.path }

func (f *fakeLocal) Stop() {
	f.stopped.Store(true)
	f.ln.Close()
	if f.onStop != nil {
		f.onStop()
	}
}

// fakeDesktop is a system where prog can serve the desktop; its starts
// are fake children.
type fakeDesktop struct {
	t       *testing.T
	prog    localvnc.Program
	mu      sync.Mutex
	started []*fakeLocal
	// onStop, when set, runs in each child's Stop.
	onStop func()
	// monitors are the desktop's monitors (setMonitors).
	monitors []localvnc.Monitor
}

func (d *fakeDesktop) setMonitors(ms ...localvnc.Monitor) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.monitors = ms
}

func (d *fakeDesktop) listMonitors() ([]localvnc.Monitor, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	return slices.Clone(d.monitors), nil
}

func (d *fakeDesktop) find() (localvnc.Program, bool, localvnc.Advice) {
	return d.prog, true, localvnc.Advice{}
}

func (d *fakeDesktop) start(_ context.Context, prog localvnc.Program, opt localvnc.Options) (localServer, error) {
	if prog.Name != d.prog.Name {
		d.t.Errorf("started %s, want %s", prog.Name, d.prog.Name)
	}
	path := filepath.Join(d.t.TempDir(), "s")
	ln, err := net.Listen("unix", path)
	if err != nil {
		return nil, err
	}
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				c.Write([]byte("RFB 003.008\n"))
				io.Copy(c, c)
			}()
		}
	}()
	f := &fakeLocal{ln: ln, path: path, opt: opt, onStop: d.onStop}
	d.mu.Lock()
	d.started = append(d.started, f)
	d.mu.Unlock()
	return f, nil
}

func (d *fakeDesktop) children() []*fakeLocal {
	d.mu.Lock()
	defer d.mu.Unlock()
	return append([]*fakeLocal(nil), d.started...)
}

func (d *fakeDesktop) use(c *config) {
	c.find, c.startLocal, c.monitors = d.find, d.start, d.listMonitors
}

func newFakeDesktop(t *testing.T) *fakeDesktop {
	return &fakeDesktop{t: t, prog: localvnc.Program{Name: "x11vnc", Path: "/usr/bin/x11vnc"}}
}

// greetAndEcho opens a WebSocket to the proxy on port: the VNC server's
// greeting comes first, then what is sent comes back.
func greetAndEcho(t *testing.T, port int) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	c, br, _, err := ws.Dial(ctx, "ws://127.0.0.1:"+strconv.Itoa(port)+"/websockify?token="+testToken)
	if err != nil {
		t.Fatalf("WebSocket to port %d: %v", port, err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(5 * time.Second))
	// The greeting may have come with the handshake's answer: then the
	// dialer's buffer holds it.
	var r io.Reader = c
	if br != nil {
		r = io.MultiReader(br, c)
	}
	rw := struct {
		io.Reader
		io.Writer
	}{r, c}
	if got, err := wsutil.ReadServerBinary(rw); err != nil || string(got) != "RFB 003.008\n" {
		t.Fatalf("greeting %q, %v", got, err)
	}
	wsutil.WriteClientBinary(c, []byte("through the socket"))
	if got, err := wsutil.ReadServerBinary(rw); err != nil || string(got) != "through the socket" {
		t.Fatalf("echo %q, %v", got, err)
	}
}
