//go:build !windows

package app

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// shortTempDir is a new directory with a short path, removed at the end.
func shortTempDir(t *testing.T) string {
	d, err := os.MkdirTemp("/tmp", "vb")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(d) })
	return d
}

// longPaths is a config directory whose socket path is too long for a
// Unix socket.
func longPaths(t *testing.T) Paths {
	dir := filepath.Join(t.TempDir(), strings.Repeat("d", 60), strings.Repeat("e", 60))
	return Paths{Dir: dir}
}

// A config directory with a long path has its control socket in the user's
// runtime directory, one per config directory.
func TestControlSocketOfALongConfigDirIsInTheRuntimeDir(t *testing.T) {
	rt := shortTempDir(t)
	t.Setenv("XDG_RUNTIME_DIR", rt)
	a, b := longPaths(t), longPaths(t)
	sa, err := controlSocket(a)
	if err != nil {
		t.Fatal(err)
	}
	sb, _ := controlSocket(b)
	if filepath.Dir(sa) != rt || sa == sb {
		t.Fatalf("sockets %s and %s, want two in %s", sa, sb, rt)
	}
	first, err := claim(a, func() {})
	if err != nil {
		t.Fatal(err)
	}
	defer first.release()
	if _, err := claim(a, func() {}); err != ErrAlreadyRunning {
		t.Fatalf("second claim: %v", err)
	}
	other, err := claim(b, func() {})
	if err != nil {
		t.Fatalf("another config directory: %v", err)
	}
	other.release()
}

// Without a runtime directory the socket goes to a directory of this
// user's in the temporary directory, which nobody else may enter; one that
// others may enter is refused, never used.
func TestControlSocketWithoutARuntimeDirIsPrivate(t *testing.T) {
	t.Setenv("XDG_RUNTIME_DIR", "")
	tmp := shortTempDir(t)
	t.Setenv("TMPDIR", tmp)
	p := longPaths(t)
	inst, err := claim(p, func() {})
	if err != nil {
		t.Fatal(err)
	}
	inst.release()
	dir := filepath.Join(tmp, "vncbridge-"+strconv.Itoa(os.Getuid()))
	fi, err := os.Stat(dir)
	if err != nil || fi.Mode().Perm() != 0o700 {
		t.Fatalf("%s: %v %v, want a 0700 directory", dir, fi, err)
	}

	os.Chmod(dir, 0o777) // as another user could have made it
	if _, err := claim(p, func() {}); err == nil || !strings.Contains(err.Error(), dir) {
		t.Fatalf("claim in a shared directory: %v, want a refusal naming %s", err, dir)
	}
	os.Remove(dir)
	os.Symlink(tmp, dir) // a link to a directory others may enter
	if _, err := claim(p, func() {}); err == nil || !strings.Contains(err.Error(), dir) {
		t.Fatalf("claim through a link: %v, want a refusal naming %s", err, dir)
	}
}
