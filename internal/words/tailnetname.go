package words

import "golang.org/x/text/language"

// The words of the node's name on the tailnet (app/tailnet_name.go).
func tailnetNameWords() {
	extend(language.English, same(
		"Name on my tailnet…",
		"Name on my tailnet",
		"This computer's name on your tailnet (letters, digits and -; empty for %s):",
		"%s is not a name on a tailnet: letters, digits and -, at most 63",
	))
	extend(language.German, map[string]string{
		"Name on my tailnet…": "Name in meinem Tailnet…",
		"Name on my tailnet":  "Name in meinem Tailnet",
		"This computer's name on your tailnet (letters, digits and -; empty for %s):": "Name dieses Computers in Ihrem Tailnet (Buchstaben, Ziffern und -; leer für %s):",
		"%s is not a name on a tailnet: letters, digits and -, at most 63":            "%s ist kein Name in einem Tailnet: Buchstaben, Ziffern und -, höchstens 63",
	})
	extend(language.Japanese, map[string]string{
		"Name on my tailnet…": "tailnet での名前…",
		"Name on my tailnet":  "tailnet での名前",
		"This computer's name on your tailnet (letters, digits and -; empty for %s):": "tailnet でのこのコンピューターの名前（英字、数字、- のみ。空欄なら %s）：",
		"%s is not a name on a tailnet: letters, digits and -, at most 63":            "%s は tailnet の名前に使えません。英字、数字、- で 63 文字までです",
	})
	extend(language.Russian, map[string]string{
		"Name on my tailnet…": "Имя в моём tailnet…",
		"Name on my tailnet":  "Имя в моём tailnet",
		"This computer's name on your tailnet (letters, digits and -; empty for %s):": "Имя этого компьютера в вашем tailnet (латинские буквы, цифры и -; пусто — %s):",
		"%s is not a name on a tailnet: letters, digits and -, at most 63":            "%s не подходит как имя в tailnet: латинские буквы, цифры и -, не более 63",
	})
	extend(language.SimplifiedChinese, map[string]string{
		"Name on my tailnet…": "在我的 tailnet 上的名称…",
		"Name on my tailnet":  "在我的 tailnet 上的名称",
		"This computer's name on your tailnet (letters, digits and -; empty for %s):": "本机在你的 tailnet 上的名称（字母、数字和 -；留空则为 %s）：",
		"%s is not a name on a tailnet: letters, digits and -, at most 63":            "%s 不能用作 tailnet 中的名称：只能用字母、数字和 -，最多 63 个",
	})
	extend(language.French, map[string]string{
		"Name on my tailnet…": "Nom dans mon tailnet…",
		"Name on my tailnet":  "Nom dans mon tailnet",
		"This computer's name on your tailnet (letters, digits and -; empty for %s):": "Nom de cet ordinateur dans votre tailnet (lettres, chiffres et - ; vide pour %s) :",
		"%s is not a name on a tailnet: letters, digits and -, at most 63":            "%s n’est pas un nom de tailnet : lettres, chiffres et -, 63 au plus",
	})
	extend(language.Spanish, map[string]string{
		"Name on my tailnet…": "Nombre en mi tailnet…",
		"Name on my tailnet":  "Nombre en mi tailnet",
		"This computer's name on your tailnet (letters, digits and -; empty for %s):": "Nombre de este equipo en su tailnet (letras, cifras y -; vacío para %s):",
		"%s is not a name on a tailnet: letters, digits and -, at most 63":            "%s no es un nombre de tailnet: letras, cifras y -, 63 como máximo",
	})
	extend(language.BrazilianPortuguese, map[string]string{
		"Name on my tailnet…": "Nome na minha tailnet…",
		"Name on my tailnet":  "Nome na minha tailnet",
		"This computer's name on your tailnet (letters, digits and -; empty for %s):": "Nome deste computador na sua tailnet (letras, números e -; vazio para %s):",
		"%s is not a name on a tailnet: letters, digits and -, at most 63":            "%s não é um nome de tailnet: letras, números e -, no máximo 63",
	})
	extend(language.Italian, map[string]string{
		"Name on my tailnet…": "Nome nella mia tailnet…",
		"Name on my tailnet":  "Nome nella mia tailnet",
		"This computer's name on your tailnet (letters, digits and -; empty for %s):": "Nome di questo computer nella tua tailnet (lettere, cifre e -; vuoto per %s):",
		"%s is not a name on a tailnet: letters, digits and -, at most 63":            "%s non è un nome di tailnet: lettere, cifre e -, al massimo 63",
	})
}
