package main

import (
	"bytes"
	"encoding/binary"
	"image"
	"image/color"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"testing"
)

// TestCommittedFilesAreCurrent generates every icon into a temporary
// directory and compares it, byte for byte, with the committed file in
// assets/icons; it also finds committed icon files the generator no longer
// writes. When it fails, run go run ./assets/icons/gen and commit.
func TestCommittedFilesAreCurrent(t *testing.T) {
	dir := t.TempDir()
	if err := generate(dir); err != nil {
		t.Fatal(err)
	}
	made, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(made) == 0 {
		t.Fatal("the generator wrote nothing")
	}
	var names []string
	for _, e := range made {
		names = append(names, e.Name())
		want, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		got, err := os.ReadFile(filepath.Join("..", e.Name()))
		if err != nil {
			t.Errorf("%s is not committed: %v", e.Name(), err)
			continue
		}
		if !bytes.Equal(got, want) {
			if runtime.GOARCH != "amd64" {
				// Other architectures may fuse floating-point multiply-adds
				// (Go allows it), moving an anti-aliased edge by a shade.
				t.Skipf("%s differs on %s; the committed files are generated, and compared, on amd64", e.Name(), runtime.GOARCH)
			}
			at := 0
			for at < len(got) && at < len(want) && got[at] == want[at] {
				at++
			}
			t.Errorf("assets/icons/%s is stale (%d bytes, generator gives %d, first difference at byte %d): run go run ./assets/icons/gen", e.Name(), len(got), len(want), at)
		}
	}
	committed, err := os.ReadDir("..")
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range committed {
		n := e.Name()
		ext := filepath.Ext(n)
		if (ext == ".png" || ext == ".ico" || ext == ".icns" || ext == ".svg") && !slices.Contains(names, n) {
			t.Errorf("assets/icons/%s is not made by the generator any more", n)
		}
	}
}

// TestDeterministic renders twice and wants the same bytes: the committed
// files could not be checked otherwise.
func TestDeterministic(t *testing.T) {
	if testing.Short() {
		t.Skip("renders every icon twice; TestCommittedFilesAreCurrent covers amd64")
	}
	a, err := render()
	if err != nil {
		t.Fatal(err)
	}
	b, err := render()
	if err != nil {
		t.Fatal(err)
	}
	if len(a) != len(b) {
		t.Fatalf("%d and %d files", len(a), len(b))
	}
	for name := range a {
		if !bytes.Equal(a[name], b[name]) {
			t.Errorf("%s differs between two runs", name)
		}
	}
}

// TestEncodeICO checks the ICO encoder's bytes for a 2x1 image (BMP) and a
// 256 px one (PNG) against the format, field by field.
func TestEncodeICO(t *testing.T) {
	small := image.NewNRGBA(image.Rect(0, 0, 2, 1))
	small.SetNRGBA(0, 0, color.NRGBA{R: 1, G: 2, B: 3, A: 0})
	small.SetNRGBA(1, 0, color.NRGBA{R: 10, G: 20, B: 30, A: 200})
	big := image.NewNRGBA(image.Rect(0, 0, 256, 256))
	data, err := encodeICO([]*image.NRGBA{small, big})
	if err != nil {
		t.Fatal(err)
	}
	le := binary.LittleEndian
	u16 := func(off int) int { return int(le.Uint16(data[off:])) }
	u32 := func(off int) int { return int(le.Uint32(data[off:])) }
	if u16(0) != 0 || u16(2) != 1 || u16(4) != 2 {
		t.Fatalf("ICONDIR % x", data[:6])
	}
	// Entry 0: 2x1, 32 bpp, right after the directory.
	if data[6] != 2 || data[7] != 1 || data[8] != 0 || data[9] != 0 || u16(10) != 1 || u16(12) != 32 {
		t.Errorf("entry 0 % x", data[6:22])
	}
	size0, off0 := u32(14), u32(18)
	if off0 != 6+2*16 {
		t.Errorf("entry 0 at %d, want %d", off0, 6+2*16)
	}
	// BMP: 40-byte header, 2 pixels of 4 bytes, 1 mask row of 4 bytes.
	if size0 != 40+8+4 {
		t.Errorf("entry 0 is %d bytes, want 52", size0)
	}
	bmp := data[off0 : off0+size0]
	if le.Uint32(bmp) != 40 || le.Uint32(bmp[4:]) != 2 || le.Uint32(bmp[8:]) != 2 || le.Uint16(bmp[12:]) != 1 || le.Uint16(bmp[14:]) != 32 || le.Uint32(bmp[16:]) != 0 {
		t.Errorf("BITMAPINFOHEADER % x", bmp[:40])
	}
	if want := []byte{3, 2, 1, 0, 30, 20, 10, 200}; !bytes.Equal(bmp[40:48], want) {
		t.Errorf("pixels % x, want % x (BGRA, straight alpha)", bmp[40:48], want)
	}
	if want := []byte{0x80, 0, 0, 0}; !bytes.Equal(bmp[48:52], want) {
		t.Errorf("AND mask % x, want % x (the clear pixel set)", bmp[48:52], want)
	}
	// Entry 1: 256 written as 0, PNG data after entry 0's.
	e1 := data[22:38]
	if e1[0] != 0 || e1[1] != 0 || le.Uint16(e1[6:]) != 32 {
		t.Errorf("entry 1 % x", e1)
	}
	size1, off1 := int(le.Uint32(e1[8:])), int(le.Uint32(e1[12:]))
	if off1 != off0+size0 || off1+size1 != len(data) {
		t.Errorf("entry 1: %d bytes at %d in a file of %d", size1, off1, len(data))
	}
	if !bytes.HasPrefix(data[off1:], []byte("\x89PNG\r\n\x1a\n")) {
		t.Errorf("entry 1 is not a PNG: % x", data[off1:off1+8])
	}

	if _, err := encodeICO([]*image.NRGBA{image.NewNRGBA(image.Rect(0, 0, 257, 257))}); err == nil {
		t.Error("a 257 px image was accepted")
	}
}

