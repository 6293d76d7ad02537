package words

import "golang.org/x/text/language"

// The words of files a viewer sends to the person sharing (issue #28): the
// question, its answers, and the notifications of what arrived.
func init() {
	extend(language.English, same(
		"%s wants to send you %s (%s)",
		"A viewer sends you a file",
		"Accept",
		"Decline",
		"File received",
		"%s sent you %s. It is in %s.",
		"File not received",
		"%s from %s did not arrive: %s",
	))
	extend(language.German, map[string]string{
		"%s wants to send you %s (%s)":  "%s möchte Ihnen %s (%s) senden",
		"A viewer sends you a file":     "Ein Zuschauer sendet Ihnen eine Datei",
		"Accept":                        "Annehmen",
		"Decline":                       "Ablehnen",
		"File received":                 "Datei empfangen",
		"%s sent you %s. It is in %s.":  "%s hat Ihnen %s gesendet. Die Datei liegt in %s.",
		"File not received":             "Datei nicht empfangen",
		"%s from %s did not arrive: %s": "%s von %s ist nicht angekommen: %s",
	})
	extend(language.Japanese, map[string]string{
		"%s wants to send you %s (%s)":  "%s が %s (%s) を送ろうとしています",
		"A viewer sends you a file":     "視聴者からファイルが届いています",
		"Accept":                        "受け取る",
		"Decline":                       "断る",
		"File received":                 "ファイルを受け取りました",
		"%s sent you %s. It is in %s.":  "%s から %s が届きました。保存先: %s",
		"File not received":             "ファイルを受け取れませんでした",
		"%s from %s did not arrive: %s": "%s (%s から) は届きませんでした: %s",
	})
	extend(language.Russian, map[string]string{
		"%s wants to send you %s (%s)":  "%s хочет отправить вам %s (%s)",
		"A viewer sends you a file":     "Зритель отправляет вам файл",
		"Accept":                        "Принять",
		"Decline":                       "Отклонить",
		"File received":                 "Файл получен",
		"%s sent you %s. It is in %s.":  "%s отправил(а) вам %s. Файл в папке %s.",
		"File not received":             "Файл не получен",
		"%s from %s did not arrive: %s": "%s от %s не получен: %s",
	})
	extend(language.SimplifiedChinese, map[string]string{
		"%s wants to send you %s (%s)":  "%s 想向您发送 %s（%s）",
		"A viewer sends you a file":     "一位观看者向您发送文件",
		"Accept":                        "接受",
		"Decline":                       "拒绝",
		"File received":                 "已收到文件",
		"%s sent you %s. It is in %s.":  "%s 向您发送了 %s，已保存在 %s。",
		"File not received":             "未收到文件",
		"%s from %s did not arrive: %s": "来自 %[2]s 的 %[1]s 未送达：%[3]s",
	})
	extend(language.French, map[string]string{
		"%s wants to send you %s (%s)":  "%s veut vous envoyer %s (%s)",
		"A viewer sends you a file":     "Un spectateur vous envoie un fichier",
		"Accept":                        "Accepter",
		"Decline":                       "Refuser",
		"File received":                 "Fichier reçu",
		"%s sent you %s. It is in %s.":  "%s vous a envoyé %s. Il se trouve dans %s.",
		"File not received":             "Fichier non reçu",
		"%s from %s did not arrive: %s": "%s de %s n’est pas arrivé : %s",
	})
	extend(language.Spanish, map[string]string{
		"%s wants to send you %s (%s)":  "%s quiere enviarle %s (%s)",
		"A viewer sends you a file":     "Un espectador le envía un archivo",
		"Accept":                        "Aceptar",
		"Decline":                       "Rechazar",
		"File received":                 "Archivo recibido",
		"%s sent you %s. It is in %s.":  "%s le envió %s. Está en %s.",
		"File not received":             "Archivo no recibido",
		"%s from %s did not arrive: %s": "%s de %s no llegó: %s",
	})
	extend(language.BrazilianPortuguese, map[string]string{
		"%s wants to send you %s (%s)":  "%s quer enviar %s (%s) para você",
		"A viewer sends you a file":     "Um espectador está enviando um arquivo para você",
		"Accept":                        "Aceitar",
		"Decline":                       "Recusar",
		"File received":                 "Arquivo recebido",
		"%s sent you %s. It is in %s.":  "%s enviou %s para você. Ele está em %s.",
		"File not received":             "Arquivo não recebido",
		"%s from %s did not arrive: %s": "%s de %s não chegou: %s",
	})
	extend(language.Italian, map[string]string{
		"%s wants to send you %s (%s)":  "%s vuole inviarti %s (%s)",
		"A viewer sends you a file":     "Uno spettatore ti invia un file",
		"Accept":                        "Accetta",
		"Decline":                       "Rifiuta",
		"File received":                 "File ricevuto",
		"%s sent you %s. It is in %s.":  "%s ti ha inviato %s. Si trova in %s.",
		"File not received":             "File non ricevuto",
		"%s from %s did not arrive: %s": "%s da %s non è arrivato: %s",
	})
}
