//go:build unix

package proxy

import (
	"errors"
	"io"
	"net"
	"syscall"
)

// pooledReader reads one connection into relay buffers borrowed for each
// read: it waits until the connection has something to read, then borrows a
// buffer and reads into it from offset off. The buffer is taken only once
// data (or the end of the stream) is there, so a session waiting on an idle
// peer holds none. Its callback for the poller is made once, with the read's
// state kept here, so that a read allocates nothing.
//
// Connections that are not plain sockets (TLS, pipes in tests) are read the
// ordinary way, holding the buffer while they wait.
type pooledReader struct {
	c   net.Conn
	off int
	rc  syscall.RawConn // nil: read the ordinary way

	buf  *[]byte
	n    int
	rerr error
	fn   func(fd uintptr) bool
}

func newPooledReader(c net.Conn, off int) *pooledReader {
	r := &pooledReader{c: c, off: off}
	if sc, ok := c.(syscall.Conn); ok {
		if rc, err := sc.SyscallConn(); err == nil {
			r.rc = rc
			r.fn = r.readFD
		}
	}
	return r
}

// read borrows a relay buffer and reads into it; the caller returns the
// buffer with putBuffer.
func (r *pooledReader) read() (buf *[]byte, n int, err error) {
	if r.rc == nil {
		return readHolding(r.c, r.off)
	}
	r.buf, r.n, r.rerr = nil, 0, nil
	err = r.rc.Read(r.fn)
	buf, n = r.buf, r.n
	r.buf = nil
	if err == nil {
		err = r.rerr
	}
	if err == nil && n == 0 {
		err = io.EOF
	}
	if err != nil && n < 0 {
		n = 0
	}
	if err != nil && !errors.Is(err, io.EOF) {
		err = readError(r.c, err)
	}
	if buf == nil {
		buf = getBuffer()
	}
	return buf, n, err
}

// readFD is read's callback for the poller: false means nothing is there
// yet, and the poller is to wait.
func (r *pooledReader) readFD(fd uintptr) bool {
	if r.buf == nil {
		r.buf = getBuffer()
	}
	for {
		r.n, r.rerr = syscall.Read(int(fd), (*r.buf)[r.off:])
		if r.rerr != syscall.EINTR {
			break
		}
	}
	if r.rerr == syscall.EAGAIN {
		// Nothing yet: give the buffer back while the poller waits.
		putBuffer(r.buf)
		r.buf = nil
		return false
	}
	return true
}

// readError is err as a read of c failed, the way c.Read says it: the
// system's error, or the poller's (a deadline, a closed connection), which
// comes wrapped as a "raw-read" of its own and is unwrapped so that a log
// line says "read" once.
func readError(c net.Conn, err error) error {
	var oe *net.OpError
	if errors.As(err, &oe) {
		err = oe.Err
	}
	return &net.OpError{Op: "read", Net: c.LocalAddr().Network(), Source: c.LocalAddr(), Addr: c.RemoteAddr(), Err: err}
}
