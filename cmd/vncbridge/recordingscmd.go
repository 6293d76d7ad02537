package main

import (
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"

	"github.com/skratchdot/open-golang/open"
	"github.com/spf13/pflag"

	"vncbridge/app"
	"vncbridge/assets"
	"vncbridge/internal/localpage"
	"vncbridge/recordings"
)

const recordingsUsage = `Usage: vncbridge recordings [--no-browser] [--config-dir DIR] [DIR]

Shows the session recordings in DIR in the browser: a list with play,
download and delete, and a player. DIR is the tray's recordings folder when
left out; give the folder of vncbridge proxy --record FILE (or websockify's)
to see those. The page is served on this computer only (127.0.0.1), at an
address with a secret in it, printed here; Ctrl-C stops it.

Options:
`

// runRecordings serves the recordings page of a folder until interrupted.
func runRecordings(args []string, stdout, stderr io.Writer) int {
	fs := pflag.NewFlagSet("vncbridge recordings", pflag.ContinueOnError)
	fs.SetOutput(stderr)
	noBrowser := fs.Bool("no-browser", false, "print the page's address without opening the browser")
	configDir := fs.String("config-dir", "", "the tray's settings `DIR`, whose recordings folder is shown when DIR is left out")
	help := fs.BoolP("help", "h", false, "show this help")
	fs.Usage = func() { fmt.Fprint(stderr, recordingsUsage); fs.PrintDefaults() }
	if err := fs.Parse(args); err != nil {
		fmt.Fprintf(stderr, "vncbridge recordings: %v\n\n", err)
		fs.Usage()
		return 2
	}
	if *help {
		fmt.Fprint(stdout, recordingsUsage)
		fs.SetOutput(stdout)
		fs.PrintDefaults()
		return 0
	}
	if fs.NArg() > 1 {
		fmt.Fprintf(stderr, "vncbridge recordings: one folder at most, not %d\n", fs.NArg())
		return 2
	}
	var dir string
	if fs.NArg() == 1 {
		dir = fs.Arg(0)
		if fi, err := os.Stat(dir); err != nil || !fi.IsDir() {
			fmt.Fprintf(stderr, "vncbridge recordings: %s is not a folder\n", dir)
			return 1
		}
	} else {
		p, err := app.PathsFor(*configDir)
		if err != nil {
			fmt.Fprintln(stderr, "vncbridge recordings:", err)
			return 1
		}
		dir = p.Recordings
	}
	if abs, err := filepath.Abs(dir); err == nil {
		dir = abs
	}
	if !assets.HasNoVNC() {
		fmt.Fprintln(stderr, "vncbridge recordings: this build has no noVNC library, so the player cannot show recordings (make build runs make assets); the list works")
	}
	srv, err := localpage.Listen(&recordings.Handler{
		Dir:        dir,
		Web:        assets.Web(),
		OpenFolder: func() error { return open.Start(dir) },
	})
	if err != nil {
		fmt.Fprintln(stderr, "vncbridge recordings:", err)
		return 1
	}
	defer srv.Close()
	fmt.Fprintf(stdout, "The recordings in %s are at\n  %s\n(on this computer only; Ctrl-C stops)\n", dir, srv.URL())
	if !*noBrowser {
		if err := open.Start(srv.URL()); err != nil {
			fmt.Fprintln(stderr, "vncbridge recordings: cannot open the browser:", err, "- open the address above yourself")
		}
	}
	stop := make(chan os.Signal, 1)
	signal.Notify(stop, os.Interrupt, syscall.SIGTERM)
	<-stop
	return 0
}
