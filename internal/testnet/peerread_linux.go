package testnet

import (
	"encoding/binary"
	"fmt"
	"net"
	"os"
	"strconv"
	"strings"
	"testing"
)

// ReadByPeer tells whether everything written on c, a TCP connection
// between two sockets of this machine, has reached the other end and been
// read there: c's socket waits for no acknowledgement and the other's
// receive queue is empty (from /proc/net). Once the other end has closed
// its socket, ReadByPeer cannot tell and says no. A test waits for it, with
// WaitFor, to know that a server has taken in what it sent before the test
// goes on, instead of sleeping.
func ReadByPeer(t testing.TB, c net.Conn) bool {
	t.Helper()
	local, ok1 := c.LocalAddr().(*net.TCPAddr)
	remote, ok2 := c.RemoteAddr().(*net.TCPAddr)
	if !ok1 || !ok2 {
		t.Fatalf("ReadByPeer: %s to %s is not a TCP connection", c.LocalAddr(), c.RemoteAddr())
	}
	file := "/proc/net/tcp"
	if local.IP.To4() == nil {
		file = "/proc/net/tcp6"
	}
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatalf("ReadByPeer: %v", err)
	}
	mine, peers := procAddr(local), procAddr(remote)
	unacked, unread := -1, -1
	for _, line := range strings.Split(string(b), "\n")[1:] {
		f := strings.Fields(line)
		if len(f) < 5 {
			continue
		}
		tx, rx, _ := strings.Cut(f[4], ":")
		switch {
		case f[1] == mine && f[2] == peers:
			unacked = hexInt(tx)
		case f[1] == peers && f[2] == mine:
			unread = hexInt(rx)
		}
	}
	return unacked == 0 && unread == 0
}

// procAddr is a as /proc/net/tcp{,6} writes it: the address in 32-bit
// words of the machine's byte order, in hex, then the port.
func procAddr(a *net.TCPAddr) string {
	ip := a.IP.To4()
	if ip == nil {
		ip = a.IP.To16()
	}
	var s strings.Builder
	for i := 0; i+4 <= len(ip); i += 4 {
		fmt.Fprintf(&s, "%08X", binary.NativeEndian.Uint32(ip[i:i+4]))
	}
	fmt.Fprintf(&s, ":%04X", a.Port)
	return s.String()
}

func hexInt(s string) int {
	n, err := strconv.ParseInt(s, 16, 64)
	if err != nil {
		return -1
	}
	return int(n)
}
