//go:build !windows

package app

import "os/exec"

// hideConsole: only Windows opens console windows for console programs.
func hideConsole(*exec.Cmd) {}
