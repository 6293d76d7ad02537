package app

import (
	"bufio"
	"errors"
	"net"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// ErrAlreadyRunning is returned by Run when another tray of this user runs;
// it has been asked to open the browser.
var ErrAlreadyRunning = errors.New("vncbridge is already running; it was asked to open the browser")

// instance is this user's one tray: it holds the control socket through
// which a second launch reaches it.
type instance struct {
	ln   net.Listener
	path string
}

// controlSocket is the socket's path: in the config directory, or in the
// temporary directory when that path is too long for a Unix socket.
func controlSocket(p Paths) string {
	s := filepath.Join(p.Dir, "tray.sock")
	if len(s) > 100 {
		s = filepath.Join(os.TempDir(), "vncbridge-"+filepath.Base(filepath.Dir(p.Dir))+".sock")
	}
	return s
}

// claimInstance makes this process the user's tray. When another one
// answers on the control socket, it asks it to open the browser and
// returns ErrAlreadyRunning.
func claimInstance(p Paths) (*instance, error) {
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
	return &instance{ln: ln, path: path}, nil
}

// serve calls onOpen for each later launch, until release.
func (in *instance) serve(onOpen func()) {
	go func() {
		for {
			c, err := in.ln.Accept()
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
}

// release closes the control socket.
func (in *instance) release() {
	in.ln.Close()
	os.Remove(in.path)
}
