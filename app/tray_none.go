//go:build darwin && !cgo

package app

import "errors"

// trayHost: the macOS tray needs cgo, and this binary was built without it.
func trayHost() (bool, string) {
	return false, "this build has no macOS tray (it was built without cgo)"
}

func runTray(*App) error { return errors.New("no tray in this build") }
