//go:build !linux

package testnet

import (
	"fmt"
	"os"
	"testing"
)

// InLoopbackNamespace is false: only Linux has network namespaces.
func InLoopbackNamespace() bool { return false }

// MainInLoopbackNamespace runs no test where there are no network
// namespaces: a Tailscale node must not see the host's network.
func MainInLoopbackNamespace(m *testing.M) {
	fmt.Fprintln(os.Stderr, "testnet: these tests need a Linux network namespace; none run here")
	os.Exit(0)
}

// RunInLoopbackNamespace runs nothing where there are no network
// namespaces: the test is skipped, saying why.
func RunInLoopbackNamespace(t *testing.T) bool {
	t.Skip("this test needs a Linux network namespace")
	return false
}
