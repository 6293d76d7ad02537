package icons

import (
	"bytes"
	"encoding/binary"
	"encoding/xml"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strconv"
	"testing"
)

var (
	allStates    = []State{Idle, Sharing, Error, Warning, Network}
	traySizes    = []int{16, 22, 24, 32, 48, 64}
	trayICOSizes = []int{16, 24, 32, 48, 64}
	appICOSizes  = []int{16, 32, 48, 256}
)

func decodePNG(t *testing.T, name string, data []byte) *image.NRGBA {
	t.Helper()
	if len(data) == 0 {
		t.Fatalf("%s: no bytes", name)
	}
	img, err := png.Decode(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return toNRGBA(img)
}

func toNRGBA(img image.Image) *image.NRGBA {
	if n, ok := img.(*image.NRGBA); ok {
		return n
	}
	b := img.Bounds()
	out := image.NewNRGBA(b)
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			out.Set(x, y, img.At(x, y))
		}
	}
	return out
}

func readPNG(t *testing.T, name string) *image.NRGBA {
	t.Helper()
	data, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	return decodePNG(t, name, data)
}

func wantSize(t *testing.T, name string, img image.Image, n int) {
	t.Helper()
	if b := img.Bounds(); b.Dx() != n || b.Dy() != n {
		t.Errorf("%s is %dx%d, want %dx%d", name, b.Dx(), b.Dy(), n, n)
	}
}

// samePixels reports the first pixel where a and b differ.
func samePixels(a, b *image.NRGBA) error {
	if a.Bounds().Size() != b.Bounds().Size() {
		return fmt.Errorf("sizes %v and %v", a.Bounds().Size(), b.Bounds().Size())
	}
	for y := 0; y < a.Bounds().Dy(); y++ {
		for x := 0; x < a.Bounds().Dx(); x++ {
			ca := a.NRGBAAt(a.Bounds().Min.X+x, a.Bounds().Min.Y+y)
			cb := b.NRGBAAt(b.Bounds().Min.X+x, b.Bounds().Min.Y+y)
			if ca != cb {
				return fmt.Errorf("pixel (%d,%d): %v and %v", x, y, ca, cb)
			}
		}
	}
	return nil
}

// differing counts the pixels where a and b differ.
func differing(a, b *image.NRGBA) int {
	n := 0
	for i := 0; i+3 < len(a.Pix) && i+3 < len(b.Pix); i += 4 {
		if !bytes.Equal(a.Pix[i:i+4], b.Pix[i:i+4]) {
			n++
		}
	}
	return n
}

// TestPNGFiles checks that every PNG here decodes at the size its name
// gives, and that every file the packaging scripts rely on is there.
func TestPNGFiles(t *testing.T) {
	sized := regexp.MustCompile(`^(?:tray-(?:idle|sharing|error|warning|network)|template-(?:idle|sharing|error|warning|network)|app)-(\d+)\.png$`)
	names, err := filepath.Glob("*.png")
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range names {
		m := sized.FindStringSubmatch(name)
		if m == nil {
			t.Errorf("%s: name gives no state and size", name)
			continue
		}
		n, _ := strconv.Atoi(m[1])
		wantSize(t, name, readPNG(t, name), n)
	}

	var want []string
	for _, s := range allStates {
		for _, n := range traySizes {
			want = append(want, fmt.Sprintf("tray-%s-%d.png", s, n))
		}
		want = append(want, fmt.Sprintf("template-%s-22.png", s), fmt.Sprintf("template-%s-44.png", s), fmt.Sprintf("tray-%s.ico", s))
	}
	for _, n := range appSizes {
		want = append(want, fmt.Sprintf("app-%d.png", n))
	}
	want = append(want, "vncbridge.ico", "vncbridge.icns", "vncbridge.svg")
	for _, name := range want {
		if _, err := os.Stat(name); err != nil {
			t.Errorf("missing: %v", err)
		}
	}
}

