package app

import (
	"strconv"

	"vncbridge/app/localvnc"
	"vncbridge/internal/words"
)

// monitorPlaces are the words of a monitor's place among the others
// (localvnc.Monitor.Place), as the Monitors menu says them.
var monitorPlaces = map[string]string{
	"left":   "on the left",
	"right":  "on the right",
	"top":    "at the top",
	"bottom": "at the bottom",
	"middle": "in the middle",
}

// monitorLabel is how the menu names mon in w's language: "DP-1,
// 2560×1440, on the left"; its size as digits, never grouped.
func monitorLabel(w words.Printer, mon localvnc.Monitor) string {
	l := mon.Name + ", " + strconv.Itoa(mon.Width) + "×" + strconv.Itoa(mon.Height)
	if say, ok := monitorPlaces[mon.Place]; ok {
		l += ", " + w.Sprintf(say)
	} else if mon.Place != "" {
		l += ", " + mon.Place
	}
	return l
}
