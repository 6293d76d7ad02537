//go:build !windows

package app

import "errors"

func runElevatedWindows(string, []string) error { return errors.New("not on Windows") }