// TestTrayStates checks that the five states look different at every
// size, and in the colours they promise: the sharing icon has a green
// screen, the error icon a red one, the idle icon neither.
func TestTrayStates(t *testing.T) {
	for _, n := range traySizes {
		imgs := map[State]*image.NRGBA{}
		for _, s := range allStates {
			imgs[s] = readPNG(t, fmt.Sprintf("tray-%s-%d.png", s, n))
		}
		for i, a := range allStates {
			for _, b := range allStates[i+1:] {
				// The screen is a good part of the icon: a tenth of the
				// pixels at least must differ.
				if d := differing(imgs[a], imgs[b]); d < n*n/10 {
					t.Errorf("%d px: %v and %v differ in %d pixels only", n, a, b, d)
				}
			}
		}
		hue := func(img *image.NRGBA) (green, red int) {
			for i := 0; i < len(img.Pix); i += 4 {
				r, g, b, a := int(img.Pix[i]), int(img.Pix[i+1]), int(img.Pix[i+2]), img.Pix[i+3]
				if a != 0xff {
					continue
				}
				if g > r+60 && g > b+60 {
					green++
				}
				if r > g+60 && r > b+60 {
					red++
				}
			}
			return green, red
		}
		quarter := n * n / 4
		if g, r := hue(imgs[Idle]); g != 0 || r != 0 {
			t.Errorf("%d px: idle has %d green and %d red pixels, want none", n, g, r)
		}
		if g, r := hue(imgs[Sharing]); g < quarter || r != 0 {
			t.Errorf("%d px: sharing has %d green (want %d at least) and %d red pixels", n, g, quarter, r)
		}
		if g, r := hue(imgs[Error]); r < quarter || g != 0 {
			t.Errorf("%d px: error has %d red (want %d at least) and %d green pixels", n, r, quarter, g)
		}
		amber := 0
		for i := 0; i < len(imgs[Warning].Pix); i += 4 {
			p := imgs[Warning].Pix[i : i+4]
			if r, g, b := int(p[0]), int(p[1]), int(p[2]); p[3] == 0xff && r > b+120 && g > b+80 && r > g+30 {
				amber++
			}
		}
		if amber < quarter {
			t.Errorf("%d px: warning has %d amber pixels, want %d at least", n, amber, quarter)
		}
		blue := 0
		for i := 0; i < len(imgs[Network].Pix); i += 4 {
			p := imgs[Network].Pix[i : i+4]
			if r, g, b := int(p[0]), int(p[1]), int(p[2]); p[3] == 0xff && b > r+120 && b > g+60 {
				blue++
			}
		}
		if blue < quarter {
			t.Errorf("%d px: network has %d blue pixels, want %d at least", n, blue, quarter)
		}
	}
}

// TestTemplates checks the macOS templates: black with alpha only, a shape
// with solid and clear parts, the states told apart.
func TestTemplates(t *testing.T) {
	for _, n := range []int{22, 44} {
		imgs := map[State]*image.NRGBA{}
		for _, s := range allStates {
			name := fmt.Sprintf("template-%s-%d.png", s, n)
			img := readPNG(t, name)
			imgs[s] = img
			var solid, clear int
			for i := 0; i < len(img.Pix); i += 4 {
				r, g, b, a := img.Pix[i], img.Pix[i+1], img.Pix[i+2], img.Pix[i+3]
				if a != 0 && (r != 0 || g != 0 || b != 0) {
					t.Fatalf("%s: pixel %d is %v, want black or clear", name, i/4, img.Pix[i:i+4])
				}
				switch a {
				case 0xff:
					solid++
				case 0:
					clear++
				}
			}
			if solid < n*n/8 || clear < n*n/4 {
				t.Errorf("%s: %d solid and %d clear pixels; want a shape on a clear ground", name, solid, clear)
			}
		}
		for i, a := range allStates {
			for _, b := range allStates[i+1:] {
				if d := differing(imgs[a], imgs[b]); d < n*n/50 {
					t.Errorf("%d px: templates %v and %v differ in %d pixels only", n, a, b, d)
				}
			}
		}
	}
}

// icoImage is one image of an ICO file as a reader sees it.
type icoImage struct {
	w, h int // from the directory entry
	png  bool
	img  *image.NRGBA
}

