//go:build !windows && !darwin

package app

import (
	"context"
	"os/exec"
)

// chooseFile is zenity's file chooser, or kdialog's: the path on output.
func chooseFile(ctx context.Context, title string) (*exec.Cmd, error) {
	if p, err := exec.LookPath("zenity"); err == nil {
		return exec.CommandContext(ctx, p, "--file-selection", "--title", title), nil
	}
	if p, err := exec.LookPath("kdialog"); err == nil {
		return exec.CommandContext(ctx, p, "--title", title, "--getopenfilename"), nil
	}
	return nil, errNoDialog
}
