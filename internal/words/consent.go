package words

import "golang.org/x/text/language"

// The consent question: may a viewer join? In a notification with
// buttons, a dialog or a page; and the notifications of a viewer refused
// without an answer.
//
// consentWords adds them to the catalogue.
func consentWords() {
	extend(language.English, same(
		"%s wants to see and control your desktop",
		"%s wants to see your desktop",
		"Allow", "View only", "Deny",
		"A viewer asks to join",
		"Answered: %s. You can close this page.",
		"If you do not answer, the viewer is refused when its time is up.",
		"Yes: allow. No: view only. Cancel: deny.",
		"Viewer not let in",
		"%s was not let in: nothing here can ask you: %s",
		"%s was not let in: no answer in %s s",
	))
	extend(language.German, map[string]string{
		"%s wants to see and control your desktop": "%s möchte Ihren Bildschirm sehen und steuern",
		"%s wants to see your desktop":             "%s möchte Ihren Bildschirm sehen",
		"Allow":                                    "Zulassen",
		"View only":                                "Nur ansehen",
		"Deny":                                     "Ablehnen",
		"A viewer asks to join":                    "Ein Zuschauer möchte dazukommen",
		"Answered: %s. You can close this page.":   "Beantwortet: %s. Sie können diese Seite schließen.",
		"If you do not answer, the viewer is refused when its time is up.": "Ohne Antwort wird der Zuschauer abgelehnt, wenn seine Zeit um ist.",
		"Yes: allow. No: view only. Cancel: deny.":                         "Ja: zulassen. Nein: nur ansehen. Abbrechen: ablehnen.",
		"Viewer not let in": "Zuschauer nicht zugelassen",
		"%s was not let in: nothing here can ask you: %s": "%s wurde nicht zugelassen: Hier gibt es keine Möglichkeit, Sie zu fragen: %s",
		"%s was not let in: no answer in %s s":            "%s wurde nicht zugelassen: keine Antwort in %s s",
	})
	extend(language.Japanese, map[string]string{
		"%s wants to see and control your desktop": "%s がデスクトップの表示と操作を求めています",
		"%s wants to see your desktop":             "%s がデスクトップの表示を求めています",
		"Allow":                                    "許可",
		"View only":                                "閲覧のみ",
		"Deny":                                     "拒否",
		"A viewer asks to join":                    "視聴者が参加を求めています",
		"Answered: %s. You can close this page.":   "回答済み：%s。このページは閉じてかまいません。",
		"If you do not answer, the viewer is refused when its time is up.": "回答がないまま時間が過ぎると、視聴者は拒否されます。",
		"Yes: allow. No: view only. Cancel: deny.":                         "はい：許可。いいえ：閲覧のみ。キャンセル：拒否。",
		"Viewer not let in": "視聴者は参加できませんでした",
		"%s was not let in: nothing here can ask you: %s": "%s は参加できませんでした：このコンピューターにはあなたに確認する手段がありません：%s",
		"%s was not let in: no answer in %s s":            "%s は参加できませんでした：%s 秒以内に応答がありませんでした",
	})
	extend(language.Russian, map[string]string{
		"%s wants to see and control your desktop": "%s хочет видеть ваш экран и управлять им",
		"%s wants to see your desktop":             "%s хочет видеть ваш экран",
		"Allow":                                    "Разрешить",
		"View only":                                "Только просмотр",
		"Deny":                                     "Отказать",
		"A viewer asks to join":                    "Зритель просит доступ",
		"Answered: %s. You can close this page.":   "Ответ: %s. Эту страницу можно закрыть.",
		"If you do not answer, the viewer is refused when its time is up.": "Если вы не ответите, зрителю будет отказано, когда выйдет время.",
		"Yes: allow. No: view only. Cancel: deny.":                         "Да: разрешить. Нет: только просмотр. Отмена: отказать.",
		"Viewer not let in": "Зритель не допущен",
		"%s was not let in: nothing here can ask you: %s": "%s не допущен: здесь нечем задать вам вопрос: %s",
		"%s was not let in: no answer in %s s":            "%s не допущен: нет ответа за %s с",
	})
	extend(language.SimplifiedChinese, map[string]string{
		"%s wants to see and control your desktop": "%s 想查看并控制你的桌面",
		"%s wants to see your desktop":             "%s 想查看你的桌面",
		"Allow":                                    "允许",
		"View only":                                "仅查看",
		"Deny":                                     "拒绝",
		"A viewer asks to join":                    "有观众请求加入",
		"Answered: %s. You can close this page.":   "已回答：%s。你可以关闭此页面。",
		"If you do not answer, the viewer is refused when its time is up.": "如果你不回答，时间到后该观众会被拒绝。",
		"Yes: allow. No: view only. Cancel: deny.":                         "是：允许。否：仅查看。取消：拒绝。",
		"Viewer not let in": "未让观众加入",
		"%s was not let in: nothing here can ask you: %s": "未让 %s 加入：这里没有可以询问你的方式：%s",
		"%s was not let in: no answer in %s s":            "未让 %s 加入：%s 秒内没有回答",
	})
	extend(language.French, map[string]string{
		"%s wants to see and control your desktop": "%s veut voir et contrôler votre bureau",
		"%s wants to see your desktop":             "%s veut voir votre bureau",
		"Allow":                                    "Autoriser",
		"View only":                                "Lecture seule",
		"Deny":                                     "Refuser",
		"A viewer asks to join":                    "Un spectateur demande à entrer",
		"Answered: %s. You can close this page.":   "Réponse : %s. Vous pouvez fermer cette page.",
		"If you do not answer, the viewer is refused when its time is up.": "Sans réponse, le spectateur est refusé quand son temps est écoulé.",
		"Yes: allow. No: view only. Cancel: deny.":                         "Oui : autoriser. Non : lecture seule. Annuler : refuser.",
		"Viewer not let in": "Spectateur refusé",
		"%s was not let in: nothing here can ask you: %s": "%s a été refusé : rien ici ne peut vous poser la question : %s",
		"%s was not let in: no answer in %s s":            "%s a été refusé : pas de réponse en %s s",
	})
	extend(language.Spanish, map[string]string{
		"%s wants to see and control your desktop": "%s quiere ver y controlar su escritorio",
		"%s wants to see your desktop":             "%s quiere ver su escritorio",
		"Allow":                                    "Permitir",
		"View only":                                "Solo ver",
		"Deny":                                     "Rechazar",
		"A viewer asks to join":                    "Un espectador pide entrar",
		"Answered: %s. You can close this page.":   "Respondido: %s. Puede cerrar esta página.",
		"If you do not answer, the viewer is refused when its time is up.": "Si no responde, se rechazará al espectador cuando se acabe el tiempo.",
		"Yes: allow. No: view only. Cancel: deny.":                         "Sí: permitir. No: solo ver. Cancelar: rechazar.",
		"Viewer not let in": "Espectador no admitido",
		"%s was not let in: nothing here can ask you: %s": "%s no fue admitido: aquí no hay nada que pueda preguntarle: %s",
		"%s was not let in: no answer in %s s":            "%s no fue admitido: sin respuesta en %s s",
	})
	extend(language.BrazilianPortuguese, map[string]string{
		"%s wants to see and control your desktop": "%s quer ver e controlar sua área de trabalho",
		"%s wants to see your desktop":             "%s quer ver sua área de trabalho",
		"Allow":                                    "Permitir",
		"View only":                                "Só ver",
		"Deny":                                     "Recusar",
		"A viewer asks to join":                    "Um espectador pede para entrar",
		"Answered: %s. You can close this page.":   "Respondido: %s. Você pode fechar esta página.",
		"If you do not answer, the viewer is refused when its time is up.": "Se você não responder, o espectador é recusado quando o tempo acabar.",
		"Yes: allow. No: view only. Cancel: deny.":                         "Sim: permitir. Não: só ver. Cancelar: recusar.",
		"Viewer not let in": "Espectador não admitido",
		"%s was not let in: nothing here can ask you: %s": "%s não foi admitido: nada aqui pode perguntar a você: %s",
		"%s was not let in: no answer in %s s":            "%s não foi admitido: sem resposta em %s s",
	})
	extend(language.Italian, map[string]string{
		"%s wants to see and control your desktop": "%s vuole vedere e controllare il tuo desktop",
		"%s wants to see your desktop":             "%s vuole vedere il tuo desktop",
		"Allow":                                    "Consenti",
		"View only":                                "Sola visione",
		"Deny":                                     "Rifiuta",
		"A viewer asks to join":                    "Uno spettatore chiede di entrare",
		"Answered: %s. You can close this page.":   "Risposta: %s. Puoi chiudere questa pagina.",
		"If you do not answer, the viewer is refused when its time is up.": "Senza risposta, lo spettatore viene rifiutato allo scadere del tempo.",
		"Yes: allow. No: view only. Cancel: deny.":                         "Sì: consenti. No: sola visione. Annulla: rifiuta.",
		"Viewer not let in": "Spettatore non ammesso",
		"%s was not let in: nothing here can ask you: %s": "%s non è stato ammesso: qui nulla può chiedertelo: %s",
		"%s was not let in: no answer in %s s":            "%s non è stato ammesso: nessuna risposta in %s s",
	})
}
