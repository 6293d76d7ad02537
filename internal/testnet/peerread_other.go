//go:build !linux

package testnet

import (
	"net"
	"testing"
)

// ReadByPeer is told by Linux's /proc/net; elsewhere it cannot tell and
// says yes at once, so a test that waits on it goes on as soon as it
// wrote.
func ReadByPeer(t testing.TB, c net.Conn) bool { return true }