// TestEncodeICNS checks the ICNS container's bytes exactly.
func TestEncodeICNS(t *testing.T) {
	got, err := encodeICNS([]icnsChunk{{"ic07", []byte("abc")}, {"ic08", nil}})
	if err != nil {
		t.Fatal(err)
	}
	want := []byte("icns\x00\x00\x00\x1b" + "ic07\x00\x00\x00\x0babc" + "ic08\x00\x00\x00\x08")
	if !bytes.Equal(got, want) {
		t.Errorf("got % x\nwant % x", got, want)
	}
	if _, err := encodeICNS([]icnsChunk{{"ic7", nil}}); err == nil {
		t.Error("a three-byte type was accepted")
	}
	for _, ty := range icnsTypes {
		if len(ty.typ) != 4 || ty.px < 16 || ty.px > 1024 {
			t.Errorf("icnsTypes: %q %d", ty.typ, ty.px)
		}
	}
}

// TestHole checks that an outline traversed backwards cuts a hole, that
// snapped edges are crisp and that curves are anti-aliased.
func TestHole(t *testing.T) {
	c := newCanvas(20, 1)
	c.fill(paint(black), func(p *pen) {
		p.rect(2, 2, 18, 18, 0, false)
		p.rect(6, 6, 14, 14, 0, true)
	})
	c.fill(paint(black), func(p *pen) { p.circle(4, 4, 1.5, false) })
	img := c.nrgba()
	alpha := func(x, y int) uint8 { return img.NRGBAAt(x, y).A }
	cases := []struct {
		x, y int
		want uint8
		what string
	}{
		{10, 10, 0, "inside the hole"},
		{3, 10, 0xff, "in the frame"},
		{1, 10, 0, "outside"},
		{2, 10, 0xff, "on the snapped edge"},
		{17, 17, 0xff, "in the frame's corner"},
	}
	for _, c := range cases {
		if got := alpha(c.x, c.y); got != c.want {
			t.Errorf("(%d,%d) %s: alpha %d, want %d", c.x, c.y, c.what, got, c.want)
		}
	}
	// The rounded corner of a reversed hole, drawn on its own.
	c = newCanvas(20, 1)
	c.fill(paint(black), func(p *pen) { p.rect(0, 0, 20, 20, 8, true) })
	if a := c.nrgba().NRGBAAt(10, 10).A; a != 0xff {
		t.Errorf("a lone reversed shape is not filled: alpha %d", a)
	}
	if a := c.nrgba().NRGBAAt(0, 0).A; a != 0 {
		t.Errorf("the rounded corner is filled: alpha %d", a)
	}
	partial := false
	for x := range 8 {
		if a := c.nrgba().NRGBAAt(x, 2).A; a != 0 && a != 0xff {
			partial = true
		}
	}
	if !partial {
		t.Error("no anti-aliased pixel along a rounded corner")
	}
}

// TestGrid checks the point grid: a 44 px template is the 22 pt design at
// scale 2, so each of its edges is twice the 22 px one's.
func TestGrid(t *testing.T) {
	a, b := newCanvas(22, 1), newCanvas(22, 2)
	for _, f := range []float64{0, 0.04, 0.12, 0.5, 0.72, 0.96, 1} {
		if 2*a.at(f) != b.at(f) {
			t.Errorf("at(%v): %v at 1x, %v at 2x", f, a.at(f), b.at(f))
		}
	}
	if got := a.span(0.01, 2); got != 2 {
		t.Errorf("span below its minimum: %v", got)
	}
	if got := b.span(0.01, 2); got != 4 {
		t.Errorf("span at 2x: %v, want 4", got)
	}
}
