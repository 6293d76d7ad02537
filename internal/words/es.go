package words

import "golang.org/x/text/language"

var spanish = dictionary{
	tag: language.Spanish,
	words: map[string]string{
		"Stop sharing":          "Dejar de compartir",
		"Start sharing":         "Compartir",
		"Open in browser":       "Abrir en el navegador",
		"Certificate %s":        "Certificado %s",
		"Copy share link":       "Copiar enlace",
		"Copy view-only link":   "Copiar enlace de solo lectura",
		"Record sessions":       "Grabar sesiones",
		"Recordings…":           "Grabaciones…",
		"Allow other computers": "Permitir otros equipos",
		"About vncbridge %s":    "Acerca de vncbridge %s",
		"Quit":                  "Salir",

		"Listen port":                          "Puerto",
		"Other…":                               "Otro…",
		"Target VNC server":                    "Destino",
		"No VNC server found on this computer": "No hay ningún servidor VNC en este equipo",
		"All monitors":                         "Todas las pantallas",
		"%s (saved)":                           "%s (guardado)",

		"Run in background": "En segundo plano",
		"No background service here: use Start at login": "Aquí no hay servicio en segundo plano: usa Iniciar al entrar",
		"Install as service":                             "Instalar como servicio",
		"Uninstall service":                              "Desinstalar el servicio",
		"Start service":                                  "Iniciar el servicio",
		"Stop service":                                   "Detener el servicio",
		"Start at login":                                 "Iniciar al entrar",
		"Share when vncbridge starts":                    "Compartir al iniciar vncbridge",

		"Viewers":                           "Espectadores",
		"Disconnect":                        "Desconectar",
		"Nobody is watching":                "Nadie está mirando",
		"Disconnect all":                    "Desconectar a todos",
		"Notify when viewers join or leave": "Avisar cuando alguien entra o sale",
		"Ask before a viewer joins":         "Preguntar antes de que alguien entre",

		"Keep recordings":      "Conservar grabaciones",
		"For ever":             "Siempre",
		"Up to %d GiB":         "Hasta %d GiB",
		"Without a size limit": "Sin límite de tamaño",

		"Stopped":                  "Detenido",
		"at %s":                    "en %s",
		"on the network at %s":     "en la red en %s",
		"no viewers":               "sin espectadores",
		"Nothing to share %s — %s": "Nada que compartir %s — %s",
		"Nothing to share %s — %s; choose %s in Target VNC server": "Nada que compartir %s — %s; elige %s en Destino",
		"Sharing %s %s — %s":                    "Compartiendo %s %s — %s",
		"Sharing %s %s — %s — %s":               "Compartiendo %s %s — %s — %s",
		"Sharing %s at %s (background service)": "Compartiendo %s en %s (servicio en segundo plano)",
	},
	plurals: map[string]forms{
		"%d viewers":  {"one": "%d espectador", "other": "%d espectadores"},
		"For %d days": {"one": "%d día", "other": "%d días"},
	},
}
