//go:build !windows

package app

import (
	"os"
	"path/filepath"
	"syscall"
	"testing"
)

// withUmask runs the rest of the test with umask mask (the whole
// process's), and restores it at the end.
func withUmask(t *testing.T, mask int) {
	old := syscall.Umask(mask)
	t.Cleanup(func() { syscall.Umask(old) })
}

// The control socket is 0600 whatever the umask, in a config directory of
// its own and in one others may enter, and nothing else is left there.
func TestControlSocketIsPrivateWhateverTheUmask(t *testing.T) {
	withUmask(t, 0)
	shared := shortTempDir(t)
	os.Chmod(shared, 0o755)
	for _, dir := range []string{filepath.Join(shortTempDir(t), "new"), shared} {
		p := Paths{Dir: dir}
		inst, err := claim(p, func() {})
		if err != nil {
			t.Fatal(err)
		}
		sock, _ := controlSocket(p)
		fi, err := os.Stat(sock)
		if err != nil || fi.Mode()&os.ModeSocket == 0 || fi.Mode().Perm() != 0o600 {
			t.Fatalf("%s: %v %v, want a 0600 socket", sock, fi.Mode(), err)
		}
		if _, err := claim(p, func() {}); err != ErrAlreadyRunning {
			t.Fatalf("a second claim: %v", err)
		}
		if entries, _ := os.ReadDir(dir); len(entries) != 1 {
			t.Fatalf("%s holds %v, want the socket only", dir, entries)
		}
		inst.release()
		if _, err := os.Lstat(sock); !os.IsNotExist(err) {
			t.Fatalf("the socket after release: %v", err)
		}
	}
}
