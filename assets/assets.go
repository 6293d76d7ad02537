// Package assets holds what vncbridge serves to browsers: its viewer page
// and, under /novnc/, the noVNC library it drives (copied in by make assets
// from the pinned npm package, with its licence).
package assets

import (
	"embed"
	"io/fs"
)

//go:embed all:web
var embedded embed.FS

// Web is the web client, rooted at the page a browser opens: index.html
// (which forwards to vnc.html with defaults for this proxy), vnc.html and its
// script, and novnc/ with the library and its licence at
// novnc/LICENSE.txt.
func Web() fs.FS {
	web, err := fs.Sub(embedded, "web")
	if err != nil {
		panic(err) // "web" is a valid path, always embedded
	}
	return web
}

// HasNoVNC tells whether this build holds the noVNC library. A build made
// without make assets still runs; its page then says how to get the library.
func HasNoVNC() bool {
	_, err := fs.Stat(embedded, "web/novnc/core/rfb.js")
	return err == nil
}
