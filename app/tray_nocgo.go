//go:build darwin && !cgo

package app

import "errors"

// trayBuilt: the macOS tray needs cgo, and this binary was built without it
// (the tray of every other system is tray_systray.go).
const trayBuilt = false

func runTray(config, func(*trayApp)) error { return errors.New("no tray in this build") }
