package words

import "golang.org/x/text/language"

// The reasons a share cannot start, for the tray's status line; each ends
// in the system's own error (%s), which stays as the system words it.
//
// shareWords adds them to the catalogue.
func shareWords() {
	extend(language.English, same(
		"the recordings folder cannot be made: %s",
		"the TLS certificate cannot be made or read: %s",
		"cannot listen on port %s: %s",
		"%s cannot serve this desktop; %s can: choose %s in Target VNC server",
	))
	extend(language.German, map[string]string{
		"the recordings folder cannot be made: %s":                             "der Ordner für Aufzeichnungen kann nicht angelegt werden: %s",
		"the TLS certificate cannot be made or read: %s":                       "das TLS-Zertifikat kann nicht erstellt oder gelesen werden: %s",
		"cannot listen on port %s: %s":                                         "Port %s kann nicht geöffnet werden: %s",
		"%s cannot serve this desktop; %s can: choose %s in Target VNC server": "%s kann diesen Desktop nicht freigeben, %s schon: wählen Sie %s unter Ziel",
	})
	extend(language.Japanese, map[string]string{
		"the recordings folder cannot be made: %s":                             "録画フォルダーを作れません: %s",
		"the TLS certificate cannot be made or read: %s":                       "TLS 証明書を作成または読み込みできません: %s",
		"cannot listen on port %s: %s":                                         "ポート %s で待ち受けできません: %s",
		"%s cannot serve this desktop; %s can: choose %s in Target VNC server": "%s ではこのデスクトップを共有できません。%s なら共有できます: 接続先 VNC サーバー で %s を選んでください",
	})
	extend(language.Russian, map[string]string{
		"the recordings folder cannot be made: %s":                             "не удаётся создать папку записей: %s",
		"the TLS certificate cannot be made or read: %s":                       "не удаётся создать или прочитать сертификат TLS: %s",
		"cannot listen on port %s: %s":                                         "не удаётся открыть порт %s: %s",
		"%s cannot serve this desktop; %s can: choose %s in Target VNC server": "%s не может показать этот рабочий стол, а %s может: выберите %s в меню VNC-сервер",
	})
	extend(language.SimplifiedChinese, map[string]string{
		"the recordings folder cannot be made: %s":                             "无法创建录像文件夹：%s",
		"the TLS certificate cannot be made or read: %s":                       "无法创建或读取 TLS 证书：%s",
		"cannot listen on port %s: %s":                                         "无法监听端口 %s：%s",
		"%s cannot serve this desktop; %s can: choose %s in Target VNC server": "%s 无法共享此桌面，%s 可以：请在“目标”中选择 %s",
	})
	extend(language.French, map[string]string{
		"the recordings folder cannot be made: %s":                             "impossible de créer le dossier des enregistrements : %s",
		"the TLS certificate cannot be made or read: %s":                       "impossible de créer ou de lire le certificat TLS : %s",
		"cannot listen on port %s: %s":                                         "impossible d’écouter sur le port %s : %s",
		"%s cannot serve this desktop; %s can: choose %s in Target VNC server": "%s ne peut pas partager ce bureau, %s le peut : choisissez %s dans Cible",
	})
	extend(language.Spanish, map[string]string{
		"the recordings folder cannot be made: %s":                             "no se puede crear la carpeta de grabaciones: %s",
		"the TLS certificate cannot be made or read: %s":                       "no se puede crear ni leer el certificado TLS: %s",
		"cannot listen on port %s: %s":                                         "no se puede escuchar en el puerto %s: %s",
		"%s cannot serve this desktop; %s can: choose %s in Target VNC server": "%s no puede compartir este escritorio, %s sí: elija %s en Destino",
	})
	extend(language.BrazilianPortuguese, map[string]string{
		"the recordings folder cannot be made: %s":                             "não foi possível criar a pasta de gravações: %s",
		"the TLS certificate cannot be made or read: %s":                       "não foi possível criar ou ler o certificado TLS: %s",
		"cannot listen on port %s: %s":                                         "não foi possível escutar na porta %s: %s",
		"%s cannot serve this desktop; %s can: choose %s in Target VNC server": "%s não pode compartilhar esta área de trabalho, %s pode: escolha %s em Destino",
	})
	extend(language.Italian, map[string]string{
		"the recordings folder cannot be made: %s":                             "impossibile creare la cartella delle registrazioni: %s",
		"the TLS certificate cannot be made or read: %s":                       "impossibile creare o leggere il certificato TLS: %s",
		"cannot listen on port %s: %s":                                         "impossibile ascoltare sulla porta %s: %s",
		"%s cannot serve this desktop; %s can: choose %s in Target VNC server": "%s non può condividere questo desktop, %s sì: scegli %s in Destinazione",
	})
}
