package words

import "golang.org/x/text/language"

// english is the catalogue every other language translates: each message
// the tray words, in the English the code uses as its key.
var english = dictionary{
	tag: language.English,
	words: same(
		// The menu.
		"Stop sharing", "Start sharing", "Open in browser", "Certificate %s",
		"Copy share link", "Copy view-only link", "Record sessions", "Recordings…",
		"Allow other computers", "About vncbridge %s", "Quit",
		"Listen port", "Other…", "Target VNC server", "No VNC server found on this computer",
		"All monitors", "%s (saved)",
		"Run in background", "No background service here: use Start at login",
		"Install as service", "Uninstall service", "Start service", "Stop service",
		"Start at login", "Share when vncbridge starts",
		"Viewers", "Disconnect", "Nobody is watching", "Disconnect all",
		"Notify when viewers join or leave", "Ask before a viewer joins",
		"Keep recordings", "For ever", "Up to %d GiB", "Without a size limit",
		// The status line.
		"Stopped", "at %s", "on the network at %s", "no viewers",
		"Nothing to share %s — %s",
		"Nothing to share %s — %s; choose %s in Target VNC server",
		"Sharing %s %s — %s", "Sharing %s %s — %s — %s",
		"Sharing %s at %s (background service)",
	),
	plurals: map[string]forms{
		"%d viewers":  {"one": "%d viewer", "other": "%d viewers"},
		"For %d days": {"one": "For %d day", "other": "For %d days"},
	},
}

// same is the English catalogue's words: each message is its own key.
func same(keys ...string) map[string]string {
	m := make(map[string]string, len(keys))
	for _, k := range keys {
		m[k] = k
	}
	return m
}