// parseICO reads an ICO file, checking its directory and decoding each
// image, PNG or BMP.
func parseICO(data []byte) ([]icoImage, error) {
	le := binary.LittleEndian
	if len(data) < 6 {
		return nil, fmt.Errorf("%d bytes: no ICONDIR", len(data))
	}
	if r, typ := le.Uint16(data), le.Uint16(data[2:]); r != 0 || typ != 1 {
		return nil, fmt.Errorf("ICONDIR reserved %d type %d, want 0 and 1", r, typ)
	}
	count := int(le.Uint16(data[4:]))
	dirEnd := 6 + 16*count
	if count == 0 || len(data) < dirEnd {
		return nil, fmt.Errorf("%d entries in %d bytes", count, len(data))
	}
	var out []icoImage
	prevEnd := dirEnd
	for i := range count {
		e := data[6+16*i:]
		w, h := int(e[0]), int(e[1])
		if w == 0 {
			w = 256
		}
		if h == 0 {
			h = 256
		}
		planes, bpp := le.Uint16(e[4:]), le.Uint16(e[6:])
		size, off := int(le.Uint32(e[8:])), int(le.Uint32(e[12:]))
		if planes != 1 || bpp != 32 || e[2] != 0 || e[3] != 0 {
			return nil, fmt.Errorf("entry %d: planes %d bpp %d colours %d reserved %d", i, planes, bpp, e[2], e[3])
		}
		// Images follow the directory, in order, without overlapping.
		if off < prevEnd || size <= 0 || off+size > len(data) {
			return nil, fmt.Errorf("entry %d: %d bytes at %d, outside %d..%d", i, size, off, prevEnd, len(data))
		}
		prevEnd = off + size
		body := data[off : off+size]
		im := icoImage{w: w, h: h}
		if bytes.HasPrefix(body, []byte("\x89PNG\r\n\x1a\n")) {
			img, err := png.Decode(bytes.NewReader(body))
			if err != nil {
				return nil, fmt.Errorf("entry %d: %v", i, err)
			}
			im.png, im.img = true, toNRGBA(img)
		} else {
			img, err := parseICOBMP(body, w, h)
			if err != nil {
				return nil, fmt.Errorf("entry %d: %v", i, err)
			}
			im.img = img
		}
		if b := im.img.Bounds(); b.Dx() != w || b.Dy() != h {
			return nil, fmt.Errorf("entry %d: says %dx%d, image is %dx%d", i, w, h, b.Dx(), b.Dy())
		}
		out = append(out, im)
	}
	if prevEnd != len(data) {
		return nil, fmt.Errorf("%d bytes after the last image", len(data)-prevEnd)
	}
	return out, nil
}

// parseICOBMP decodes the 32-bit BMP form of an ICO image and checks that
// its AND mask marks exactly the clear pixels.
func parseICOBMP(b []byte, w, h int) (*image.NRGBA, error) {
	le := binary.LittleEndian
	if len(b) < 40 || le.Uint32(b) != 40 {
		return nil, fmt.Errorf("no BITMAPINFOHEADER")
	}
	bw, bh := int(int32(le.Uint32(b[4:]))), int(int32(le.Uint32(b[8:])))
	planes, bpp, comp := le.Uint16(b[12:]), le.Uint16(b[14:]), le.Uint32(b[16:])
	if bw != w || bh != 2*h || planes != 1 || bpp != 32 || comp != 0 {
		return nil, fmt.Errorf("header %dx%d planes %d bpp %d compression %d, want %dx%d 1 32 0", bw, bh, planes, bpp, comp, w, 2*h)
	}
	maskStride := (w + 31) / 32 * 4
	if want := 40 + w*h*4 + maskStride*h; len(b) != want {
		return nil, fmt.Errorf("%d bytes, want %d", len(b), want)
	}
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	pix := b[40:]
	mask := b[40+w*h*4:]
	for row := range h {
		y := h - 1 - row // bottom-up
		for x := range w {
			p := pix[(row*w+x)*4:]
			c := color.NRGBA{R: p[2], G: p[1], B: p[0], A: p[3]}
			img.SetNRGBA(x, y, c)
			clear := mask[row*maskStride+x/8]&(0x80>>(x%8)) != 0
			if clear != (c.A == 0) {
				return nil, fmt.Errorf("pixel (%d,%d): alpha %d but mask bit %v", x, y, c.A, clear)
			}
		}
	}
	return img, nil
}

