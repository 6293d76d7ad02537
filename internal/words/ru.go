package words

import "golang.org/x/text/language"

// Russian has three plural forms: one (1, 21), few (2–4, 22) and many (5,
// 11, 25).
var russian = dictionary{
	tag: language.Russian,
	words: map[string]string{
		"Stop sharing":          "Остановить показ",
		"Start sharing":         "Начать показ",
		"Open in browser":       "Открыть в браузере",
		"Certificate %s":        "Сертификат %s",
		"Copy share link":       "Копировать ссылку",
		"Copy view-only link":   "Копировать ссылку для просмотра",
		"Record sessions":       "Записывать сеансы",
		"Recordings…":           "Записи…",
		"Allow other computers": "Разрешить другие компьютеры",
		"About vncbridge %s":    "О vncbridge %s",
		"Quit":                  "Выход",

		"Listen port":                          "Порт",
		"Other…":                               "Другой…",
		"Target VNC server":                    "VNC-сервер",
		"No VNC server found on this computer": "На этом компьютере нет VNC-сервера",
		"All monitors":                         "Все мониторы",
		"%s (saved)":                           "%s (сохранён)",

		"Run in background": "В фоне",
		"No background service here: use Start at login": "Фоновой службы здесь нет: используйте «Запускать при входе»",
		"Install as service":                             "Установить как службу",
		"Uninstall service":                              "Удалить службу",
		"Start service":                                  "Запустить службу",
		"Stop service":                                   "Остановить службу",
		"Start at login":                                 "Запускать при входе",
		"Share when vncbridge starts":                    "Показывать при запуске vncbridge",

		"Viewers":                           "Зрители",
		"Disconnect":                        "Отключить",
		"Nobody is watching":                "Никто не смотрит",
		"Disconnect all":                    "Отключить всех",
		"Notify when viewers join or leave": "Сообщать о входе и выходе зрителей",
		"Ask before a viewer joins":         "Спрашивать перед входом зрителя",

		"Keep recordings":      "Хранить записи",
		"For ever":             "Всегда",
		"Up to %d GiB":         "До %d ГиБ",
		"Without a size limit": "Без ограничения размера",

		"Stopped":                  "Остановлено",
		"at %s":                    "по адресу %s",
		"on the network at %s":     "в сети по адресу %s",
		"no viewers":               "нет зрителей",
		"Nothing to share %s — %s": "Нечего показывать %s — %s",
		"Nothing to share %s — %s; choose %s in Target VNC server": "Нечего показывать %s — %s; выберите %s в меню «VNC-сервер»",
		"Sharing %s %s — %s":                    "Показ %s %s — %s",
		"Sharing %s %s — %s — %s":               "Показ %s %s — %s — %s",
		"Sharing %s at %s (background service)": "Показ %s по адресу %s (фоновая служба)",
	},
	plurals: map[string]forms{
		"%d viewers":  {"one": "%d зритель", "few": "%d зрителя", "many": "%d зрителей", "other": "%d зрителя"},
		"For %d days": {"one": "%d день", "few": "%d дня", "many": "%d дней", "other": "%d дня"},
	},
}
