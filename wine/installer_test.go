//go:build linux

package wine

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"vncbridge/internal/testnet"
)

const (
	uninstKey = `HKCU\Software\Microsoft\Windows\CurrentVersion\Uninstall\vncbridge`
	runKey    = `HKCU\Software\Microsoft\Windows\CurrentVersion\Run`
	appKey    = `HKCU\Software\vncbridge`
)

// shippedInstaller is the setup.exe of make dist: the file people download.
func shippedInstaller(t *testing.T) string {
	t.Helper()
	found, _ := filepath.Glob("../dist/vncbridge-*-windows-amd64-setup.exe")
	if len(found) != 1 {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%d installers in dist/; make wine runs make dist first", len(found))
		}
		t.Skip("no installer in dist/: run make dist (make wine does)")
	}
	abs, err := filepath.Abs(found[0])
	if err != nil {
		t.Fatal(err)
	}
	return abs
}

// TestInstallerInstallsAndUninstallsCleanly runs the shipped installer
// silently, checks what it installed, installs the service with the
// installed program, and checks that the uninstaller leaves nothing.
func TestInstallerInstallsAndUninstallsCleanly(t *testing.T) {
	setup := shippedInstaller(t)
	home := userDir(t)
	instDir := filepath.Join(home, "AppData", "Local", "Programs", "vncbridge")
	menuDir := filepath.Join(home, "AppData", "Roaming", "Microsoft", "Windows", "Start Menu", "Programs", "vncbridge")

	if res := run(t, setup, "/S"); res.code != 0 {
		t.Fatalf("setup /S: exit %d", res.code)
	}
	files := []string{"vncbridge.exe", "vncbridge-cli.exe", "vncbridge.ico", "noVNC-LICENSE.txt",
		"noVNC-AUTHORS.txt", "THIRD-PARTY.txt", "README.md", "uninstall.exe"}
	for _, f := range files {
		if _, err := os.Stat(filepath.Join(instDir, f)); err != nil {
			t.Errorf("not installed: %v", err)
		}
	}
	for _, lnk := range []string{"vncbridge.lnk", "Uninstall vncbridge.lnk"} {
		if _, err := os.Stat(filepath.Join(menuDir, lnk)); err != nil {
			t.Errorf("no Start-menu shortcut: %v", err)
		}
	}
	winInst := `C:\users\` + filepath.Base(home) + `\AppData\Local\Programs\vncbridge`
	for _, v := range []struct{ key, value, want string }{
		{appKey, "InstallDir", winInst},
		{uninstKey, "DisplayName", "vncbridge"},
		{uninstKey, "UninstallString", `"` + winInst + `\uninstall.exe"`},
		{uninstKey, "QuietUninstallString", `"` + winInst + `\uninstall.exe" /S`},
		{runKey, "vncbridge", `"` + winInst + `\vncbridge.exe"`},
	} {
		got, ok := regQuery(t, v.key, v.value)
		if !ok || !strings.EqualFold(got, v.want) {
			t.Errorf(`%s\%s = %q (there: %v), want %q`, v.key, v.value, got, ok, v.want)
		}
	}
	if _, ok := regQuery(t, uninstKey, "DisplayVersion"); !ok {
		t.Error("no DisplayVersion")
	}

	// The installed command line runs, and installs the service the
	// uninstaller must remove.
	cli := filepath.Join(instDir, "vncbridge-cli.exe")
	if res := run(t, cli, "--version"); res.code != 0 || !strings.HasPrefix(res.stdout, "vncbridge ") {
		t.Fatalf("installed vncbridge-cli --version: exit %d %q %q", res.code, res.stdout, res.stderr)
	}
	if res := run(t, cli, "service", "install", "--system"); res.code != 0 {
		t.Fatalf("service install: exit %d %q %q", res.code, res.stdout, res.stderr)
	}

	// The uninstaller copies itself away and runs from there: wait for
	// its work to be done.
	if res := run(t, filepath.Join(instDir, "uninstall.exe"), "/S"); res.code != 0 {
		t.Fatalf("uninstall /S: exit %d", res.code)
	}
	gone := func(p string) bool { _, err := os.Stat(p); return os.IsNotExist(err) }
	// Its last step removes the uninstall key.
	testnet.WaitWithin(t, time.Minute, "the uninstaller to finish", func() bool {
		return gone(instDir) && run(t, "reg", "query", uninstKey).code != 0
	})
	if !gone(menuDir) {
		t.Error("the Start-menu folder is left")
	}
	if res := run(t, "reg", "query", appKey); res.code == 0 {
		t.Errorf("%s is left:\n%s", appKey, res.stdout)
	}
	if _, ok := regQuery(t, runKey, "vncbridge"); ok {
		t.Error("the start-at-login value is left")
	}
	if res := run(t, cliExe, "service", "status", "--system"); res.code != 4 {
		t.Errorf("the service is left: status exits %d: %s", res.code, res.stdout)
	}
}
