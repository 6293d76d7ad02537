package recordings

import (
	"bytes"
	"testing"
	"vncbridge/proxy/recordfmt"
)

// FuzzLastFrameMS reads the end of anything as a recording: it never
// panics, and finds the last frame's time of a well-formed one.
func FuzzLastFrameMS(f *testing.F) {
	f.Add([]byte("var VNC_frame_data = [\n'{5{RFB 003.008\\x0a',\n'}17}\\x01',\n'EOF'];\n"), uint16(17))
	f.Add([]byte("var VNC_frame_data = [\n'{12{\\n'"), uint16(3))
	f.Add([]byte("\n'}\n'{"), uint16(0))
	f.Fuzz(func(t *testing.T, junk []byte, last uint16) {
		if ms := lastFrameMS(bytes.NewReader(junk), int64(len(junk))); ms < 0 {
			t.Fatalf("time %d", ms)
		}
		// The junk as the data of two frames, written as the proxy does.
		rec := []byte(recordfmt.Header)
		rec = recordfmt.AppendFrame(rec, false, 1, junk)
		rec = recordfmt.AppendFrame(rec, true, int64(last), junk)
		rec = append(rec, recordfmt.Trailer...)
		if ms := lastFrameMS(bytes.NewReader(rec), int64(len(rec))); ms != int64(last) {
			t.Fatalf("last frame at %d, found %d", last, ms)
		}
	})
}
