//go:build linux

package wine

import (
	"net"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// The Windows build speaks the user's UI language (Windows' preferred UI
// languages, which Wine takes from LANG): a headless run that cannot share
// says why in German, in Japanese, and in English.
func TestSpeaksTheUsersLanguage(t *testing.T) {
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()
	port := strconv.Itoa(busy.Addr().(*net.TCPAddr).Port)
	// Wine reads the language through the C library, which knows only the
	// locales compiled for it: these three, here, from the locales package.
	locales := t.TempDir()
	for _, l := range []string{"de_DE", "ja_JP", "en_US"} {
		if out, err := exec.Command("localedef", "-i", l, "-f", "UTF-8", filepath.Join(locales, l+".UTF-8")).CombinedOutput(); err != nil {
			t.Fatalf("localedef %s (make deps installs the locales package): %v\n%s", l, err, out)
		}
	}
	for _, c := range []struct{ lang, want string }{
		{"de_DE.UTF-8", "vncbridge: Port " + port + " ist belegt"},
		{"ja_JP.UTF-8", "vncbridge: ポート " + port + " は使用中です"},
		{"en_US.UTF-8", "vncbridge: Port " + port + " is in use"},
	} {
		p, err := startWineWith([]string{"LANG=" + c.lang, "LC_ALL=", "LC_MESSAGES=", "LOCPATH=" + locales}, cliExe,
			"--headless", "--config-dir", winPath(t.TempDir()), "--port", port, "--target", "127.0.0.1:1")
		if err != nil {
			t.Fatal(err)
		}
		if err := waitFor(p.cmd, time.Minute); err == nil || !strings.Contains(p.err(), c.want) {
			t.Errorf("%s: exit %v, want 1 with %q:\nstdout: %s\nstderr: %s", c.lang, err, c.want, p.out(), p.err())
		}
	}
}
