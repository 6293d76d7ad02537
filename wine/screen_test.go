//go:build linux

package wine

import (
	"image"
	"image/png"
	"io"
	"log"
	"os"
	"path/filepath"
	"testing"

	"github.com/jezek/xgb"
	"github.com/jezek/xgb/xproto"
)

// screenshot is the whole Xvfb screen.
func screenshot(t *testing.T) *image.RGBA {
	t.Helper()
	xgb.Logger = log.New(io.Discard, "", 0) // it reports the missing ~/.Xauthority, which Xvfb does not need
	conn, err := xgb.NewConnDisplay(display)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	scr := xproto.Setup(conn).DefaultScreen(conn)
	w, h := int(scr.WidthInPixels), int(scr.HeightInPixels)
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	// In bands: one request is limited in size.
	for y := 0; y < h; y += 128 {
		bh := min(128, h-y)
		reply, err := xproto.GetImage(conn, xproto.ImageFormatZPixmap, xproto.Drawable(scr.Root),
			0, int16(y), uint16(w), uint16(bh), 0xffffffff).Reply()
		if err != nil {
			t.Fatal(err)
		}
		if len(reply.Data) < w*bh*4 {
			t.Fatalf("GetImage: %d bytes for %dx%d pixels", len(reply.Data), w, bh)
		}
		// BGRX on a 24-bit screen, into RGBA.
		pix := img.Pix[y*img.Stride : (y+bh)*img.Stride]
		for i := 0; i < w*bh*4; i += 4 {
			pix[i], pix[i+1], pix[i+2], pix[i+3] = reply.Data[i+2], reply.Data[i+1], reply.Data[i], 255
		}
	}
	return img
}

// saveScreenshot keeps a screenshot beside the test's logs when
// WINE_ARTIFACTS names a directory.
func saveScreenshot(t *testing.T, img image.Image, name string) {
	dir := os.Getenv("WINE_ARTIFACTS")
	if dir == "" {
		return
	}
	os.MkdirAll(dir, 0o755)
	f, err := os.Create(filepath.Join(dir, name+".png"))
	if err != nil {
		t.Log(err)
		return
	}
	defer f.Close()
	png.Encode(f, img)
}
