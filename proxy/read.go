package proxy

import "net"

// readHolding borrows a relay buffer and reads into it from offset off,
// holding the buffer while the read waits.
func readHolding(c net.Conn, off int) (buf *[]byte, n int, err error) {
	buf = getBuffer()
	n, err = c.Read((*buf)[off:])
	return buf, n, err
}
