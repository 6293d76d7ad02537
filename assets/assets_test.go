package assets

import (
	"bytes"
	"image/png"
	"io/fs"
	"os"
	"os/exec"
	"strings"
	"testing"

	"vncbridge/internal/testnet"
)

func TestWebHoldsTheViewer(t *testing.T) {
	web := Web()
	for _, name := range []string{"index.html", "vnc.html", "vncbridge.js", "vncbridge.css"} {
		if _, err := fs.Stat(web, name); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
	page, _ := fs.ReadFile(web, "vnc.html")
	for _, ref := range []string{`src="vncbridge.js"`, `href="vncbridge.css"`} {
		if !strings.Contains(string(page), ref) {
			t.Errorf("vnc.html does not load %s", ref)
		}
	}
	script, _ := fs.ReadFile(web, "vncbridge.js")
	if !strings.Contains(string(script), `import("./novnc/core/rfb.js")`) {
		t.Error("vncbridge.js does not load the library from novnc/core/rfb.js")
	}
}

// The library is in every build made with make build; CI always has it.
func TestNoVNCLibraryAndLicence(t *testing.T) {
	if !HasNoVNC() {
		if os.Getenv("CI") != "" {
			t.Fatal("the noVNC library is missing: make build runs make assets first")
		}
		t.Skip("built without make assets: the noVNC library is not embedded (CI fails here instead)")
	}
	for _, name := range []string{"novnc/core/rfb.js", "novnc/LICENSE.txt", "novnc/docs/LICENSE.MPL-2.0", "novnc/vendor/pako"} {
		if _, err := fs.Stat(Web(), name); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
	licence, _ := fs.ReadFile(Web(), "novnc/LICENSE.txt")
	if !strings.Contains(string(licence), "MPL") && !strings.Contains(string(licence), "Mozilla Public License") {
		t.Error("novnc/LICENSE.txt does not hold noVNC's licence")
	}
}

// The viewer's script must at least parse as an ES module.
func TestViewerScriptParses(t *testing.T) {
	node := testnet.RequireTools(t, "node")
	script, _ := fs.ReadFile(Web(), "vncbridge.js")
	cmd := exec.Command(node, "--input-type=module", "--check")
	cmd.Stdin = strings.NewReader(string(script))
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("vncbridge.js: %v\n%s", err, out)
	}
}

func TestFavicon(t *testing.T) {
	b, err := fs.ReadFile(Web(), "favicon.png")
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(b))
	if err != nil || img.Bounds().Dx() != 32 {
		t.Fatalf("favicon.png: %v %v", img, err)
	}
	fi, err := fs.Stat(Web(), "favicon.png")
	if err != nil || fi.Size() != int64(len(b)) || fi.IsDir() {
		t.Fatalf("stat: %v %v", fi, err)
	}
	for _, page := range []string{"index.html", "vnc.html"} {
		html, _ := fs.ReadFile(Web(), page)
		if !bytes.Contains(html, []byte(`href="favicon.png"`)) {
			t.Errorf("%s does not name the favicon", page)
		}
	}
}
