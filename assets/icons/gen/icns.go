package main

import (
	"encoding/binary"
	"fmt"
)

// icnsChunk is one element of an Apple icon image: a four-character type
// that names its size and encoding, and its data (here always a PNG file).
type icnsChunk struct {
	typ  string
	data []byte
}

// icnsTypes are the element types written to vncbridge.icns, each with the
// pixel size of the PNG it holds. Since Mac OS X 10.7 every one of them may
// hold a PNG; the @2x types (ic11 to ic14, ic10) serve Retina screens.
var icnsTypes = []struct {
	typ string
	px  int
}{
	{"icp4", 16},   // 16x16
	{"icp5", 32},   // 32x32
	{"ic11", 32},   // 16x16@2x
	{"ic12", 64},   // 32x32@2x
	{"ic07", 128},  // 128x128
	{"ic13", 256},  // 128x128@2x
	{"ic08", 256},  // 256x256
	{"ic14", 512},  // 256x256@2x
	{"ic09", 512},  // 512x512
	{"ic10", 1024}, // 512x512@2x
}

// encodeICNS writes chunks as an Apple icon image (.icns) file.
//
// The file is the magic "icns" and the file's total length (big-endian
// uint32, header included), followed by the elements, each being its type,
// its length (big-endian uint32, counting its own 8-byte header) and its
// data. Written by hand: the format is this small, and no maintained Go
// library writes it without cgo or macOS tools (iconutil).
func encodeICNS(chunks []icnsChunk) ([]byte, error) {
	total := 8
	for _, c := range chunks {
		if len(c.typ) != 4 {
			return nil, fmt.Errorf("icns: type %q is not four bytes", c.typ)
		}
		total += 8 + len(c.data)
	}
	if total > 1<<31-1 {
		return nil, fmt.Errorf("icns: %d bytes is too large", total)
	}
	out := make([]byte, 0, total)
	out = append(out, "icns"...)
	out = binary.BigEndian.AppendUint32(out, uint32(total))
	for _, c := range chunks {
		out = append(out, c.typ...)
		out = binary.BigEndian.AppendUint32(out, uint32(8+len(c.data)))
		out = append(out, c.data...)
	}
	return out, nil
}
