//go:build !unix

package main

import (
	"fmt"
	"io"
)

func isDaemonChild() bool { return false }

// daemonize is not possible here: Windows has services for that.
func daemonize(stderr io.Writer) int {
	fmt.Fprintln(stderr, "vncbridge proxy: --daemon is not available on this system; run vncbridge as a service instead")
	return 2
}

func daemonReady(error) {}
