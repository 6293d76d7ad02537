package words

import "golang.org/x/text/language"

var german = dictionary{
	tag: language.German,
	words: map[string]string{
		"Stop sharing":          "Freigabe beenden",
		"Start sharing":         "Freigabe starten",
		"Open in browser":       "Im Browser öffnen",
		"Certificate %s":        "Zertifikat %s",
		"Copy share link":       "Freigabelink kopieren",
		"Copy view-only link":   "Link nur zum Ansehen kopieren",
		"Record sessions":       "Sitzungen aufzeichnen",
		"Recordings…":           "Aufzeichnungen…",
		"Allow other computers": "Andere Computer zulassen",
		"About vncbridge %s":    "Über vncbridge %s",
		"Quit":                  "Beenden",

		"Listen port":                          "Port",
		"Other…":                               "Anderer…",
		"Target VNC server":                    "Ziel",
		"No VNC server found on this computer": "Kein VNC-Server auf diesem Computer",
		"All monitors":                         "Alle Bildschirme",
		"%s (saved)":                           "%s (gespeichert)",

		"Run in background": "Im Hintergrund",
		"No background service here: use Start at login": "Kein Hintergrunddienst hier: Beim Anmelden starten nutzen",
		"Install as service":                             "Als Dienst installieren",
		"Uninstall service":                              "Dienst entfernen",
		"Start service":                                  "Dienst starten",
		"Stop service":                                   "Dienst beenden",
		"Start at login":                                 "Beim Anmelden starten",
		"Share when vncbridge starts":                    "Beim Start von vncbridge freigeben",

		"Viewers":                           "Zuschauer",
		"Disconnect":                        "Trennen",
		"Disconnect all":                    "Alle trennen",
		"Nobody is watching":                "Niemand schaut zu",
		"Notify when viewers join or leave": "Melden, wenn Zuschauer kommen oder gehen",
		"Ask before a viewer joins":         "Vor jedem Zuschauer fragen",

		"Keep recordings":      "Aufzeichnungen behalten",
		"For ever":             "Für immer",
		"Up to %d GiB":         "Bis %d GiB",
		"Without a size limit": "Ohne Größengrenze",

		"Stopped":                  "Angehalten",
		"at %s":                    "unter %s",
		"on the network at %s":     "im Netzwerk unter %s",
		"no viewers":               "keine Zuschauer",
		"Nothing to share %s — %s": "Nichts freizugeben %s — %s",
		"Nothing to share %s — %s; choose %s in Target VNC server": "Nichts freizugeben %s — %s; wählen Sie %s unter Ziel",
		"Sharing %s %s — %s":                    "Freigabe von %s %s — %s",
		"Sharing %s %s — %s — %s":               "Freigabe von %s %s — %s — %s",
		"Sharing %s at %s (background service)": "Freigabe von %s unter %s (Hintergrunddienst)",
	},
	plurals: map[string]forms{
		"%d viewers":  {"one": "%d Zuschauer", "other": "%d Zuschauer"},
		"For %d days": {"one": "%d Tag", "other": "%d Tage"},
	},
}
