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
// It copies through user space, as a WebSocket proxy must (it has frames to
// write and read). Between two TCP connections Go's io.Copy would use
// splice(2) on Linux, which holds a pipe, two file descriptors, per
// direction even while the connection is idle: 5,000 connections would need
// 30,000 descriptors, more than a usual hard limit allows.

// relayMain runs the relay until it is killed: relayMain(listen, target).
func relayMain(args []string) int {
	if len(args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: bench -relay LISTEN_ADDR TARGET_ADDR")
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
		go relayConn(c, args[1])
	}
}

// relayConn copies both ways between c and a new connection to target,
// passing each direction's end on as a half close.
func relayConn(c net.Conn, target string) {
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
		copyStream(t, c)
		t.(*net.TCPConn).CloseWrite()
	}()
	copyStream(c, t)
	c.(*net.TCPConn).CloseWrite()
	wg.Wait()
}

// copyStream is io.Copy with the connections' ReadFrom and WriteTo hidden,
// so that it copies through its own 32 KiB buffer instead of splicing.
func copyStream(dst, src net.Conn) {
	io.Copy(struct{ io.Writer }{dst}, struct{ io.Reader }{src})
}
