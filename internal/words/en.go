package words

import "golang.org/x/text/language"

// english is the catalogue every other language translates: each message
// the tray words, in the English the code uses as its key.
func english() dictionary {
	return dictionary{
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
			// The tooltips, notifications, dialogs and headless lines.
			"vncbridge: sharing %s; open %s",
			"Viewer joined",
			"Viewer left",
			"this computer",
			"%s stopped viewing your desktop",
			"%s is now viewing your desktop (view only)",
			"%s is now viewing your desktop and can control it",
			"Port for the browser to connect to (1–65535):",
			"VNC server to share (host:port, :display or a port):",
			"Share link",
			"View-only link",
			"Share link copied",
			"View-only link copied",
			"%s (the clipboard did not take it)",
			"Send it to the viewer; it carries the secret token.",
			"Its viewers see the desktop and cannot touch it.",
			"Their browser will warn that the connection is not private: the certificate is this computer's own, not a public one. They choose Advanced, then Proceed.",
			"Their browser will warn that the connection is not private: the certificate is this computer's own, not a public one. They choose Advanced, then Proceed, once the fingerprint their page shows is %s.",
			"Share %s on port %s",
			"The viewer's page shows the same: their browser warns about this certificate, which is this computer's own",
			"The link for other computers, with its secret token; their browser will warn about the certificate",
			"A link of its own whose viewers cannot touch the desktop",
			"Watch, download or delete the recorded sessions",
			"Listen on every network interface, with TLS and a secret link",
			"Share only this monitor",
			"Share with the saved settings in the background, with nobody logged in",
			"Start sharing as soon as the tray starts (at login, with Start at login)",
			"The oldest recordings go first",
			"A notification, a dialog or a page asks you to allow, allow view only, or deny each viewer",
		),
		plurals: map[string]forms{
			"%d viewers":  {"one": "%d viewer", "other": "%d viewers"},
			"For %d days": {"one": "For %d day", "other": "For %d days"},
		},
	}
}

// same is the English catalogue's words: each message is its own key.
func same(keys ...string) map[string]string {
	m := make(map[string]string, len(keys))
	for _, k := range keys {
		m[k] = k
	}
	return m
}
