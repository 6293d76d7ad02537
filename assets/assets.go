// Package assets holds what vncbridge serves to browsers: its viewer page
// and, under /novnc/, the noVNC library it drives (copied in by make assets
// from the pinned npm package, with its licence).
package assets

import (
	"bytes"
	"embed"
	"io/fs"
	"time"
)

//go:embed all:web
var embedded embed.FS

// favicon is the application icon (drawn with the others in icons/), served
// as favicon.png beside the pages.
//
//go:embed icons/app-32.png
var favicon []byte

// Web is the web client, rooted at the page a browser opens: index.html
// (which forwards to vnc.html, connecting at once), vnc.html with its style
// and its script modules (vncbridge.js, failure.js, endings.js, settings.js,
// keys.js, i18n.js and its words.js, viewers.js…), the recordings page
// (recordings.html, recordings.js and its player, player.js), page.js with
// what the pages' scripts share, and novnc/ with the library and its
// licence at novnc/LICENSE.txt.
func Web() fs.FS {
	web, err := fs.Sub(embedded, "web")
	if err != nil {
		panic(err) // "web" is a valid path, always embedded
	}
	return withFavicon{web}
}

// withFavicon adds favicon.png to the web files.
type withFavicon struct{ fs.FS }

func (w withFavicon) Open(name string) (fs.File, error) {
	if name == "favicon.png" {
		return iconFile{bytes.NewReader(favicon)}, nil
	}
	return w.FS.Open(name)
}

// iconFile is favicon.png opened; it is its own FileInfo.
type iconFile struct{ *bytes.Reader }

func (f iconFile) Stat() (fs.FileInfo, error) { return f, nil }
func (iconFile) Close() error                 { return nil }
func (iconFile) Name() string                 { return "favicon.png" }
func (iconFile) Mode() fs.FileMode            { return 0o444 }
func (iconFile) ModTime() time.Time           { return time.Time{} }
func (iconFile) IsDir() bool                  { return false }
func (iconFile) Sys() any                     { return nil }

// HasNoVNC tells whether this build holds the noVNC library. A build made
// without make assets still runs; its page then says how to get the library.
func HasNoVNC() bool {
	_, err := fs.Stat(embedded, "web/novnc/core/rfb.js")
	return err == nil
}
