package words

import "golang.org/x/text/language"

var french = dictionary{
	tag: language.French,
	words: map[string]string{
		"Stop sharing":          "Arrêter le partage",
		"Start sharing":         "Partager",
		"Open in browser":       "Ouvrir dans le navigateur",
		"Certificate %s":        "Certificat %s",
		"Copy share link":       "Copier le lien de partage",
		"Copy view-only link":   "Copier le lien en lecture seule",
		"Record sessions":       "Enregistrer les sessions",
		"Recordings…":           "Enregistrements…",
		"Allow other computers": "Autoriser d’autres ordinateurs",
		"About vncbridge %s":    "À propos de vncbridge %s",
		"Quit":                  "Quitter",

		"Listen port":                          "Port d’écoute",
		"Other…":                               "Autre…",
		"Target VNC server":                    "Cible",
		"No VNC server found on this computer": "Aucun serveur VNC sur cet ordinateur",
		"All monitors":                         "Tous les écrans",
		"%s (saved)":                           "%s (enregistré)",

		"Run in background": "En arrière-plan",
		"No background service here: use Start at login": "Pas de service en arrière-plan ici : utilisez Lancer à la connexion",
		"Install as service":                             "Installer comme service",
		"Uninstall service":                              "Désinstaller le service",
		"Start service":                                  "Démarrer le service",
		"Stop service":                                   "Arrêter le service",
		"Start at login":                                 "Lancer à la connexion",
		"Share when vncbridge starts":                    "Partager au lancement de vncbridge",

		"Viewers":                           "Spectateurs",
		"Disconnect":                        "Déconnecter",
		"Nobody is watching":                "Personne ne regarde",
		"Disconnect all":                    "Tout déconnecter",
		"Notify when viewers join or leave": "Prévenir quand un spectateur arrive ou part",
		"Ask before a viewer joins":         "Demander avant chaque spectateur",

		"Keep recordings":      "Garder les enregistrements",
		"For ever":             "Toujours",
		"Up to %d GiB":         "Jusqu’à %d Gio",
		"Without a size limit": "Sans limite de taille",

		"Stopped":                  "Arrêté",
		"at %s":                    "sur %s",
		"on the network at %s":     "sur le réseau à %s",
		"no viewers":               "aucun spectateur",
		"Nothing to share %s — %s": "Rien à partager %s — %s",
		"Nothing to share %s — %s; choose %s in Target VNC server": "Rien à partager %s — %s ; choisissez %s dans Cible",
		"Sharing %s %s — %s":                    "Partage de %s %s — %s",
		"Sharing %s %s — %s — %s":               "Partage de %s %s — %s — %s",
		"Sharing %s at %s (background service)": "Partage de %s sur %s (service en arrière-plan)",
	},
	plurals: map[string]forms{
		"%d viewers":  {"one": "%d spectateur", "other": "%d spectateurs"},
		"For %d days": {"one": "%d jour", "other": "%d jours"},
	},
}
