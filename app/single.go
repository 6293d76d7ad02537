package app

// ErrAlreadyRunning is returned by Run when another tray of this user runs;
// it has been asked to open the browser.
var ErrAlreadyRunning error = &knownError{say: "vncbridge is already running; it was asked to open the browser"}

// instance is this user's one tray: it holds what a second launch reaches
// it through, made by claim (single_unix.go: a Unix socket;
// single_windows.go: a named mutex and a named pipe). Only this package
// makes one.
type instance struct {
	release func()
}
