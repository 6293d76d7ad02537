//go:build !windows

package main

import (
	"io"
	"os"
	"path/filepath"
	"syscall"
	"testing"
)

// The log files are 0600 whatever the umask: --log-file and the tray's
// rotated log, new ones, and old ones others could read.
func TestLogFilesAreTheOwnersOnly(t *testing.T) {
	old := syscall.Umask(0)
	defer syscall.Umask(old)
	dir := t.TempDir()
	oldFile, oldRotated := filepath.Join(dir, "old.log"), filepath.Join(dir, "old-tray.log")
	for _, f := range []string{oldFile, oldRotated} {
		if err := os.WriteFile(f, []byte("before\n"), 0o666); err != nil {
			t.Fatal(err)
		}
	}
	for _, spec := range []logSpec{
		{file: filepath.Join(dir, "new.log")},
		{file: oldFile},
		{rotatedFile: filepath.Join(dir, "new-tray.log")},
		{rotatedFile: oldRotated},
	} {
		log, closeLog, err := newLog(spec, io.Discard)
		if err != nil {
			t.Fatal(err)
		}
		log.Info("a line")
		closeLog()
		name := spec.file + spec.rotatedFile
		if fi, err := os.Stat(name); err != nil || fi.Mode().Perm() != 0o600 {
			t.Errorf("%s: %v %v, want 0600", name, fi.Mode(), err)
		}
	}
}
