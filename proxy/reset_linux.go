//go:build linux

package proxy

import (
	"net"
	"syscall"

	"golang.org/x/sys/unix"
)

// tcpClose is the TCP_CLOSE state of Linux's tcp_states.h: where a
// connection goes when its peer resets it (after a FIN from the peer it is
// CLOSE_WAIT instead).
const tcpClose = 7

// wasReset tells whether c, whose read has just returned the end of the
// stream, was in fact reset by its peer. The system reports a reset once, to
// whichever call comes first: when a write of the other direction took it,
// later reads see a plain end of stream, and only the connection's state
// tells a crash from a clean close.
func wasReset(c net.Conn) bool {
	sc, ok := c.(syscall.Conn)
	if !ok {
		return false
	}
	rc, err := sc.SyscallConn()
	if err != nil {
		return false
	}
	var info *unix.TCPInfo
	cerr := rc.Control(func(fd uintptr) {
		info, err = unix.GetsockoptTCPInfo(int(fd), unix.IPPROTO_TCP, unix.TCP_INFO)
	})
	return cerr == nil && err == nil && info.State == tcpClose
}

// lostOnClose is how many bytes written to c closing it now would lose: a
// socket closed with unread input is reset, and what it had not yet sent
// (or seen acknowledged) is dropped.
func lostOnClose(c net.Conn) int64 {
	sc, ok := c.(syscall.Conn)
	if !ok {
		return 0
	}
	rc, err := sc.SyscallConn()
	if err != nil {
		return 0
	}
	var in, out int
	var inErr, outErr error
	rc.Control(func(fd uintptr) {
		in, inErr = unix.IoctlGetInt(int(fd), unix.SIOCINQ)
		out, outErr = unix.IoctlGetInt(int(fd), unix.SIOCOUTQ)
	})
	if inErr != nil || outErr != nil || in == 0 {
		return 0
	}
	return int64(out)
}
