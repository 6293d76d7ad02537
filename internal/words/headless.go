package words

import "golang.org/x/text/language"

// The lines of a run without a tray (headless) and of a second launch, the
// place of a monitor in the Monitors menu ("DP-1, 2560×1440, on the
// left"), the tooltip of This desktop, and the viewers a quit disconnects.
//
// headlessWords adds them to the catalogue.
func headlessWords() {
	extend(language.English, same(
		"%s not applied: the running vncbridge keeps its settings; change them in its menu, or quit it first",
		"the log cannot be opened: %s",
		"on the left", "on the right", "at the top", "at the bottom", "in the middle",
		"vncbridge starts %s while it shares, on a private socket",
		"The settings in %s could not be read, so vncbridge uses the defaults; the log says why",
		"The \"language\" setting in %s is %s, which vncbridge does not speak; it speaks %s",
	))
	extendPlurals(language.English, map[string]forms{"%d viewers were disconnected when vncbridge quit": {"one": "%d viewer was disconnected when vncbridge quit", "other": "%d viewers were disconnected when vncbridge quit"}})
	extend(language.German, map[string]string{
		"The settings in %s could not be read, so vncbridge uses the defaults; the log says why":              "Die Einstellungen in %s konnten nicht gelesen werden, daher nutzt vncbridge die Vorgaben; das Protokoll sagt, warum",
		"The \"language\" setting in %s is %s, which vncbridge does not speak; it speaks %s":                  "Die Einstellung \"language\" in %s ist %s, und diese Sprache spricht vncbridge nicht; es spricht %s",
		"%s not applied: the running vncbridge keeps its settings; change them in its menu, or quit it first": "%s nicht übernommen: das laufende vncbridge behält seine Einstellungen; ändern Sie sie in seinem Menü, oder beenden Sie es zuerst",
		"the log cannot be opened: %s": "das Protokoll kann nicht geöffnet werden: %s",
		"on the left":                  "links",
		"on the right":                 "rechts",
		"at the top":                   "oben",
		"at the bottom":                "unten",
		"in the middle":                "in der Mitte",
		"vncbridge starts %s while it shares, on a private socket": "vncbridge startet %s während der Freigabe, an einem privaten Socket",
	})
	extendPlurals(language.German, map[string]forms{"%d viewers were disconnected when vncbridge quit": {"one": "%d Zuschauer wurde beim Beenden von vncbridge getrennt", "other": "%d Zuschauer wurden beim Beenden von vncbridge getrennt"}})
	extend(language.Japanese, map[string]string{
		"The settings in %s could not be read, so vncbridge uses the defaults; the log says why":              "%s の設定を読み込めなかったため、vncbridge は既定の設定を使います。理由はログにあります",
		"The \"language\" setting in %s is %s, which vncbridge does not speak; it speaks %s":                  "%s の \"language\" 設定は %s ですが、vncbridge はこの言語を話せません。話せるのは %s です",
		"%s not applied: the running vncbridge keeps its settings; change them in its menu, or quit it first": "%s は適用されません: 動いている vncbridge は設定を保ちます。そのメニューで変えるか、先に終了してください",
		"the log cannot be opened: %s": "ログを開けません: %s",
		"on the left":                  "左",
		"on the right":                 "右",
		"at the top":                   "上",
		"at the bottom":                "下",
		"in the middle":                "中央",
		"vncbridge starts %s while it shares, on a private socket": "共有中は vncbridge が %s を専用のソケットで起動します",
	})
	extendPlurals(language.Japanese, map[string]forms{"%d viewers were disconnected when vncbridge quit": {"other": "vncbridge の終了で視聴者 %d 人を切断しました"}})
	extend(language.Russian, map[string]string{
		"The settings in %s could not be read, so vncbridge uses the defaults; the log says why":              "Не удалось прочитать настройки из %s, поэтому vncbridge использует значения по умолчанию; причина — в журнале",
		"The \"language\" setting in %s is %s, which vncbridge does not speak; it speaks %s":                  "Настройка \"language\" в %s — %s, но vncbridge не говорит на этом языке; он говорит на %s",
		"%s not applied: the running vncbridge keeps its settings; change them in its menu, or quit it first": "%s не применено: запущенный vncbridge сохраняет свои настройки; измените их в его меню или сначала закройте его",
		"the log cannot be opened: %s": "не удаётся открыть журнал: %s",
		"on the left":                  "слева",
		"on the right":                 "справа",
		"at the top":                   "сверху",
		"at the bottom":                "снизу",
		"in the middle":                "в середине",
		"vncbridge starts %s while it shares, on a private socket": "на время показа vncbridge запускает %s на закрытом сокете",
	})
	extendPlurals(language.Russian, map[string]forms{"%d viewers were disconnected when vncbridge quit": {"one": "При выходе из vncbridge отключён %d зритель", "few": "При выходе из vncbridge отключены %d зрителя", "many": "При выходе из vncbridge отключено %d зрителей", "other": "При выходе из vncbridge отключено %d зрителя"}})
	extend(language.SimplifiedChinese, map[string]string{
		"The settings in %s could not be read, so vncbridge uses the defaults; the log says why":              "无法读取 %s 中的设置，vncbridge 使用默认设置；原因见日志",
		"The \"language\" setting in %s is %s, which vncbridge does not speak; it speaks %s":                  "%s 中的 \"language\" 设置为 %s，vncbridge 不支持该语言；支持的语言：%s",
		"%s not applied: the running vncbridge keeps its settings; change them in its menu, or quit it first": "%s 未生效：正在运行的 vncbridge 保留它的设置；请在它的菜单中更改，或先退出它",
		"the log cannot be opened: %s": "无法打开日志：%s",
		"on the left":                  "左侧",
		"on the right":                 "右侧",
		"at the top":                   "上方",
		"at the bottom":                "下方",
		"in the middle":                "中间",
		"vncbridge starts %s while it shares, on a private socket": "共享期间 vncbridge 会在私有套接字上启动 %s",
	})
	extendPlurals(language.SimplifiedChinese, map[string]forms{"%d viewers were disconnected when vncbridge quit": {"other": "vncbridge 退出时断开了 %d 位观众"}})
	extend(language.French, map[string]string{
		"The settings in %s could not be read, so vncbridge uses the defaults; the log says why":              "Les réglages de %s n’ont pas pu être lus : vncbridge utilise les valeurs par défaut ; le journal dit pourquoi",
		"The \"language\" setting in %s is %s, which vncbridge does not speak; it speaks %s":                  "Le réglage \"language\" de %s vaut %s, une langue que vncbridge ne parle pas ; il parle %s",
		"%s not applied: the running vncbridge keeps its settings; change them in its menu, or quit it first": "%s non appliqué : le vncbridge en cours garde ses réglages ; changez-les dans son menu, ou quittez-le d’abord",
		"the log cannot be opened: %s": "impossible d’ouvrir le journal : %s",
		"on the left":                  "à gauche",
		"on the right":                 "à droite",
		"at the top":                   "en haut",
		"at the bottom":                "en bas",
		"in the middle":                "au milieu",
		"vncbridge starts %s while it shares, on a private socket": "vncbridge lance %s pendant le partage, sur un socket privé",
	})
	extendPlurals(language.French, map[string]forms{"%d viewers were disconnected when vncbridge quit": {"one": "%d spectateur a été déconnecté quand vncbridge a quitté", "other": "%d spectateurs ont été déconnectés quand vncbridge a quitté"}})
	extend(language.Spanish, map[string]string{
		"The settings in %s could not be read, so vncbridge uses the defaults; the log says why":              "No se pudo leer la configuración de %s, así que vncbridge usa los valores predeterminados; el registro dice por qué",
		"The \"language\" setting in %s is %s, which vncbridge does not speak; it speaks %s":                  "El ajuste \"language\" de %s es %s, un idioma que vncbridge no habla; habla %s",
		"%s not applied: the running vncbridge keeps its settings; change them in its menu, or quit it first": "%s no aplicado: el vncbridge en marcha conserva su configuración; cámbiela en su menú, o ciérrelo primero",
		"the log cannot be opened: %s": "no se puede abrir el registro: %s",
		"on the left":                  "a la izquierda",
		"on the right":                 "a la derecha",
		"at the top":                   "arriba",
		"at the bottom":                "abajo",
		"in the middle":                "en el centro",
		"vncbridge starts %s while it shares, on a private socket": "vncbridge inicia %s mientras comparte, en un socket privado",
	})
	extendPlurals(language.Spanish, map[string]forms{"%d viewers were disconnected when vncbridge quit": {"one": "Se desconectó %d espectador al salir de vncbridge", "other": "Se desconectaron %d espectadores al salir de vncbridge"}})
	extend(language.BrazilianPortuguese, map[string]string{
		"The settings in %s could not be read, so vncbridge uses the defaults; the log says why":              "Não foi possível ler as configurações em %s, então o vncbridge usa os valores padrão; o log diz por quê",
		"The \"language\" setting in %s is %s, which vncbridge does not speak; it speaks %s":                  "A configuração \"language\" em %s é %s, um idioma que o vncbridge não fala; ele fala %s",
		"%s not applied: the running vncbridge keeps its settings; change them in its menu, or quit it first": "%s não aplicado: o vncbridge em execução mantém as configurações dele; mude-as no menu dele, ou feche-o antes",
		"the log cannot be opened: %s": "não foi possível abrir o log: %s",
		"on the left":                  "à esquerda",
		"on the right":                 "à direita",
		"at the top":                   "em cima",
		"at the bottom":                "embaixo",
		"in the middle":                "no meio",
		"vncbridge starts %s while it shares, on a private socket": "o vncbridge inicia o %s enquanto compartilha, em um socket privado",
	})
	extendPlurals(language.BrazilianPortuguese, map[string]forms{"%d viewers were disconnected when vncbridge quit": {"one": "%d espectador foi desconectado quando o vncbridge foi fechado", "other": "%d espectadores foram desconectados quando o vncbridge foi fechado"}})
	extend(language.Italian, map[string]string{
		"The settings in %s could not be read, so vncbridge uses the defaults; the log says why":              "Impossibile leggere le impostazioni in %s, quindi vncbridge usa i valori predefiniti; il log dice perché",
		"The \"language\" setting in %s is %s, which vncbridge does not speak; it speaks %s":                  "L’impostazione \"language\" in %s è %s, una lingua che vncbridge non parla; parla %s",
		"%s not applied: the running vncbridge keeps its settings; change them in its menu, or quit it first": "%s non applicato: il vncbridge in esecuzione mantiene le sue impostazioni; cambiale nel suo menu, o prima chiudilo",
		"the log cannot be opened: %s": "impossibile aprire il log: %s",
		"on the left":                  "a sinistra",
		"on the right":                 "a destra",
		"at the top":                   "in alto",
		"at the bottom":                "in basso",
		"in the middle":                "al centro",
		"vncbridge starts %s while it shares, on a private socket": "vncbridge avvia %s durante la condivisione, su un socket privato",
	})
	extendPlurals(language.Italian, map[string]forms{"%d viewers were disconnected when vncbridge quit": {"one": "%d spettatore è stato disconnesso alla chiusura di vncbridge", "other": "%d spettatori sono stati disconnessi alla chiusura di vncbridge"}})
}
