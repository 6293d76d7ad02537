// Package installer holds the packaging files (linux/, windows/, macos/)
// and the test of what make dist writes.
package installer

import (
	"archive/tar"
	"archive/zip"
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"debug/macho"
	"debug/pe"
	"encoding/binary"
	"encoding/hex"
	"encoding/xml"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"vncbridge/internal/testnet"
)

// distDir is make dist's output: $VNCBRIDGE_DIST or ../dist. Outside CI a
// missing one skips (make dist builds it); in CI it fails.
func distDir(t *testing.T) string {
	t.Helper()
	dir := os.Getenv("VNCBRIDGE_DIST")
	if dir == "" {
		dir = "../dist"
	}
	if _, err := os.Stat(filepath.Join(dir, "SHA256SUMS")); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("no %s/SHA256SUMS: make test runs make dist first (%v)", dir, err)
		}
		t.Skipf("no packages in %s: run make dist first", dir)
	}
	return dir
}

// one returns the single file in dir matching pattern.
func one(t *testing.T, dir, pattern string) string {
	t.Helper()
	m, _ := filepath.Glob(filepath.Join(dir, pattern))
	if len(m) != 1 {
		t.Fatalf("%s: %d files match %s: %v", dir, len(m), pattern, m)
	}
	return m[0]
}

func run(t *testing.T, name string, args ...string) string {
	t.Helper()
	out, err := exec.Command(name, args...).CombinedOutput()
	if err != nil {
		t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
	}
	return string(out)
}

func TestChecksums(t *testing.T) {
	dir := distDir(t)
	sums, err := os.ReadFile(filepath.Join(dir, "SHA256SUMS"))
	if err != nil {
		t.Fatal(err)
	}
	listed := map[string]string{}
	for _, line := range strings.Split(strings.TrimSpace(string(sums)), "\n") {
		sum, name, ok := strings.Cut(line, "  ")
		if !ok {
			t.Fatalf("SHA256SUMS line %q", line)
		}
		listed[name] = sum
	}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if e.Name() == "SHA256SUMS" || e.IsDir() {
			continue
		}
		b, _ := os.ReadFile(filepath.Join(dir, e.Name()))
		h := sha256.Sum256(b)
		if got := hex.EncodeToString(h[:]); listed[e.Name()] != got {
			t.Errorf("%s: SHA256SUMS says %q, the file is %s", e.Name(), listed[e.Name()], got)
		}
		delete(listed, e.Name())
	}
	for name := range listed {
		t.Errorf("SHA256SUMS lists %s, which is not there", name)
	}
	for _, want := range []string{"*_amd64.deb", "*_arm64.deb", "*.x86_64.rpm", "*.aarch64.rpm", "*-linux-amd64.tar.gz",
		"*-windows-amd64-setup.exe", "*-windows-amd64.zip", "*-macos-amd64*", "*-macos-arm64*"} {
		one(t, dir, want)
	}
}

// linuxFiles are what the Linux packages install.
var linuxFiles = []string{
	"/usr/bin/vncbridge",
	"/usr/share/applications/vncbridge.desktop",
	"/usr/share/icons/hicolor/16x16/apps/vncbridge.png",
	"/usr/share/icons/hicolor/48x48/apps/vncbridge.png",
	"/usr/share/icons/hicolor/256x256/apps/vncbridge.png",
	"/usr/share/icons/hicolor/512x512/apps/vncbridge.png",
	"/usr/share/icons/hicolor/scalable/apps/vncbridge.svg",
	"/usr/share/doc/vncbridge/noVNC-LICENSE.txt",
	"/usr/share/doc/vncbridge/THIRD-PARTY.txt",
	"/usr/share/doc/vncbridge/README.md",
}

func hasAll(t *testing.T, what, listing string, paths []string) {
	t.Helper()
	for _, p := range paths {
		if !strings.Contains(listing, p) {
			t.Errorf("%s lacks %s:\n%s", what, p, listing)
		}
	}
}

