package app

import (
	"errors"
	"strings"
	"syscall"

	"golang.org/x/sys/windows"
)

// runElevatedWindows starts exe with args through UAC ("runas"). It does not
// wait: the tray sees the service's new state at its next look.
func runElevatedWindows(exe string, args []string) error {
	var quoted []string
	for _, a := range args {
		quoted = append(quoted, syscall.EscapeArg(a))
	}
	verb, _ := windows.UTF16PtrFromString("runas")
	file, _ := windows.UTF16PtrFromString(exe)
	params, _ := windows.UTF16PtrFromString(strings.Join(quoted, " "))
	if err := windows.ShellExecute(0, verb, file, params, nil, windows.SW_HIDE); err != nil {
		return errors.New("the administrator's approval was refused: " + err.Error())
	}
	return nil
}