// TestICO checks the Windows icons: the promised sizes, small ones as BMP,
// 256 px as PNG, each image the same as the PNG file of that size.
func TestICO(t *testing.T) {
	check := func(name string, sizes []int, png func(int) string) {
		data, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		imgs, err := parseICO(data)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		var got []int
		for _, im := range imgs {
			got = append(got, im.w)
			if im.png != (im.w == 256) {
				t.Errorf("%s: %d px image stored as PNG: %v", name, im.w, im.png)
			}
			if err := samePixels(im.img, readPNG(t, png(im.w))); err != nil {
				t.Errorf("%s: %d px image differs from %s: %v", name, im.w, png(im.w), err)
			}
		}
		if !slices.Equal(got, sizes) {
			t.Errorf("%s holds sizes %v, want %v", name, got, sizes)
		}
	}
	for _, s := range allStates {
		check(fmt.Sprintf("tray-%s.ico", s), trayICOSizes, func(n int) string { return fmt.Sprintf("tray-%s-%d.png", s, n) })
	}
	check("vncbridge.ico", appICOSizes, func(n int) string { return fmt.Sprintf("app-%d.png", n) })
}

// icnsPixels is the pixel size of the PNG each ICNS element type holds.
var icnsPixels = map[string]int{
	"icp4": 16, "icp5": 32, "icp6": 64, "ic07": 128, "ic08": 256, "ic09": 512,
	"ic10": 1024, "ic11": 32, "ic12": 64, "ic13": 256, "ic14": 512,
}

// TestICNS checks the macOS application icon: the header's length is the
// file's, the elements tile the file exactly, and each is a PNG of the size
// its type stands for, the same picture as app-<size>.png where there is one.
func TestICNS(t *testing.T) {
	data, err := os.ReadFile("vncbridge.icns")
	if err != nil {
		t.Fatal(err)
	}
	be := binary.BigEndian
	if len(data) < 8 || string(data[:4]) != "icns" {
		t.Fatalf("no icns header: % x", data[:min(8, len(data))])
	}
	if n := int(be.Uint32(data[4:])); n != len(data) {
		t.Fatalf("header says %d bytes, file has %d", n, len(data))
	}
	var types []string
	for off := 8; off < len(data); {
		if off+8 > len(data) {
			t.Fatalf("element header at %d cut short", off)
		}
		typ, n := string(data[off:off+4]), int(be.Uint32(data[off+4:]))
		if n < 8 || off+n > len(data) {
			t.Fatalf("element %q at %d: length %d outside the file", typ, off, n)
		}
		px, ok := icnsPixels[typ]
		if !ok {
			t.Fatalf("element type %q unknown", typ)
		}
		img := decodePNG(t, typ, data[off+8:off+n])
		wantSize(t, typ, img, px)
		if px <= 512 {
			if err := samePixels(img, readPNG(t, fmt.Sprintf("app-%d.png", px))); err != nil {
				t.Errorf("%s differs from app-%d.png: %v", typ, px, err)
			}
		}
		types = append(types, typ)
		off += n
	}
	want := []string{"icp4", "icp5", "ic11", "ic12", "ic07", "ic13", "ic08", "ic14", "ic09", "ic10"}
	if !slices.Equal(types, want) {
		t.Errorf("elements %v, want %v", types, want)
	}
}