func TestDeb(t *testing.T) {
	dir := distDir(t)
	testnet.RequireTools(t, "dpkg-deb")
	for _, arch := range []string{"amd64", "arm64"} {
		deb := one(t, dir, "*_"+arch+".deb")
		hasAll(t, deb, run(t, "dpkg-deb", "-c", deb), linuxFiles)
		fields := run(t, "dpkg-deb", "-f", deb, "Package", "Architecture", "Recommends")
		if !strings.Contains(fields, "Package: vncbridge") || !strings.Contains(fields, "Architecture: "+arch) ||
			!strings.Contains(fields, "Recommends: x11vnc, zenity") {
			t.Errorf("%s fields:\n%s", deb, fields)
		}
	}
}

func TestRpm(t *testing.T) {
	dir := distDir(t)
	testnet.RequireTools(t, "rpm")
	for _, arch := range []string{"x86_64", "aarch64"} {
		rpm := one(t, dir, "*."+arch+".rpm")
		hasAll(t, rpm, run(t, "rpm", "-qpl", rpm), linuxFiles)
		if got := strings.TrimSpace(run(t, "rpm", "-qp", "--qf", "%{NAME} %{ARCH}", rpm)); got != "vncbridge "+arch {
			t.Errorf("%s: %q", rpm, got)
		}
		// x11vnc serves this desktop where no VNC server runs; zenity asks
		// before a viewer joins where notifications have no buttons.
		if got := strings.Fields(run(t, "rpm", "-qp", "--recommends", rpm)); !slices.Contains(got, "x11vnc") || !slices.Contains(got, "zenity") {
			t.Errorf("%s recommends %q, want x11vnc and zenity", rpm, got)
		}
	}
}

func TestTarball(t *testing.T) {
	dir := distDir(t)
	f, err := os.Open(one(t, dir, "*-linux-amd64.tar.gz"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	gz, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	tr := tar.NewReader(gz)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		names = append(names, h.Name)
		if strings.HasSuffix(h.Name, "/vncbridge") && h.Mode&0o111 == 0 {
			t.Errorf("%s is not executable", h.Name)
		}
	}
	hasAll(t, "the tarball", strings.Join(names, "\n")+"\n", []string{"/vncbridge\n", "/vncbridge.desktop", "/icons/256x256/vncbridge.png", "/doc/noVNC-LICENSE.txt"})
}

// The .deb for real: installed with dpkg, run, removed, and nothing left.
// It changes the machine, so only as root in CI (or VNCBRIDGE_DIST_INSTALL=1).
func TestDebInstallsRunsAndRemoves(t *testing.T) {
	dir := distDir(t)
	if runtime.GOARCH != "amd64" {
		t.Skip("the amd64 package installs on amd64 only")
	}
	if os.Geteuid() != 0 || os.Getenv("CI") == "" && os.Getenv("VNCBRIDGE_DIST_INSTALL") == "" {
		if os.Getenv("CI") != "" {
			t.Fatal("the CI runs as root, to install the .deb for real")
		}
		t.Skip("installs a package: only as root, in CI or with VNCBRIDGE_DIST_INSTALL=1")
	}
	testnet.RequireTools(t, "dpkg")
	if out, _ := exec.Command("dpkg-query", "-W", "-f=${Status}", "vncbridge").Output(); strings.Contains(string(out), "installed") {
		t.Fatal("vncbridge is already installed; this test would remove it")
	}
	websockifyBefore, _ := os.Readlink("/usr/bin/websockify")
	deb := one(t, dir, "*_amd64.deb")
	run(t, "dpkg", "-i", deb)
	t.Cleanup(func() { exec.Command("dpkg", "-r", "vncbridge").Run() })

	if out := run(t, "/usr/bin/vncbridge", "--version"); !strings.HasPrefix(out, "vncbridge ") {
		t.Errorf("--version: %q", out)
	}
	// A Debian websockify's plain file is left alone; where there is none,
	// the websockify command is vncbridge.
	if fi, err := os.Lstat("/usr/bin/websockify"); err == nil && fi.Mode()&os.ModeSymlink == 0 {
		if l, _ := os.Readlink("/usr/bin/websockify"); l != websockifyBefore {
			t.Errorf("/usr/bin/websockify changed")
		}
	}
	// The proxy through the installed binary.
	target := testnet.Echo(t)
	addr := fmt.Sprintf("127.0.0.1:%d", testnet.FreePort(t))
	cmd := exec.Command("/usr/bin/vncbridge", "proxy", "--run-once", addr, target)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	echoThrough(t, addr, "through the installed package")
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("the installed proxy: %v\n%s", err, stderr.String())
		}
	case <-time.After(10 * time.Second):
		t.Fatal("--run-once did not end after the session")
	}

	run(t, "dpkg", "-r", "vncbridge")
	for _, p := range linuxFiles {
		if _, err := os.Stat(p); err == nil {
			t.Errorf("%s is left after dpkg -r", p)
		}
	}
	if l, err := os.Readlink("/usr/bin/websockify"); err == nil && strings.Contains(l, "alternatives") {
		if target, _ := filepath.EvalSymlinks("/usr/bin/websockify"); strings.Contains(target, "vncbridge") {
			t.Errorf("the websockify alternative still points to vncbridge")
		}
	}
}

