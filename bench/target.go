//go:build linux

package main

import (
	"net"
	"sync"
	"sync/atomic"
	"time"
)

// target is the TCP server behind a proxy, in the bench process. It accepts
// every connection the proxy opens and hands it to whichever measurement is
// running; it also counts them, which is how the memory test knows that a
// session is complete on both legs.
type target struct {
	ln       net.Listener
	conns    chan net.Conn
	accepted atomic.Int64

	mu   sync.Mutex
	hold bool       // keep connections here instead of handing them over
	held []net.Conn // connections kept while hold is set
}

func newTarget() (*target, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	t := &target{ln: ln, conns: make(chan net.Conn, 64)}
	go t.accept()
	return t, nil
}

func (t *target) addr() string { return t.ln.Addr().String() }

func (t *target) accept() {
	for {
		c, err := t.ln.Accept()
		if err != nil {
			return
		}
		t.accepted.Add(1)
		t.mu.Lock()
		if t.hold {
			t.held = append(t.held, c)
			t.mu.Unlock()
			continue
		}
		t.mu.Unlock()
		select {
		case t.conns <- c:
		default:
			c.Close() // nobody expects it
		}
	}
}

// next returns the next connection the proxy opens.
func (t *target) next(timeout time.Duration) (net.Conn, bool) {
	select {
	case c := <-t.conns:
		return c, true
	case <-time.After(timeout):
		return nil, false
	}
}

// drain closes connections that were handed over but never taken.
func (t *target) drain() {
	for {
		select {
		case c := <-t.conns:
			c.Close()
		default:
			return
		}
	}
}

// holdAll makes the target keep every new connection (the memory test).
func (t *target) holdAll(on bool) {
	t.mu.Lock()
	t.hold = on
	held := t.held
	t.held = nil
	t.mu.Unlock()
	for _, c := range held {
		c.Close()
	}
}

func (t *target) close() {
	t.ln.Close()
	t.holdAll(false)
	t.drain()
}

// source writes chunk to c until the connection fails.
func source(c net.Conn, chunk []byte) {
	for {
		if _, err := c.Write(chunk); err != nil {
			return
		}
	}
}

// echo writes back what it reads, with a plain buffer (io.Copy would splice
// on Linux, the same socket into itself).
func echo(c net.Conn) {
	buf := make([]byte, 4096)
	for {
		n, err := c.Read(buf)
		if n > 0 {
			if _, werr := c.Write(buf[:n]); werr != nil {
				return
			}
		}
		if err != nil {
			return
		}
	}
}
