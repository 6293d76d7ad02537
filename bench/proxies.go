//go:build linux

package main

import (
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// proxyKind is one of the programs under test.
type proxyKind struct {
	name string
	// raw: clients speak plain TCP to it (the relay), not WebSocket.
	raw bool
	// argv builds the command line that listens on listen and relays to
	// target.
	argv func(listen, target string) []string
	// memConns is how many connections the memory test opens.
	memConns int
	// env is added to the proxy's environment.
	env []string
	// tls: clients speak wss:// to it (the TLS section); the other figures
	// leave it out.
	tls bool

	// rfb: its sessions are view-only, so they must open with an RFB
	// handshake (see rfbHandshake), and only downstream is measured.
	rfb bool
	// recordTo: it records every session into this folder; it takes the
	// recording figures alone.
	recordTo string
}

// proc is a running proxy with its own target.
type proc struct {
	kind   *proxyKind
	cmd    *exec.Cmd
	listen string
	target *target
	out    *tail
	exited chan struct{}
	err    error // how it ended, once exited is closed
}

func (p *proc) pid() int { return p.cmd.Process.Pid }

// startProxy starts kind on a free loopback port in front of a new target
// and waits until it listens.
func startProxy(kind *proxyKind) (*proc, error) {
	tg, err := newTarget()
	if err != nil {
		return nil, err
	}
	port, err := freePort()
	if err != nil {
		tg.close()
		return nil, err
	}
	listen := net.JoinHostPort("127.0.0.1", strconv.Itoa(port))
	argv := kind.argv(listen, tg.addr())
	p := &proc{kind: kind, listen: listen, target: tg, out: &tail{max: 16 << 10}, exited: make(chan struct{})}
	p.cmd = exec.Command(argv[0], argv[1:]...)
	if len(kind.env) > 0 {
		p.cmd.Env = append(os.Environ(), kind.env...)
	}
	p.cmd.Stdout = p.out
	p.cmd.Stderr = p.out
	// A process group of its own, so that stopping it also stops the
	// processes it forked (websockify's sessions).
	p.cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := p.cmd.Start(); err != nil {
		tg.close()
		return nil, err
	}
	track(p)
	go func() {
		p.err = p.cmd.Wait()
		close(p.exited)
	}()
	deadline := time.Now().Add(15 * time.Second)
	for !listening(port) {
		select {
		case <-p.exited:
			p.stop()
			return nil, fmt.Errorf("%s exited before listening (%v)%s", strings.Join(argv, " "), p.err, p.out.indented())
		case <-time.After(20 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			p.stop()
			return nil, fmt.Errorf("%s did not listen on %s within 15 s%s", strings.Join(argv, " "), listen, p.out.indented())
		}
	}
	return p, nil
}

// alive reports an error when the proxy has ended.
func (p *proc) alive() error {
	select {
	case <-p.exited:
		return fmt.Errorf("%s ended (%v)%s", p.kind.name, p.err, p.out.indented())
	default:
		return nil
	}
}

// stop ends the proxy's process group: SIGTERM, then SIGKILL if it lingers.
func (p *proc) stop() {
	untrack(p)
	pgid := p.pid()
	syscall.Kill(-pgid, syscall.SIGTERM)
	select {
	case <-p.exited:
	case <-time.After(3 * time.Second):
	}
	syscall.Kill(-pgid, syscall.SIGKILL) // stray children, or a stuck proxy
	<-p.exited
	p.target.close()
}

// running proxies, stopped by stopAll when the bench is interrupted.
var running = struct {
	sync.Mutex
	m map[*proc]bool
}{m: map[*proc]bool{}}

func track(p *proc)   { running.Lock(); running.m[p] = true; running.Unlock() }
func untrack(p *proc) { running.Lock(); delete(running.m, p); running.Unlock() }

func stopAll() {
	running.Lock()
	var ps []*proc
	for p := range running.m {
		ps = append(ps, p)
	}
	running.Unlock()
	for _, p := range ps {
		p.stop()
	}
}

// freePort asks the kernel for an unused loopback port.
func freePort() (int, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port, nil
}

// tail keeps the last max bytes written to it: a proxy's recent output,
// shown when it fails.
type tail struct {
	mu  sync.Mutex
	max int
	b   []byte
}

func (t *tail) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.b = append(t.b, p...)
	if len(t.b) > t.max {
		t.b = append(t.b[:0], t.b[len(t.b)-t.max:]...)
	}
	return len(p), nil
}

// indented is the output as an indented block after a newline, or nothing.
func (t *tail) indented() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	s := strings.TrimSpace(string(t.b))
	if s == "" {
		return ""
	}
	lines := strings.Split(s, "\n")
	if len(lines) > 20 {
		lines = append([]string{"..."}, lines[len(lines)-20:]...)
	}
	return "\n    " + strings.Join(lines, "\n    ")
}

// executable checks that path names a program that can run.
func executable(path string) error {
	if strings.Contains(path, "/") {
		fi, err := os.Stat(path)
		if err != nil {
			return err
		}
		if fi.IsDir() || fi.Mode()&0o111 == 0 {
			return errors.New(absPath(path) + " is not an executable file")
		}
		return nil
	}
	_, err := exec.LookPath(path)
	return err
}