// echoThrough waits for addr to listen and checks an echo through it.
func echoThrough(t *testing.T, addr, msg string) {
	t.Helper()
	var conn net.Conn
	testnet.WaitFor(t, addr+" to listen", func() bool {
		var err error
		conn, err = net.Dial("tcp", addr)
		return err == nil
	})
	testnet.EchoThrough(t, conn, msg)
}

// Windows resource types.
const (
	rtGroupIcon = 14
	rtVersion   = 16
	rtManifest  = 24
)

// resourceTypes lists the resource types in a PE file's .rsrc section.
func resourceTypes(t *testing.T, f *pe.File) []int {
	t.Helper()
	s := f.Section(".rsrc")
	if s == nil {
		t.Fatal("no .rsrc section")
	}
	data, err := s.Data()
	if err != nil || len(data) < 16 {
		t.Fatalf(".rsrc: %v", err)
	}
	named := int(binary.LittleEndian.Uint16(data[12:]))
	ids := int(binary.LittleEndian.Uint16(data[14:]))
	var types []int
	for i := range named + ids {
		off := 16 + 8*i
		if off+8 > len(data) {
			t.Fatal(".rsrc directory runs past its section")
		}
		name := binary.LittleEndian.Uint32(data[off:])
		if name&0x80000000 == 0 {
			types = append(types, int(name))
		}
	}
	return types
}

func subsystem(f *pe.File) uint16 {
	switch h := f.OptionalHeader.(type) {
	case *pe.OptionalHeader64:
		return h.Subsystem
	case *pe.OptionalHeader32:
		return h.Subsystem
	}
	return 0
}

// utf16 is s as the UTF-16LE bytes of a version resource.
func utf16(s string) []byte {
	var b []byte
	for _, r := range s {
		b = append(b, byte(r), byte(r>>8))
	}
	return b
}

func TestWindowsExecutables(t *testing.T) {
	dir := distDir(t)
	z, err := zip.OpenReader(one(t, dir, "*-windows-amd64.zip"))
	if err != nil {
		t.Fatal(err)
	}
	defer z.Close()
	want := map[string]uint16{"vncbridge.exe": pe.IMAGE_SUBSYSTEM_WINDOWS_GUI, "vncbridge-cli.exe": pe.IMAGE_SUBSYSTEM_WINDOWS_CUI}
	for name, sub := range want {
		rc, err := z.Open(name)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		b, _ := io.ReadAll(rc)
		rc.Close()
		f, err := pe.NewFile(bytes.NewReader(b))
		if err != nil {
			t.Fatalf("%s is not a PE file: %v", name, err)
		}
		if f.Machine != pe.IMAGE_FILE_MACHINE_AMD64 {
			t.Errorf("%s: machine %#x", name, f.Machine)
		}
		if got := subsystem(f); got != sub {
			t.Errorf("%s: subsystem %d, want %d (2 GUI: no console; 3 console)", name, got, sub)
		}
		types := resourceTypes(t, f)
		for _, rt := range []int{rtGroupIcon, rtVersion, rtManifest} {
			if !slices.Contains(types, rt) {
				t.Errorf("%s: no resource of type %d among %v", name, rt, types)
			}
		}
		if !bytes.Contains(b, utf16("ProductName")) || !bytes.Contains(b, utf16(name)) {
			t.Errorf("%s: the version resource does not name the product and the file", name)
		}
	}
}

