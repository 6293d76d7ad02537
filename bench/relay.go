//go:build linux

package main

import (
	"fmt"
	"io"
	"net"
	"os"
	"sync"
)

// The plain TCP relay is the limit every proxy is measured against: the
// least a program can do to pass bytes between two sockets. It runs as a
// process of its own (this program started with -relay) so that its memory
// and CPU time are read exactly as a proxy's are.
//
// There are two. The relay copies through a 32 KiB buffer in user space, as
// a WebSocket proxy has to where it cannot splice. The splice relay is Go's
// io.Copy between the two TCP connections, which on Linux moves the bytes
// with splice(2) through a pipe without entering user space: the least a
// program can do to pass bytes between two sockets. Each io.Copy holds its
// pipe until it returns, so an idle connection of the splice relay still
// holds two pipes, four descriptors (the memory figures show 6 descriptors
// per connection).

// relayMain runs the relay until it is killed: relayMain(listen, target);
// with splice, the splice relay.
func relayMain(args []string, splice bool) int {
	if len(args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: bench -relay|-splice-relay LISTEN_ADDR TARGET_ADDR")
		return 2
	}
	if _, err := raiseFileLimit(); err != nil {
		fmt.Fprintln(os.Stderr, "relay:", err)
	}
	ln, err := net.Listen("tcp", args[0])
	if err != nil {
		fmt.Fprintln(os.Stderr, "relay:", err)
		return 1
	}
	for {
		c, err := ln.Accept()
		if err != nil {
			fmt.Fprintln(os.Stderr, "relay:", err)
			continue
		}
		go relayConn(c, args[1], splice)
	}
}

// relayConn copies both ways between c and a new connection to target,
// passing each direction's end on as a half close.
func relayConn(c net.Conn, target string, splice bool) {
	defer c.Close()
	t, err := net.Dial("tcp", target)
	if err != nil {
		fmt.Fprintln(os.Stderr, "relay:", err)
		return
	}
	defer t.Close()
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		copyStream(t, c, splice)
		t.(*net.TCPConn).CloseWrite()
	}()
	copyStream(c, t, splice)
	c.(*net.TCPConn).CloseWrite()
	wg.Wait()
}

// copyStream copies src to dst: with splice, by io.Copy between the two TCP
// connections (splice(2)); else with the connections' ReadFrom and WriteTo
// hidden, so that it copies through its own 32 KiB buffer.
func copyStream(dst, src net.Conn, splice bool) {
	if splice {
		io.Copy(dst, src)
		return
	}
	io.Copy(struct{ io.Writer }{dst}, struct{ io.Reader }{src})
}
