package localvnc

import (
	"reflect"
	"testing"
)

func TestParseMonitors(t *testing.T) {
	out := `Monitors: 3
 0: +*DP-1 2560/597x1440/336+0+0  DP-1
 1: +HDMI-1 1920/527x1080/296+2560+0  HDMI-1
 2: TOP 800/100x600/100+1000+1440 
`
	ms, err := parseMonitors(out)
	if err != nil {
		t.Fatal(err)
	}
	want := []Monitor{
		{Name: "DP-1", Width: 2560, Height: 1440, Place: "left"},
		{Name: "HDMI-1", Width: 1920, Height: 1080, X: 2560, Place: "right"},
		{Name: "TOP", Width: 800, Height: 600, X: 1000, Y: 1440, Place: "bottom"},
	}
	if !reflect.DeepEqual(ms, want) {
		t.Fatalf("got %+v\nwant %+v", ms, want)
	}
	if l := ms[0].Label(); l != "DP-1, 2560×1440, left" {
		t.Errorf("label %q", l)
	}
	if g := ms[1].Geometry(); g != "1920x1080+2560+0" {
		t.Errorf("geometry %q", g)
	}
	one, _ := parseMonitors("Monitors: 1\n 0: +screen 640/169x240/63+0+0  screen\n")
	if len(one) != 1 || one[0].Label() != "screen, 640×240" {
		t.Errorf("one monitor: %+v", one)
	}
	for _, bad := range []string{"", "Monitors: 0\n", " 0: +X 10/1x/1+0+0 X\n", " 0: +X 0/1x10/1+0+0 X\n"} {
		if _, err := parseMonitors(bad); err == nil {
			t.Errorf("parseMonitors(%q): no error", bad)
		}
	}
}
