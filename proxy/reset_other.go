//go:build !linux

package proxy

import "net"

// wasReset tells whether c, whose read has just returned the end of the
// stream, was in fact reset by its peer. Only Linux says so after the reset
// was reported to a write (see reset_linux.go); elsewhere such a reset is
// seen by the write alone.
func wasReset(net.Conn) bool { return false }

// lostOnClose is how many bytes written to c closing it now would lose; only
// Linux says (see reset_linux.go).
func lostOnClose(net.Conn) int64 { return 0 }
