package main

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"io/fs"

	"vncbridge/app"
	"vncbridge/assets"
)

func webFiles() fs.FS { return assets.Web() }

func trayIcon(i app.Icon) (template, regular []byte) {
	img := image.NewNRGBA(image.Rect(0, 0, 16, 16))
	for p := range img.Pix {
		img.Pix[p] = 0xff
	}
	img.Set(1, 1, color.Black)
	var b bytes.Buffer
	png.Encode(&b, img)
	return b.Bytes(), b.Bytes()
}
