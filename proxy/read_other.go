//go:build !unix

package proxy

import "net"

// readPooled borrows a relay buffer and reads into it from offset off. Here
// the buffer is held while the read waits; see read_unix.go for the version
// that waits first.
func readPooled(c net.Conn, off int) (buf *[]byte, n int, err error) {
	return readHolding(c, off)
}
