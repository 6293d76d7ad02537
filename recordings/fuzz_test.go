package recordings

import (
	"bytes"
	"fmt"
	"testing"
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
		// The junk as the data of a frame, escaped as the proxy does.
		var esc bytes.Buffer
		for _, c := range junk {
			switch {
			case c == '\'' || c == '\\':
				esc.WriteByte('\\')
				esc.WriteByte(c)
			case c >= 0x20 && c < 0x7f:
				esc.WriteByte(c)
			default:
				fmt.Fprintf(&esc, "\\x%02x", c)
			}
		}
		rec := fmt.Sprintf("var VNC_frame_data = [\n'{1{%s',\n'}%d{%s',\n'EOF'];\n", esc.Bytes(), last, esc.Bytes())
		if ms := lastFrameMS(bytes.NewReader([]byte(rec)), int64(len(rec))); ms != int64(last) {
			t.Fatalf("last frame at %d, found %d", last, ms)
		}
	})
}
