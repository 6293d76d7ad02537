package app

import (
	"testing"

	"vncbridge/app/localvnc"
	"vncbridge/internal/words"
)

// A monitor's place in the menu is in the person's words, its size in
// digits a person reads (never grouped as 2.560).
func TestMonitorLabelInTheLanguage(t *testing.T) {
	for _, c := range []struct {
		lang, place, want string
	}{
		{"en", "left", "DP-1, 2560×1440, on the left"},
		{"de", "left", "DP-1, 2560×1440, links"},
		{"ja", "right", "DP-1, 2560×1440, 右"},
		{"fr", "middle", "DP-1, 2560×1440, au milieu"},
		{"de", "", "DP-1, 2560×1440"},
	} {
		mon := localvnc.Monitor{Name: "DP-1", Width: 2560, Height: 1440, Place: c.place}
		if got := monitorLabel(words.For(c.lang), mon); got != c.want {
			t.Errorf("%s %q: %q, want %q", c.lang, c.place, got, c.want)
		}
	}
}
