// Command vncbridge shares a VNC desktop with a web browser.
//
//	vncbridge proxy [options] …   the websockify-compatible proxy
//	websockify [options] …        the same, under websockify's name
//
// The tray application (vncbridge with no arguments) and the service
// commands come with the tray.
package main

import (
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
  vncbridge proxy [options] [source_addr:]source_port target_addr:target_port
                      the WebSocket-to-TCP proxy, compatible with websockify
                      (vncbridge proxy --help lists its options)
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
		return runProxy(args[1:], stdout, stderr)
	}
	if len(args) < 2 {
		fmt.Fprint(stderr, overview)
		fmt.Fprintln(stderr, "\nThe tray application is not part of this build yet; use vncbridge proxy.")
		return 2
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
	case "service":
		fmt.Fprintln(stderr, "vncbridge: the service commands are not part of this build yet")
		return 2
	}
	fmt.Fprintf(stderr, "vncbridge: unknown command %q\n\n%s", args[1], overview)
	return 2
}