func TestWindowsInstaller(t *testing.T) {
	dir := distDir(t)
	setup := one(t, dir, "*-windows-amd64-setup.exe")
	b, err := os.ReadFile(setup)
	if err != nil {
		t.Fatal(err)
	}
	f, err := pe.NewFile(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("the installer is not a PE file: %v", err)
	}
	if f.Machine != pe.IMAGE_FILE_MACHINE_AMD64 {
		t.Errorf("installer machine %#x, want amd64 (the program is 64-bit)", f.Machine)
	}
	if subsystem(f) != pe.IMAGE_SUBSYSTEM_WINDOWS_GUI {
		t.Errorf("installer subsystem %d", subsystem(f))
	}
	if !bytes.Contains(b, []byte("NullsoftInst")) {
		t.Error("no NSIS data in the installer")
	}
	if !slices.Contains(resourceTypes(t, f), rtVersion) {
		t.Error("the installer has no version resource")
	}
}

// plist reads a flat <dict> of an Info.plist: strings and booleans.
func plist(t *testing.T, b []byte) map[string]string {
	t.Helper()
	d := xml.NewDecoder(bytes.NewReader(b))
	d.Strict = false
	out := map[string]string{}
	var key string
	inKey := false
	for {
		tok, err := d.Token()
		if err == io.EOF {
			return out
		}
		if err != nil {
			t.Fatalf("Info.plist: %v", err)
		}
		switch v := tok.(type) {
		case xml.StartElement:
			switch v.Name.Local {
			case "key":
				inKey = true
			case "true", "false":
				out[key] = v.Name.Local
			}
		case xml.CharData:
			if inKey {
				key = string(v)
			} else if key != "" && strings.TrimSpace(string(v)) != "" {
				out[key] = string(v)
			}
		case xml.EndElement:
			if v.Name.Local == "key" {
				inKey = false
			}
		}
	}
}

func TestMacApp(t *testing.T) {
	dir := distDir(t)
	for arch, cpu := range map[string]macho.Cpu{"amd64": macho.CpuAmd64, "arm64": macho.CpuArm64} {
		z, err := zip.OpenReader(one(t, dir, "*-macos-"+arch+"*.app.zip"))
		if err != nil {
			t.Fatal(err)
		}
		files := map[string][]byte{}
		for _, f := range z.File {
			rc, _ := f.Open()
			files[f.Name], _ = io.ReadAll(rc)
			rc.Close()
			if f.Name == "vncbridge.app/Contents/MacOS/vncbridge" && f.Mode()&0o111 == 0 {
				t.Errorf("%s: the binary is not executable", arch)
			}
		}
		z.Close()
		info := plist(t, files["vncbridge.app/Contents/Info.plist"])
		for k, v := range map[string]string{"CFBundleExecutable": "vncbridge", "CFBundleIdentifier": "net.vncbridge.vncbridge",
			"CFBundleIconFile": "vncbridge", "CFBundlePackageType": "APPL", "LSUIElement": "true"} {
			if info[k] != v {
				t.Errorf("%s: Info.plist %s = %q, want %q", arch, k, info[k], v)
			}
		}
		if info["CFBundleShortVersionString"] == "" {
			t.Errorf("%s: no version in Info.plist", arch)
		}
		m, err := macho.NewFile(bytes.NewReader(files["vncbridge.app/Contents/MacOS/vncbridge"]))
		if err != nil {
			t.Fatalf("%s: the binary is not Mach-O: %v", arch, err)
		}
		if m.Cpu != cpu {
			t.Errorf("%s: Mach-O for %v", arch, m.Cpu)
		}
		if icns := files["vncbridge.app/Contents/Resources/vncbridge.icns"]; len(icns) < 8 || string(icns[:4]) != "icns" ||
			int(binary.BigEndian.Uint32(icns[4:])) != len(icns) {
			t.Errorf("%s: Resources/vncbridge.icns is not an ICNS file", arch)
		}
		if len(files["vncbridge.app/Contents/Resources/noVNC-LICENSE.txt"]) == 0 {
			t.Errorf("%s: the app lacks noVNC's licence", arch)
		}
	}
}
