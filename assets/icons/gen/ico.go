package main

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"image"
	"image/png"
)

// encodeICO writes images as one Windows icon (.ico) file.
//
// An ICO file is a 6-byte ICONDIR (reserved 0, type 1 for icons, image
// count), one 16-byte ICONDIRENTRY per image (width and height with 0
// meaning 256, colour count, reserved, planes, bits per pixel, data size,
// data offset from the start of the file), then the images' data. Each
// image is either a complete PNG file or a headerless BMP: a
// BITMAPINFOHEADER whose height counts twice the rows (the colour rows,
// then a 1-bit AND mask), 32-bit BGRA rows bottom-up with straight alpha,
// then the mask rows, each padded to 4 bytes.
//
// Images smaller than 256 pixels are written as BMP, which every Windows
// version and most icon readers understand; 256-pixel images as PNG, which
// Windows reads since Vista and which keeps the file small. Written by hand
// because the standard library has no ICO encoder and the format is small.
func encodeICO(images []*image.NRGBA) ([]byte, error) {
	type entry struct {
		w, h int
		data []byte
	}
	entries := make([]entry, 0, len(images))
	for _, img := range images {
		w, h := img.Bounds().Dx(), img.Bounds().Dy()
		if w < 1 || h < 1 || w > 256 || h > 256 {
			return nil, fmt.Errorf("ico: image size %dx%d not in 1..256", w, h)
		}
		var data []byte
		if w == 256 || h == 256 {
			var buf bytes.Buffer
			if err := pngEncoder.Encode(&buf, img); err != nil {
				return nil, err
			}
			data = buf.Bytes()
		} else {
			data = icoBMP(img)
		}
		entries = append(entries, entry{w, h, data})
	}

	var out bytes.Buffer
	le := binary.LittleEndian
	out.Write(le.AppendUint16(nil, 0)) // reserved
	out.Write(le.AppendUint16(nil, 1)) // type: icon
	out.Write(le.AppendUint16(nil, uint16(len(entries))))
	offset := 6 + 16*len(entries)
	for _, e := range entries {
		out.WriteByte(byte(e.w)) // 256 wraps to 0, as the format wants
		out.WriteByte(byte(e.h))
		out.WriteByte(0)                   // colours in palette: none
		out.WriteByte(0)                   // reserved
		out.Write(le.AppendUint16(nil, 1)) // colour planes
		out.Write(le.AppendUint16(nil, 32))
		out.Write(le.AppendUint32(nil, uint32(len(e.data))))
		out.Write(le.AppendUint32(nil, uint32(offset)))
		offset += len(e.data)
	}
	for _, e := range entries {
		out.Write(e.data)
	}
	return out.Bytes(), nil
}

// icoBMP returns img as the BMP form of an ICO image: header, 32-bit BGRA
// pixels bottom-up, then the AND mask (1 = transparent) bottom-up.
func icoBMP(img *image.NRGBA) []byte {
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	maskStride := (w + 31) / 32 * 4
	le := binary.LittleEndian

	out := make([]byte, 0, 40+w*h*4+maskStride*h)
	out = le.AppendUint32(out, 40)          // header size: BITMAPINFOHEADER
	out = le.AppendUint32(out, uint32(w))   // width
	out = le.AppendUint32(out, uint32(2*h)) // height: colour rows + mask rows
	out = le.AppendUint16(out, 1)           // planes
	out = le.AppendUint16(out, 32)          // bits per pixel
	out = le.AppendUint32(out, 0)           // compression: BI_RGB
	out = le.AppendUint32(out, uint32(w*h*4+maskStride*h))
	out = le.AppendUint32(out, 0) // horizontal resolution
	out = le.AppendUint32(out, 0) // vertical resolution
	out = le.AppendUint32(out, 0) // palette colours
	out = le.AppendUint32(out, 0) // important colours

	for y := b.Max.Y - 1; y >= b.Min.Y; y-- {
		for x := b.Min.X; x < b.Max.X; x++ {
			c := img.NRGBAAt(x, y)
			out = append(out, c.B, c.G, c.R, c.A)
		}
	}
	for y := b.Max.Y - 1; y >= b.Min.Y; y-- {
		row := make([]byte, maskStride)
		for x := b.Min.X; x < b.Max.X; x++ {
			if img.NRGBAAt(x, y).A == 0 {
				i := x - b.Min.X
				row[i/8] |= 0x80 >> (i % 8)
			}
		}
		out = append(out, row...)
	}
	return out
}

// pngEncoder is the one PNG encoder of the generator: best compression,
// since the files are committed and embedded.
var pngEncoder = png.Encoder{CompressionLevel: png.BestCompression}
