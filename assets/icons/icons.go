// Package icons holds vncbridge's icons: the tray icon in its five states,
// the macOS menu-bar template and the application icon.
//
// The files beside this one are drawn by the generator in gen/ and
// committed; regenerate them from the repository root with
//
//	go run ./assets/icons/gen
//
// Installers take the application icon from here by file name
// (app-<size>.png, vncbridge.ico, vncbridge.icns). The package imports no GUI
// code: it only hands out bytes.
package icons

import (
	"embed"
	"fmt"
	"runtime"
)

//go:embed *.png *.ico
var files embed.FS

// State is what the tray shows.
type State int

// The tray's states.
const (
	Idle State = iota
	Sharing
	Error
	// Warning: sharing, but something is wrong (no VNC server answers).
	Warning
	// Network: sharing with other computers (remote access on).
	Network
)

// String returns the state's name as used in the icon files' names.
func (s State) String() string {
	switch s {
	case Sharing:
		return "sharing"
	case Error:
		return "error"
	case Warning:
		return "warning"
	case Network:
		return "network"
	default:
		return "idle"
	}
}

// trayPNGSize is the PNG size handed to trays that take PNG: large enough
// for HiDPI panels and menu bars, which scale it down to their height.
const trayPNGSize = 64

// Tray returns the tray icon for s in the format the platform's tray needs:
// ICO bytes on Windows, PNG elsewhere. An unknown state gives the idle icon.
func Tray(s State) []byte {
	return trayFor(runtime.GOOS, s)
}

// trayFor is Tray for the operating system goos.
func trayFor(goos string, s State) []byte {
	if goos == "windows" {
		// fyne.io/systray loads Windows icons from ICO data; the file holds
		// 16 to 64 px so that Windows picks the size for the screen's DPI.
		return read("tray-" + s.String() + ".ico")
	}
	return read(fmt.Sprintf("tray-%s-%d.png", s, trayPNGSize))
}

// Template returns the monochrome macOS menu-bar template PNG for s: black
// on transparent, 44 px (22 pt at @2x), which macOS tints for light and dark
// menu bars. An unknown state gives the idle icon.
func Template(s State) []byte {
	return read(fmt.Sprintf("template-%s-44.png", s))
}

// appSizes are the sizes of the embedded application icons, smallest first.
var appSizes = []int{16, 32, 48, 64, 128, 256, 512}

// App returns the application icon PNG closest to size pixels: the
// smallest one at least that large, or the largest one (512 px).
func App(size int) []byte {
	best := appSizes[len(appSizes)-1]
	for _, n := range appSizes {
		if n >= size {
			best = n
			break
		}
	}
	return read(fmt.Sprintf("app-%d.png", best))
}

// read returns an embedded file; the names are fixed, so a missing file is
// a broken build, caught by the tests.
func read(name string) []byte {
	b, err := files.ReadFile(name)
	if err != nil {
		panic("icons: " + err.Error())
	}
	return b
}
