//go:build darwin && !cgo

package app

import "errors"

// noTrayBuilt says why this build has no tray: the macOS tray needs cgo, and
// this binary was built without it (the tray of every other system is
// tray_systray.go).
const noTrayBuilt = "this build has no macOS tray (it was built without cgo)"

func runTray(config, func(*trayApp)) error { return errors.New("no tray in this build") }
