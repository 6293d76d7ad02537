//go:build !windows

package app

import (
	"bufio"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"time"
)

// maxSocketPath is the longest socket path used: sun_path holds 108 bytes
// on Linux and 104 on macOS and the BSDs, with the final NUL, and
// listenPrivately binds at a path up to 3 bytes longer.
const maxSocketPath = 100

// controlSocket is the socket's path: in the config directory, or, when
// that path is too long for a Unix socket, in a directory only this user
// can enter, named after the config directory: XDG_RUNTIME_DIR (the user's
// own, 0700 by its specification), else vncbridge-UID in the temporary
// directory (privateTempDir). A predictable path in a shared directory
// would let another user answer in the tray's place.
func controlSocket(p Paths) (string, error) {
	s := filepath.Join(p.Dir, "tray.sock")
	if len(s) <= maxSocketPath {
		return s, nil
	}
	sum := sha256.Sum256([]byte(p.Dir))
	name := "vncbridge-" + hex.EncodeToString(sum[:8]) + ".sock"
	if rt := os.Getenv("XDG_RUNTIME_DIR"); rt != "" && len(filepath.Join(rt, name)) <= maxSocketPath {
		return filepath.Join(rt, name), nil
	}
	dir, err := privateTempDir()
	if err != nil {
		return "", err
	}
	if s = filepath.Join(dir, name); len(s) > maxSocketPath {
		return "", fmt.Errorf("no room for the tray's control socket: %s and %s are too long paths", p.Dir, dir)
	}
	return s, nil
}

// privateTempDir is vncbridge-UID in the temporary directory, made 0700,
// and refused unless it is a directory (not a link) of this user's that
// nobody else may enter.
func privateTempDir() (string, error) {
	d := filepath.Join(os.TempDir(), fmt.Sprintf("vncbridge-%d", os.Getuid()))
	if err := os.Mkdir(d, 0o700); err != nil && !errors.Is(err, fs.ErrExist) {
		return "", err
	}
	fi, err := os.Lstat(d)
	if err != nil {
		return "", err
	}
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !fi.IsDir() || fi.Mode().Perm() != 0o700 || !ok || int(st.Uid) != os.Getuid() {
		return "", fmt.Errorf("%s is not a directory of this user's that only this user may enter; remove it", d)
	}
	return d, nil
}

// claim listens on the control socket, unless another tray answers there.
func claim(p Paths, onOpen func()) (*instance, error) {
	path, err := controlSocket(p)
	if err != nil {
		return nil, err
	}
	if c, err := net.DialTimeout("unix", path, time.Second); err == nil {
		defer c.Close()
		c.SetDeadline(time.Now().Add(3 * time.Second))
		c.Write([]byte("open\n"))
		if line, _ := bufio.NewReader(c).ReadString('\n'); strings.TrimSpace(line) == "ok" {
			return nil, ErrAlreadyRunning
		}
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, err
	}
	ln, err := listenPrivately(path)
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
	return &instance{release: func() {
		ln.Close()
		os.Remove(path)
	}}, nil
}

// listenPrivately listens on a Unix socket at path that only this user may
// connect to, whatever the umask (bind makes the socket 0777 less the
// umask, and anyone who may write to it may connect). The socket is bound
// in a new directory only this user can enter, made 0600 there, and moved
// to path, replacing a socket left by a tray that died: at path it is
// 0600 from its first moment. A chmod after binding at path would leave a
// moment in which others could connect; setting the umask around the bind
// would change it for every goroutine of the process; and a chmod of the
// socket before the bind (fchmod) is honoured by Linux only.
func listenPrivately(path string) (net.Listener, error) {
	dir, err := os.MkdirTemp(filepath.Dir(path), "") // 0700; a short name: sun_path is short
	if err != nil {
		return nil, err
	}
	defer os.Remove(dir)
	bound := filepath.Join(dir, "s")
	ln, err := net.ListenUnix("unix", &net.UnixAddr{Name: bound, Net: "unix"})
	if err != nil {
		return nil, err
	}
	ln.SetUnlinkOnClose(false) // its name moves; release removes it
	if err := os.Chmod(bound, 0o600); err != nil {
		ln.Close()
		return nil, err
	}
	if err := os.Rename(bound, path); err != nil {
		ln.Close()
		os.Remove(bound)
		return nil, err
	}
	return ln, nil
}
