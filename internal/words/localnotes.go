package words

import "golang.org/x/text/language"

// What the status line says while the desktop's own VNC server (x11vnc,
// wayvnc…) restarts, after it gave up, or when it did not start.
//
// localNoteWords adds them to the catalogue.
func localNoteWords() {
	extend(language.English, same(
		"%s stopped; starting it again",
		"%s keeps stopping (%s times in a minute); its output is in the log",
		"%s exited at start: %s",
		"%s exited at start, and said nothing",
		"%s did not answer on %s within %s s",
	))
	extend(language.German, map[string]string{
		"%s exited at start: %s":                                             "%s wurde beim Start beendet: %s",
		"%s exited at start, and said nothing":                               "%s wurde beim Start beendet, ohne etwas zu sagen",
		"%s did not answer on %s within %s s":                                "%s hat an %s nicht innerhalb von %s s geantwortet",
		"%s stopped; starting it again":                                      "%s wurde beendet; es wird neu gestartet",
		"%s keeps stopping (%s times in a minute); its output is in the log": "%s wird immer wieder beendet (%s-mal in einer Minute); seine Ausgabe steht im Protokoll",
	})
	extend(language.Japanese, map[string]string{
		"%s exited at start: %s":                                             "%s が起動時に終了しました: %s",
		"%s exited at start, and said nothing":                               "%s が起動時に何も出力せずに終了しました",
		"%s did not answer on %s within %s s":                                "%s が %s で %s 秒以内に応答しませんでした",
		"%s stopped; starting it again":                                      "%s が止まりました。もう一度起動します",
		"%s keeps stopping (%s times in a minute); its output is in the log": "%s が何度も止まります (1 分間に %s 回)。出力はログにあります",
	})
	extend(language.Russian, map[string]string{
		"%s exited at start: %s":                                             "%s завершился при запуске: %s",
		"%s exited at start, and said nothing":                               "%s завершился при запуске, ничего не сообщив",
		"%s did not answer on %s within %s s":                                "%s не ответил на %s за %s с",
		"%s stopped; starting it again":                                      "%s остановился; запускаем его снова",
		"%s keeps stopping (%s times in a minute); its output is in the log": "%s постоянно останавливается (%s раз за минуту); его вывод — в журнале",
	})
	extend(language.SimplifiedChinese, map[string]string{
		"%s exited at start: %s":                                             "%s 在启动时退出：%s",
		"%s exited at start, and said nothing":                               "%s 在启动时退出，没有任何输出",
		"%s did not answer on %s within %s s":                                "%[1]s 未在 %[3]s 秒内于 %[2]s 上应答",
		"%s stopped; starting it again":                                      "%s 已停止；正在重新启动",
		"%s keeps stopping (%s times in a minute); its output is in the log": "%s 反复停止（一分钟内 %s 次）；它的输出在日志中",
	})
	extend(language.French, map[string]string{
		"%s exited at start: %s":                                             "%s s’est arrêté au démarrage : %s",
		"%s exited at start, and said nothing":                               "%s s’est arrêté au démarrage, sans rien dire",
		"%s did not answer on %s within %s s":                                "%s n’a pas répondu sur %s en %s s",
		"%s stopped; starting it again":                                      "%s s’est arrêté ; il est relancé",
		"%s keeps stopping (%s times in a minute); its output is in the log": "%s s’arrête sans cesse (%s fois en une minute) ; sa sortie est dans le journal",
	})
	extend(language.Spanish, map[string]string{
		"%s exited at start: %s":                                             "%s terminó al iniciarse: %s",
		"%s exited at start, and said nothing":                               "%s terminó al iniciarse, sin decir nada",
		"%s did not answer on %s within %s s":                                "%s no respondió en %s en %s s",
		"%s stopped; starting it again":                                      "%s se detuvo; se inicia de nuevo",
		"%s keeps stopping (%s times in a minute); its output is in the log": "%s se detiene una y otra vez (%s veces en un minuto); su salida está en el registro",
	})
	extend(language.BrazilianPortuguese, map[string]string{
		"%s exited at start: %s":                                             "%s terminou ao iniciar: %s",
		"%s exited at start, and said nothing":                               "%s terminou ao iniciar, sem dizer nada",
		"%s did not answer on %s within %s s":                                "%s não respondeu em %s em %s s",
		"%s stopped; starting it again":                                      "%s parou; iniciando de novo",
		"%s keeps stopping (%s times in a minute); its output is in the log": "%s continua parando (%s vezes em um minuto); a saída dele está no log",
	})
	extend(language.Italian, map[string]string{
		"%s exited at start: %s":                                             "%s è terminato all’avvio: %s",
		"%s exited at start, and said nothing":                               "%s è terminato all’avvio, senza dire nulla",
		"%s did not answer on %s within %s s":                                "%s non ha risposto su %s entro %s s",
		"%s stopped; starting it again":                                      "%s si è fermato; lo riavvio",
		"%s keeps stopping (%s times in a minute); its output is in the log": "%s continua a fermarsi (%s volte in un minuto); il suo output è nel log",
	})
}
