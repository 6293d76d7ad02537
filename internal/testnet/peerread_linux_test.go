package testnet

import (
	"io"
	"net"
	"testing"
	"time"
)

// TestReadByPeer: bytes written to a server that does not read are not
// read by the peer; once the server reads them all, they are.
func TestReadByPeer(t *testing.T) {
	t.Parallel()
	for _, network := range []string{"tcp4", "tcp6"} {
		ln, err := net.Listen(network, map[string]string{"tcp4": "127.0.0.1:0", "tcp6": "[::1]:0"}[network])
		if err != nil {
			t.Logf("%s: %v", network, err)
			continue
		}
		defer ln.Close()
		accepted := make(chan net.Conn, 1)
		go func() {
			c, err := ln.Accept()
			if err != nil {
				close(accepted)
				return
			}
			accepted <- c
		}()
		c, err := net.Dial(network, ln.Addr().String())
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		s := <-accepted
		if s == nil {
			t.Fatal("no connection accepted")
		}
		defer s.Close()
		if !ReadByPeer(t, c) {
			t.Errorf("%s: nothing written yet, and yet not read", network)
		}
		c.Write([]byte("hello"))
		WaitFor(t, "the bytes to reach the server", func() bool { return !ReadByPeer(t, c) })
		if ReadByPeer(t, c) {
			t.Fatalf("%s: read by a server that never read", network)
		}
		s.SetReadDeadline(time.Now().Add(5 * time.Second))
		if _, err := io.ReadFull(s, make([]byte, 5)); err != nil {
			t.Fatal(err)
		}
		WaitFor(t, network+": the bytes read by the server", func() bool { return ReadByPeer(t, c) })
	}
}
