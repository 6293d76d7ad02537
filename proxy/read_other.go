//go:build !unix

package proxy

import "net"

// pooledReader borrows a relay buffer for each read of one connection and
// reads into it from offset off. Here the buffer is held while the read
// waits; see read_unix.go for the version that waits first.
type pooledReader struct {
	c   net.Conn
	off int
}

func newPooledReader(c net.Conn, off int) *pooledReader { return &pooledReader{c: c, off: off} }

func (r *pooledReader) read() (buf *[]byte, n int, err error) { return readHolding(r.c, r.off) }
