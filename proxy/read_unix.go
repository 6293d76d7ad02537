//go:build unix

package proxy

import (
	"errors"
	"io"
	"net"
	"syscall"
)

// readPooled waits until c has something to read, then borrows a relay buffer
// and reads into it from offset off. The buffer is taken only once data (or
// the end of the stream) is there, so a session waiting on an idle peer holds
// none. The caller returns the buffer with putBuffer.
//
// Connections that are not plain sockets (TLS, pipes in tests) are read the
// ordinary way, holding the buffer while they wait.
func readPooled(c net.Conn, off int) (buf *[]byte, n int, err error) {
	sc, ok := c.(syscall.Conn)
	if !ok {
		return readHolding(c, off)
	}
	rc, err := sc.SyscallConn()
	if err != nil {
		return readHolding(c, off)
	}
	var rerr error
	err = rc.Read(func(fd uintptr) bool {
		var m int
		if buf == nil {
			buf = getBuffer()
		}
		for {
			m, rerr = syscall.Read(int(fd), (*buf)[off:])
			if rerr != syscall.EINTR {
				break
			}
		}
		if rerr == syscall.EAGAIN {
			// Nothing yet: give the buffer back while the poller waits.
			putBuffer(buf)
			buf = nil
			return false
		}
		n = m
		return true
	})
	if err == nil {
		err = rerr
	}
	if err == nil && n == 0 {
		err = io.EOF
	}
	if err != nil && n < 0 {
		n = 0
	}
	if err != nil && !errors.Is(err, io.EOF) {
		err = &net.OpError{Op: "read", Net: c.LocalAddr().Network(), Source: c.LocalAddr(), Addr: c.RemoteAddr(), Err: err}
	}
	if buf == nil {
		buf = getBuffer()
	}
	return buf, n, err
}
