//go:build !linux

package tailnet

// shutListeners leaves the peer API's listeners on the host's network: on
// this system vncbridge cannot take a socket away from Tailscale's code.
// The port stays open on every interface, and the peer API refuses any
// connection whose source is not a node of the tailnet (it asks the node
// who the source is, and closes the connection of an unknown one).
func shutListeners([]uint16) (int, error) { return 0, nil }
