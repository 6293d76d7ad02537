package words

import "golang.org/x/text/language"

var brazilianPortuguese = dictionary{
	tag: language.BrazilianPortuguese,
	words: map[string]string{
		"Stop sharing":          "Parar de compartilhar",
		"Start sharing":         "Compartilhar",
		"Open in browser":       "Abrir no navegador",
		"Certificate %s":        "Certificado %s",
		"Copy share link":       "Copiar link",
		"Copy view-only link":   "Copiar link só para ver",
		"Record sessions":       "Gravar sessões",
		"Recordings…":           "Gravações…",
		"Allow other computers": "Permitir outros computadores",
		"About vncbridge %s":    "Sobre o vncbridge %s",
		"Quit":                  "Sair",

		"Listen port":                          "Porta",
		"Other…":                               "Outra…",
		"Target VNC server":                    "Destino",
		"No VNC server found on this computer": "Nenhum servidor VNC neste computador",
		"All monitors":                         "Todos os monitores",
		"%s (saved)":                           "%s (salvo)",

		"Run in background": "Em segundo plano",
		"No background service here: use Start at login": "Sem serviço em segundo plano aqui: use Iniciar ao entrar",
		"Install as service":                             "Instalar como serviço",
		"Uninstall service":                              "Desinstalar o serviço",
		"Start service":                                  "Iniciar o serviço",
		"Stop service":                                   "Parar o serviço",
		"Start at login":                                 "Iniciar ao entrar",
		"Share when vncbridge starts":                    "Compartilhar ao iniciar o vncbridge",

		"Viewers":                           "Espectadores",
		"Disconnect":                        "Desconectar",
		"Nobody is watching":                "Ninguém está vendo",
		"Disconnect all":                    "Desconectar todos",
		"Notify when viewers join or leave": "Avisar quando alguém entra ou sai",
		"Ask before a viewer joins":         "Perguntar antes de alguém entrar",

		"Keep recordings":      "Manter gravações",
		"For ever":             "Para sempre",
		"Up to %d GiB":         "Até %d GiB",
		"Without a size limit": "Sem limite de tamanho",

		"Stopped":                  "Parado",
		"at %s":                    "em %s",
		"on the network at %s":     "na rede em %s",
		"no viewers":               "nenhum espectador",
		"Nothing to share %s — %s": "Nada para compartilhar %s — %s",
		"Nothing to share %s — %s; choose %s in Target VNC server": "Nada para compartilhar %s — %s; escolha %s em Destino",
		"Sharing %s %s — %s":                    "Compartilhando %s %s — %s",
		"Sharing %s %s — %s — %s":               "Compartilhando %s %s — %s — %s",
		"Sharing %s at %s (background service)": "Compartilhando %s em %s (serviço em segundo plano)",
	},
	plurals: map[string]forms{
		"%d viewers":  {"one": "%d espectador", "other": "%d espectadores"},
		"For %d days": {"one": "%d dia", "other": "%d dias"},
	},
}