// TestAPI checks what the package hands out.
func TestAPI(t *testing.T) {
	for _, s := range allStates {
		// Tray on this machine, and for each kind of platform.
		data := Tray(s)
		if len(data) == 0 {
			t.Fatalf("Tray(%v) is empty", s)
		}
		if _, err := parseICO(trayFor("windows", s)); err != nil {
			t.Errorf("Tray(%v) on windows: %v", s, err)
		}
		for _, goos := range []string{"linux", "darwin", "freebsd"} {
			wantSize(t, "Tray on "+goos, decodePNG(t, "Tray on "+goos, trayFor(goos, s)), 64)
		}
		if want := trayFor("windows", s); (runtime.GOOS == "windows") != bytes.Equal(data, want) {
			t.Errorf("Tray(%v) on %s: ICO %v", s, runtime.GOOS, bytes.Equal(data, want))
		}
		tmpl := decodePNG(t, "Template", Template(s))
		wantSize(t, "Template", tmpl, 44)
		disk, err := os.ReadFile(fmt.Sprintf("template-%s-44.png", s))
		if err != nil || !bytes.Equal(disk, Template(s)) {
			t.Errorf("Template(%v) is not template-%v-44.png (%v)", s, s, err)
		}
	}
	if !bytes.Equal(Tray(State(7)), Tray(Idle)) || !bytes.Equal(Template(-1), Template(Idle)) {
		t.Error("an unknown state does not give the idle icon")
	}
	if bytes.Equal(Tray(Idle), Tray(Sharing)) || bytes.Equal(Template(Sharing), Template(Error)) {
		t.Error("states share an icon")
	}
	for _, c := range []struct{ ask, want int }{
		{-5, 16}, {0, 16}, {1, 16}, {16, 16}, {17, 32}, {32, 32}, {40, 48}, {64, 64},
		{100, 128}, {200, 256}, {256, 256}, {300, 512}, {512, 512}, {1024, 512},
	} {
		wantSize(t, fmt.Sprintf("App(%d)", c.ask), decodePNG(t, "App", App(c.ask)), c.want)
	}
	for _, s := range allStates {
		if got := s.String(); !regexp.MustCompile(`^(idle|sharing|error|warning|network)$`).MatchString(got) {
			t.Errorf("State(%d) is %q", int(s), got)
		}
	}
}

// TestSVG checks that vncbridge.svg is a well-formed SVG document of the
// application icon: 512 px square, made of filled paths, its gradients
// defined.
func TestSVG(t *testing.T) {
	data, err := os.ReadFile("vncbridge.svg")
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		XMLName xml.Name
		Width   string `xml:"width,attr"`
		Height  string `xml:"height,attr"`
		ViewBox string `xml:"viewBox,attr"`
		Grads   []struct {
			ID string `xml:"id,attr"`
		} `xml:"defs>linearGradient"`
		Paths []struct {
			Fill string `xml:"fill,attr"`
			D    string `xml:"d,attr"`
		} `xml:"path"`
	}
	if err := xml.Unmarshal(data, &doc); err != nil {
		t.Fatal(err)
	}
	if doc.XMLName.Space != "http://www.w3.org/2000/svg" || doc.XMLName.Local != "svg" {
		t.Errorf("root element %v", doc.XMLName)
	}
	if doc.Width != "512" || doc.Height != "512" || doc.ViewBox != "0 0 512 512" {
		t.Errorf("size %s x %s, viewBox %q", doc.Width, doc.Height, doc.ViewBox)
	}
	if len(doc.Paths) < 4 {
		t.Errorf("%d paths, want the tile, the monitor, the screen and the arrow", len(doc.Paths))
	}
	ids := map[string]bool{}
	for _, g := range doc.Grads {
		ids[g.ID] = true
	}
	paint := regexp.MustCompile(`^(#[0-9a-f]{6}|url\(#(\w+)\))$`)
	path := regexp.MustCompile(`^(M[-0-9. ]+([LC][-0-9. ]+)*Z)+$`)
	for i, p := range doc.Paths {
		m := paint.FindStringSubmatch(p.Fill)
		if m == nil || (m[2] != "" && !ids[m[2]]) {
			t.Errorf("path %d: fill %q", i, p.Fill)
		}
		if !path.MatchString(p.D) {
			t.Errorf("path %d: data %.60q", i, p.D)
		}
	}
}
