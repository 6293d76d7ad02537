package words

import "golang.org/x/text/language"

// The page that offers a file to the viewers where no file chooser runs
// (app/offerpage.go).
func offerPageWords() {
	extend(language.English, same(
		"Send a file to viewers",
		"Offer",
		"Not sharing: start sharing, then send the file.",
		"No file came with the form.",
	))
	extend(language.German, map[string]string{
		"Send a file to viewers": "Datei an die Zuschauer senden",
		"Offer":                  "Anbieten",
		"Not sharing: start sharing, then send the file.": "Keine Freigabe: Starten Sie die Freigabe, dann senden Sie die Datei.",
		"No file came with the form.":                     "Mit dem Formular kam keine Datei.",
	})
	extend(language.Japanese, map[string]string{
		"Send a file to viewers": "視聴者にファイルを送る",
		"Offer":                  "提供",
		"Not sharing: start sharing, then send the file.": "共有していません。共有を開始してからファイルを送ってください。",
		"No file came with the form.":                     "フォームにファイルがありませんでした。",
	})
	extend(language.Russian, map[string]string{
		"Send a file to viewers": "Отправить файл зрителям",
		"Offer":                  "Предложить",
		"Not sharing: start sharing, then send the file.": "Показ не идёт: начните показ, затем отправьте файл.",
		"No file came with the form.":                     "С формой не пришло ни одного файла.",
	})
	extend(language.SimplifiedChinese, map[string]string{
		"Send a file to viewers": "向观众发送文件",
		"Offer":                  "提供",
		"Not sharing: start sharing, then send the file.": "没有在共享：请先开始共享，再发送文件。",
		"No file came with the form.":                     "表单中没有文件。",
	})
	extend(language.French, map[string]string{
		"Send a file to viewers": "Envoyer un fichier aux spectateurs",
		"Offer":                  "Proposer",
		"Not sharing: start sharing, then send the file.": "Pas de partage en cours : lancez le partage, puis envoyez le fichier.",
		"No file came with the form.":                     "Aucun fichier n’est venu avec le formulaire.",
	})
	extend(language.Spanish, map[string]string{
		"Send a file to viewers": "Enviar un archivo a los espectadores",
		"Offer":                  "Ofrecer",
		"Not sharing: start sharing, then send the file.": "No está compartiendo: empiece a compartir y luego envíe el archivo.",
		"No file came with the form.":                     "El formulario no traía ningún archivo.",
	})
	extend(language.BrazilianPortuguese, map[string]string{
		"Send a file to viewers": "Enviar um arquivo aos espectadores",
		"Offer":                  "Oferecer",
		"Not sharing: start sharing, then send the file.": "Não está compartilhando: comece a compartilhar e depois envie o arquivo.",
		"No file came with the form.":                     "Nenhum arquivo veio com o formulário.",
	})
	extend(language.Italian, map[string]string{
		"Send a file to viewers": "Invia un file agli spettatori",
		"Offer":                  "Offri",
		"Not sharing: start sharing, then send the file.": "Nessuna condivisione: avvia la condivisione, poi invia il file.",
		"No file came with the form.":                     "Il modulo non conteneva alcun file.",
	})
}
