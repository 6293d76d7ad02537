package main

import (
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"syscall"

	"github.com/skratchdot/open-golang/open"
	"github.com/spf13/pflag"

	"vncbridge/app"
	"vncbridge/assets"
	"vncbridge/internal/localpage"
	"vncbridge/internal/words"
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
	paths, err := app.PathsFor(*configDir)
	w := words.For(words.System()...)
	if err == nil {
		w = app.Speaking(paths, "") // the tray's language
	}
	if fs.NArg() > 1 {
		fmt.Fprintf(stderr, "vncbridge recordings: %s\n", w.Sprintf("one folder at most, not %s", strconv.Itoa(fs.NArg())))
		return 2
	}
	var dir string
	if fs.NArg() == 1 {
		dir = fs.Arg(0)
		if fi, err := os.Stat(dir); err != nil || !fi.IsDir() {
			fmt.Fprintf(stderr, "vncbridge recordings: %s\n", w.Sprintf("%s is not a folder", dir))
			return 1
		}
	} else {
		if err != nil {
			fmt.Fprintln(stderr, "vncbridge recordings:", app.Reason(w, err))
			return 1
		}
		dir = paths.Recordings
	}
	if abs, err := filepath.Abs(dir); err == nil {
		dir = abs
	}
	if !assets.HasNoVNC() {
		fmt.Fprintln(stderr, "vncbridge recordings:", w.Sprintf("this build has no noVNC library, so the player cannot show recordings (make build runs make assets); the list works"))
	}
	srv, err := localpage.Listen(&recordings.Handler{
		Dir:        dir,
		Web:        assets.Web(),
		OpenFolder: func() error { return open.Start(dir) },
	})
	if err != nil {
		fmt.Fprintln(stderr, "vncbridge recordings:", app.Reason(w, err))
		return 1
	}
	defer srv.Close()
	fmt.Fprintf(stdout, "%s\n  %s\n%s\n", w.Sprintf("The recordings in %s are at", dir), srv.URL(), w.Sprintf("(on this computer only; Ctrl-C stops)"))
	if !*noBrowser {
		if err := open.Start(srv.URL()); err != nil {
			fmt.Fprintln(stderr, "vncbridge recordings:", w.Sprintf("cannot open the browser (%s): open the address above yourself", app.Reason(w, err)))
		}
	}
	stop := make(chan os.Signal, 1)
	signal.Notify(stop, os.Interrupt, syscall.SIGTERM)
	<-stop
	return 0
}
