package main

import (
	"io/fs"

	"vncbridge/app"
	"vncbridge/assets"
	"vncbridge/assets/icons"
)

// webFiles is the viewer the tray and the service serve.
func webFiles() fs.FS { return assets.Web() }

// trayIcon gives the tray its icons: the macOS menu-bar template and the
// regular one (ICO on Windows, PNG elsewhere).
func trayIcon(i app.Icon) (template, regular []byte) {
	s := icons.Idle
	switch i {
	case app.IconSharing:
		s = icons.Sharing
	case app.IconError:
		s = icons.Error
	}
	return icons.Template(s), icons.Tray(s)
}
