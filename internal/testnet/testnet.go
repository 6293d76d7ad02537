// Package testnet starts the small loopback servers that tests put behind
// the proxy: echo servers, greeters, and whatever a test's handler does.
package testnet

import (
	"io"
	"net"
	"testing"
)

// Serve listens on network ("tcp" on 127.0.0.1, or "unix" at addr) and runs
// handle for every connection until the test ends. It returns the address.
func Serve(t testing.TB, network, addr string, handle func(net.Conn)) string {
	t.Helper()
	if network == "tcp" && addr == "" {
		addr = "127.0.0.1:0"
	}
	ln, err := net.Listen(network, addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go handle(c)
		}
	}()
	return ln.Addr().String()
}

// Echo is a TCP server on loopback that sends back what it gets.
func Echo(t testing.TB) string { return Serve(t, "tcp", "", echo) }

// Greeter is a TCP server on loopback that first sends greeting, then echoes.
func Greeter(t testing.TB, greeting string) string {
	return Serve(t, "tcp", "", func(c net.Conn) {
		io.WriteString(c, greeting)
		echo(c)
	})
}

func echo(c net.Conn) {
	io.Copy(c, c)
	c.Close()
}

// FreePort returns a loopback TCP port that was free a moment ago.
func FreePort(t testing.TB) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}
