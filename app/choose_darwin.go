package app

import (
	"context"
	"os/exec"
)

// chooseFile is AppleScript's file chooser: the POSIX path on output.
func chooseFile(ctx context.Context, title string) (*exec.Cmd, error) {
	return exec.CommandContext(ctx, "osascript", "-e", `POSIX path of (choose file with prompt `+appleString(title)+`)`), nil
}
