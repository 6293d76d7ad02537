package proxy

// Connections of another network stack than the host's (a tailnet's,
// served in userspace) say some things their own way.

import (
	"errors"
	"net"
	"os"
)

// isDeadline tells an error of a read or write that a deadline cut short.
// The host's network says so with os.ErrDeadlineExceeded; a connection of
// another network stack (a userspace one, such as a tailnet's) with its own
// error that says Timeout.
func isDeadline(err error) bool {
	if errors.Is(err, os.ErrDeadlineExceeded) {
		return true
	}
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

// addrString is a connection's address as text; "" where the connection
// does not know it (a closed one of a userspace network stack says nil).
func addrString(a net.Addr) string {
	if a == nil {
		return ""
	}
	return a.String()
}
