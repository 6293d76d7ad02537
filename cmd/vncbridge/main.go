// Command vncbridge shares a VNC desktop with a web browser.
//
//	vncbridge                     the tray application
//	vncbridge --headless          the same without a tray icon
//	vncbridge proxy [options] …   the websockify-compatible proxy
//	websockify [options] …        the same, under websockify's name
//	vncbridge service COMMAND     run in the background as an OS service
//	vncbridge recordings [DIR]    watch the recorded sessions in the browser
package main

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
)

// version is set by the build: go build -ldflags "-X main.version=…".
var version = "dev"

func main() {
	os.Exit(run(os.Args, os.Stdout, os.Stderr))
}

const overview = `vncbridge shares the VNC desktop of this computer with a web browser.

Usage:
  vncbridge [options] the tray application: share with one click, from the
                      menu of its icon (--headless: no icon, share with the
                      saved settings and print the address; --port,
                      --target, --record, --allow-remote, --config-dir DIR;
                      vncbridge --headless --help lists them)
  vncbridge service install|uninstall|start|stop|status|run
                      run in the background, with nobody logged in
                      (vncbridge service --help)
  vncbridge proxy [options] [source_addr:]source_port target_addr:target_port
                      the WebSocket-to-TCP proxy, compatible with websockify
                      (vncbridge proxy --help lists its options)
  vncbridge recordings [DIR]
                      the recorded sessions in the browser: play, download,
                      delete (the tray's recordings when DIR is left out)
  vncbridge --version print the version
  vncbridge --help    this help

Started under the name websockify (a symlink or a copy), vncbridge acts as
vncbridge proxy.
`

// run dispatches on the program's name and first argument, and returns the
// exit status.
func run(args []string, stdout, stderr io.Writer) int {
	name := strings.TrimSuffix(filepath.Base(args[0]), ".exe")
	if name == "websockify" {
		return runProxy(args[1:], calledWebsockify(stdout), calledWebsockify(stderr))
	}
	if len(args) < 2 || strings.HasPrefix(args[1], "-") && !isHelpOrVersion(args[1]) {
		return runTray(args[1:], stdout, stderr)
	}
	switch args[1] {
	case "proxy":
		return runProxy(args[2:], stdout, stderr)
	case "--version", "-version", "version":
		fmt.Fprintln(stdout, "vncbridge", version)
		return 0
	case "--help", "-h", "help":
		fmt.Fprint(stdout, overview)
		return 0
	case "recordings":
		return runRecordings(args[2:], stdout, stderr)
	case "service":
		return runService(args[2:], stdout, stderr)
	}
	fmt.Fprintf(stderr, "vncbridge: unknown command %q\n\n%s", args[1], overview)
	return 2
}

func isHelpOrVersion(a string) bool {
	switch a {
	case "--version", "-version", "--help", "-h":
		return true
	}
	return false
}

// calledWebsockify is w for a vncbridge started as websockify: its help, its
// usage errors and its messages say "websockify" where they say "vncbridge
// proxy", the name the user typed. Every text of the proxy command is one
// write (a help, a line), so no name is split between two writes.
func calledWebsockify(w io.Writer) io.Writer { return websockifyWriter{w} }

type websockifyWriter struct{ w io.Writer }

func (r websockifyWriter) Write(p []byte) (int, error) {
	if _, err := r.w.Write(bytes.ReplaceAll(p, []byte("vncbridge proxy"), []byte("websockify"))); err != nil {
		return 0, err
	}
	return len(p), nil
}
