package words

import "golang.org/x/text/language"

var italian = dictionary{
	tag: language.Italian,
	words: map[string]string{
		"Stop sharing":          "Interrompi condivisione",
		"Start sharing":         "Condividi",
		"Open in browser":       "Apri nel browser",
		"Certificate %s":        "Certificato %s",
		"Copy share link":       "Copia il link",
		"Copy view-only link":   "Copia il link di sola visione",
		"Record sessions":       "Registra le sessioni",
		"Recordings…":           "Registrazioni…",
		"Allow other computers": "Consenti altri computer",
		"About vncbridge %s":    "Informazioni su vncbridge %s",
		"Quit":                  "Esci",

		"Listen port":                          "Porta",
		"Other…":                               "Altra…",
		"Target VNC server":                    "Destinazione",
		"No VNC server found on this computer": "Nessun server VNC su questo computer",
		"All monitors":                         "Tutti gli schermi",
		"%s (saved)":                           "%s (salvato)",

		"Run in background": "In background",
		"No background service here: use Start at login": "Nessun servizio in background qui: usa Avvia all’accesso",
		"Install as service":                             "Installa come servizio",
		"Uninstall service":                              "Disinstalla il servizio",
		"Start service":                                  "Avvia il servizio",
		"Stop service":                                   "Ferma il servizio",
		"Start at login":                                 "Avvia all’accesso",
		"Share when vncbridge starts":                    "Condividi all’avvio di vncbridge",

		"Viewers":                           "Spettatori",
		"Disconnect":                        "Disconnetti",
		"Nobody is watching":                "Nessuno sta guardando",
		"Disconnect all":                    "Disconnetti tutti",
		"Notify when viewers join or leave": "Avvisa quando qualcuno entra o esce",
		"Ask before a viewer joins":         "Chiedi prima che qualcuno entri",

		"Keep recordings":      "Conserva le registrazioni",
		"For ever":             "Per sempre",
		"Up to %d GiB":         "Fino a %d GiB",
		"Without a size limit": "Senza limite di dimensione",

		"Stopped":                  "Fermo",
		"at %s":                    "su %s",
		"on the network at %s":     "in rete su %s",
		"no viewers":               "nessuno spettatore",
		"Nothing to share %s — %s": "Niente da condividere %s — %s",
		"Nothing to share %s — %s; choose %s in Target VNC server": "Niente da condividere %s — %s; scegli %s in Destinazione",
		"Sharing %s %s — %s":                    "Condivisione di %s %s — %s",
		"Sharing %s %s — %s — %s":               "Condivisione di %s %s — %s — %s",
		"Sharing %s at %s (background service)": "Condivisione di %s su %s (servizio in background)",
	},
	plurals: map[string]forms{
		"%d viewers":  {"one": "%d spettatore", "other": "%d spettatori"},
		"For %d days": {"one": "%d giorno", "other": "%d giorni"},
	},
}
