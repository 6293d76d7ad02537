//go:build !windows

package app

import (
	"bufio"
	"net"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// controlSocket is the socket's path: in the config directory, or in the
// temporary directory when that path is too long for a Unix socket.
func controlSocket(p Paths) string {
	s := filepath.Join(p.Dir, "tray.sock")
	if len(s) > 100 {
		s = filepath.Join(os.TempDir(), "vncbridge-"+filepath.Base(filepath.Dir(p.Dir))+".sock")
	}
	return s
}

// claim listens on the control socket, unless another tray answers there.
func claim(p Paths, onOpen func()) (*Instance, error) {
	path := controlSocket(p)
	if c, err := net.DialTimeout("unix", path, time.Second); err == nil {
		defer c.Close()
		c.SetDeadline(time.Now().Add(3 * time.Second))
		c.Write([]byte("open\n"))
		if line, _ := bufio.NewReader(c).ReadString('\n'); strings.TrimSpace(line) == "ok" {
			return nil, ErrAlreadyRunning
		}
	}
	os.Remove(path) // a socket left by a tray that died
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, err
	}
	ln, err := net.Listen("unix", path)
	if err != nil {
		return nil, err
	}
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				c.SetDeadline(time.Now().Add(3 * time.Second))
				if line, _ := bufio.NewReader(c).ReadString('\n'); strings.TrimSpace(line) == "open" {
					onOpen()
					c.Write([]byte("ok\n"))
				}
			}()
		}
	}()
	return &Instance{release: func() {
		ln.Close()
		os.Remove(path)
	}}, nil
}
