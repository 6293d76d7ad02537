// Command gen draws vncbridge's icons and writes every icon file that the
// program and its installers use into assets/icons. The outputs are
// committed, so a build never needs to run it; run it after changing the
// design, from the repository root:
//
//	go run ./assets/icons/gen
//
// The icons are drawn in code from a few vector shapes (design.go) with
// golang.org/x/image/vector's anti-aliasing rasterizer, and encoded as PNG,
// ICO (ico.go) and ICNS (icns.go). The output is deterministic: the same
// code gives the same bytes, which assets/icons' tests check against the
// committed files.
//
// Files written (state is idle, sharing or error):
//
//	tray-<state>-<16|22|24|32|48|64>.png  tray icon (Linux, macOS colour)
//	tray-<state>.ico                      tray icon for Windows (16-64 px)
//	template-<state>-<22|44>.png          macOS menu-bar template, 22 pt @1x/@2x
//	app-<16|32|48|64|128|256|512>.png     application icon
//	vncbridge.ico                         application icon for Windows (16-256 px)
//	vncbridge.icns                        application icon for macOS (16-1024 px)
//	vncbridge.svg                         application icon as SVG (the 512 px drawing)
package main

import (
	"bytes"
	"flag"
	"fmt"
	"image"
	"os"
	"path/filepath"
	"sort"
)

var (
	traySizes    = []int{16, 22, 24, 32, 48, 64}
	trayICOSizes = []int{16, 24, 32, 48, 64}
	appSizes     = []int{16, 32, 48, 64, 128, 256, 512}
	appICOSizes  = []int{16, 32, 48, 256}
)

func main() {
	out := flag.String("out", "assets/icons", "directory to write the icon files into")
	flag.Parse()
	if err := generate(*out); err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
}

// generate writes all icon files into dir, which must exist.
func generate(dir string) error {
	files, err := render()
	if err != nil {
		return err
	}
	names := make([]string, 0, len(files))
	for name := range files {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		if err := os.WriteFile(filepath.Join(dir, name), files[name], 0o644); err != nil {
			return err
		}
	}
	return nil
}

// render draws every icon and returns the files' contents by name.
func render() (map[string][]byte, error) {
	files := map[string][]byte{}
	encode := func(name string, img image.Image) ([]byte, error) {
		var buf bytes.Buffer
		if err := pngEncoder.Encode(&buf, img); err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		files[name] = buf.Bytes()
		return buf.Bytes(), nil
	}

	for _, st := range states {
		bySize := map[int]*image.NRGBA{}
		for _, n := range traySizes {
			bySize[n] = drawTray(n, st)
			if _, err := encode(fmt.Sprintf("tray-%s-%d.png", st.name, n), bySize[n]); err != nil {
				return nil, err
			}
		}
		var imgs []*image.NRGBA
		for _, n := range trayICOSizes {
			imgs = append(imgs, bySize[n])
		}
		ico, err := encodeICO(imgs)
		if err != nil {
			return nil, err
		}
		files["tray-"+st.name+".ico"] = ico
		for _, scale := range []int{1, 2} {
			name := fmt.Sprintf("template-%s-%d.png", st.name, 22*scale)
			if _, err := encode(name, drawTemplate(scale, st)); err != nil {
				return nil, err
			}
		}
	}

	// The application icon, each size drawn once and encoded once.
	appImg := map[int]*image.NRGBA{}
	appPNG := map[int][]byte{}
	app := func(n int) (*image.NRGBA, []byte, error) {
		if appImg[n] == nil {
			appImg[n] = drawApp(n)
			var buf bytes.Buffer
			if err := pngEncoder.Encode(&buf, appImg[n]); err != nil {
				return nil, nil, err
			}
			appPNG[n] = buf.Bytes()
		}
		return appImg[n], appPNG[n], nil
	}
	for _, n := range appSizes {
		_, data, err := app(n)
		if err != nil {
			return nil, err
		}
		files[fmt.Sprintf("app-%d.png", n)] = data
	}
	var imgs []*image.NRGBA
	for _, n := range appICOSizes {
		img, _, err := app(n)
		if err != nil {
			return nil, err
		}
		imgs = append(imgs, img)
	}
	ico, err := encodeICO(imgs)
	if err != nil {
		return nil, err
	}
	files["vncbridge.ico"] = ico
	var chunks []icnsChunk
	for _, t := range icnsTypes {
		_, data, err := app(t.px)
		if err != nil {
			return nil, err
		}
		chunks = append(chunks, icnsChunk{t.typ, data})
	}
	icns, err := encodeICNS(chunks)
	if err != nil {
		return nil, err
	}
	files["vncbridge.icns"] = icns
	files["vncbridge.svg"] = drawAppSVG(512)
	return files, nil
}
