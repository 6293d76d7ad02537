package peeruser

import "testing"

func TestParseProcAddr(t *testing.T) {
	for in, want := range map[string]string{
		"0100007F:1F90":                         "127.0.0.1:8080",
		"00000000000000000000000001000000:0050": "[::1]:80",
		"0000000000000000FFFF00000100007F:17C0": "127.0.0.1:6080",
	} {
		got, ok := parseProcAddr(in)
		if !ok || got.String() != want {
			t.Errorf("%s: %v %v, want %s", in, got, ok, want)
		}
	}
	for _, bad := range []string{"", "0100007F", "XYZ:1", "01:1F90", "0100007F:FFFFF"} {
		if _, ok := parseProcAddr(bad); ok {
			t.Errorf("%q was read", bad)
		}
	}
}
