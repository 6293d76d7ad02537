package app

import (
	"errors"
	"os"

	"golang.org/x/sys/windows/registry"
)

// LoginItem is "Start at login" for the tray: the Run key of the user's
// registry on Windows.
type LoginItem struct {
	// Exe is the program to start; empty means this one.
	Exe string
}

const runKey = `Software\Microsoft\Windows\CurrentVersion\Run`

// Enabled tells whether the Run value is there.
func (LoginItem) Enabled() bool {
	k, err := registry.OpenKey(registry.CURRENT_USER, runKey, registry.QUERY_VALUE)
	if err != nil {
		return false
	}
	defer k.Close()
	_, _, err = k.GetStringValue("vncbridge")
	return err == nil
}

// SetEnabled writes or removes the Run value.
func (l LoginItem) SetEnabled(on bool) error {
	k, _, err := registry.CreateKey(registry.CURRENT_USER, runKey, registry.SET_VALUE)
	if err != nil {
		return err
	}
	defer k.Close()
	if !on {
		if err := k.DeleteValue("vncbridge"); err != nil && !errors.Is(err, registry.ErrNotExist) {
			return err
		}
		return nil
	}
	exe := l.Exe
	if exe == "" {
		if exe, err = os.Executable(); err != nil {
			return err
		}
	}
	return k.SetStringValue("vncbridge", `"`+exe+`"`)
}
