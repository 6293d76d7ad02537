//go:build unix

package main

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
)

// daemonEnv tells a daemon's child which file descriptor to report its
// readiness on.
const daemonEnv = "VNCBRIDGE_DAEMON_READY_FD"

func isDaemonChild() bool { return os.Getenv(daemonEnv) != "" }

// daemonize starts this command again in a new session with no terminal,
// waits until it listens (or fails), and returns the exit status of the
// parent: 0 when the child runs, 1 when it could not start.
func daemonize(stderr io.Writer) int {
	exe, err := os.Executable()
	if err != nil {
		fmt.Fprintf(stderr, "vncbridge proxy: --daemon: %v\n", err)
		return 1
	}
	r, w, err := os.Pipe()
	if err != nil {
		fmt.Fprintf(stderr, "vncbridge proxy: --daemon: %v\n", err)
		return 1
	}
	devnull, err := os.OpenFile(os.DevNull, os.O_RDWR, 0)
	if err != nil {
		fmt.Fprintf(stderr, "vncbridge proxy: --daemon: %v\n", err)
		return 1
	}
	defer devnull.Close()
	cmd := exec.Command(exe)
	cmd.Args = os.Args // keeps argv[0], so a "websockify" stays one
	cmd.Env = append(os.Environ(), daemonEnv+"=3")
	cmd.ExtraFiles = []*os.File{w}
	cmd.Stdin, cmd.Stdout, cmd.Stderr = devnull, devnull, devnull
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	if err := cmd.Start(); err != nil {
		fmt.Fprintf(stderr, "vncbridge proxy: --daemon: %v\n", err)
		return 1
	}
	w.Close()
	line, _ := bufio.NewReader(r).ReadString('\n')
	r.Close()
	if strings.TrimSpace(line) == "ready" {
		fmt.Fprintf(stderr, "vncbridge proxy: running in the background, process %d\n", cmd.Process.Pid)
		cmd.Process.Release()
		return 0
	}
	msg := strings.TrimSpace(strings.TrimPrefix(line, "error: "))
	if msg == "" {
		msg = "the background process ended before it was ready"
	}
	fmt.Fprintf(stderr, "vncbridge proxy: %s\n", msg)
	return 1
}

// daemonReady tells a waiting parent that the daemon listens (err nil) or
// why it could not start; it does nothing outside a daemon's child.
func daemonReady(err error) {
	fdText := os.Getenv(daemonEnv)
	if fdText == "" {
		return
	}
	os.Unsetenv(daemonEnv)
	fd, convErr := strconv.Atoi(fdText)
	if convErr != nil {
		return
	}
	f := os.NewFile(uintptr(fd), "daemon-ready")
	defer f.Close()
	if err != nil {
		fmt.Fprintf(f, "error: %s\n", strings.ReplaceAll(err.Error(), "\n", " "))
		return
	}
	fmt.Fprintln(f, "ready")
}
