package app

import (
	"context"
	"os/exec"
)

// chooseFile is Windows' Open dialog through PowerShell: the path on
// output, nothing (and exit code 1) when cancelled. The title reaches
// PowerShell in the environment, never in the script.
func chooseFile(ctx context.Context, title string) (*exec.Cmd, error) {
	ps := `Add-Type -AssemblyName System.Windows.Forms; $d = New-Object System.Windows.Forms.OpenFileDialog; ` +
		`$d.Title = $env:VB_TITLE; if ($d.ShowDialog() -eq 'OK') { $d.FileName } else { exit 1 }`
	cmd := exec.CommandContext(ctx, "powershell", "-NoProfile", "-NonInteractive", "-STA", "-Command", ps)
	cmd.Env = append(cmd.Environ(), "VB_TITLE="+title)
	hideConsole(cmd)
	return cmd, nil
}
