package words

import "golang.org/x/text/language"

// The words of sharing on a tailnet (app/tailnet.go).
//
// tailnetWords adds them to the catalogue.
func tailnetWords() {
	extend(language.English, same(
		"vncbridge: to share on your tailnet, log in to Tailscale at %s",
		"vncbridge: sharing on the tailnet at %s",
		"Share on my tailnet",
		"Only my own devices",
		"Copy tailnet link",
		"Log out of Tailscale",
		"Log in to Tailscale to share on your tailnet",
		"On the tailnet without HTTPS: turn it on in Tailscale's admin console",
		"Tailnet: %s",
		"Tailnet link",
		"Tailnet link copied",
		"Open it on a device of your tailnet; it carries the secret token.",
	))
	extend(language.German, map[string]string{
		"vncbridge: to share on your tailnet, log in to Tailscale at %s":        "vncbridge: Um in Ihrem Tailnet zu teilen, melden Sie sich bei Tailscale an: %s",
		"vncbridge: sharing on the tailnet at %s":                               "vncbridge: im Tailnet geteilt unter %s",
		"Share on my tailnet":                                                   "In meinem Tailnet teilen",
		"Only my own devices":                                                   "Nur meine eigenen Geräte",
		"Copy tailnet link":                                                     "Tailnet-Link kopieren",
		"Log out of Tailscale":                                                  "Von Tailscale abmelden",
		"Log in to Tailscale to share on your tailnet":                          "Bei Tailscale anmelden, um im Tailnet zu teilen",
		"On the tailnet without HTTPS: turn it on in Tailscale's admin console": "Im Tailnet ohne HTTPS: in der Tailscale-Verwaltungskonsole einschalten",
		"Tailnet: %s":         "Tailnet: %s",
		"Tailnet link":        "Tailnet-Link",
		"Tailnet link copied": "Tailnet-Link kopiert",
		"Open it on a device of your tailnet; it carries the secret token.": "Öffnen Sie ihn auf einem Gerät Ihres Tailnets; er enthält das geheime Token.",
	})
	extend(language.Japanese, map[string]string{
		"vncbridge: to share on your tailnet, log in to Tailscale at %s":        "vncbridge: tailnet で共有するには Tailscale にログインしてください: %s",
		"vncbridge: sharing on the tailnet at %s":                               "vncbridge: tailnet で共有中: %s",
		"Share on my tailnet":                                                   "自分の tailnet で共有",
		"Only my own devices":                                                   "自分のデバイスのみ",
		"Copy tailnet link":                                                     "tailnet のリンクをコピー",
		"Log out of Tailscale":                                                  "Tailscale からログアウト",
		"Log in to Tailscale to share on your tailnet":                          "tailnet で共有するには Tailscale にログイン",
		"On the tailnet without HTTPS: turn it on in Tailscale's admin console": "tailnet で HTTPS なし: Tailscale の管理コンソールで有効にしてください",
		"Tailnet: %s":         "tailnet: %s",
		"Tailnet link":        "tailnet のリンク",
		"Tailnet link copied": "tailnet のリンクをコピーしました",
		"Open it on a device of your tailnet; it carries the secret token.": "tailnet のデバイスで開いてください。秘密のトークンが含まれています。",
	})
	extend(language.Russian, map[string]string{
		"vncbridge: to share on your tailnet, log in to Tailscale at %s":        "vncbridge: чтобы показать экран в вашем tailnet, войдите в Tailscale: %s",
		"vncbridge: sharing on the tailnet at %s":                               "vncbridge: экран доступен в tailnet по адресу %s",
		"Share on my tailnet":                                                   "Показывать в моём tailnet",
		"Only my own devices":                                                   "Только мои устройства",
		"Copy tailnet link":                                                     "Копировать ссылку tailnet",
		"Log out of Tailscale":                                                  "Выйти из Tailscale",
		"Log in to Tailscale to share on your tailnet":                          "Войдите в Tailscale, чтобы показывать экран в tailnet",
		"On the tailnet without HTTPS: turn it on in Tailscale's admin console": "В tailnet без HTTPS: включите его в консоли администратора Tailscale",
		"Tailnet: %s":         "Tailnet: %s",
		"Tailnet link":        "Ссылка tailnet",
		"Tailnet link copied": "Ссылка tailnet скопирована",
		"Open it on a device of your tailnet; it carries the secret token.": "Откройте её на устройстве вашего tailnet; в ней секретный токен.",
	})
	extend(language.SimplifiedChinese, map[string]string{
		"vncbridge: to share on your tailnet, log in to Tailscale at %s":        "vncbridge：要在你的 tailnet 上共享，请登录 Tailscale：%s",
		"vncbridge: sharing on the tailnet at %s":                               "vncbridge：正在 tailnet 上共享：%s",
		"Share on my tailnet":                                                   "在我的 tailnet 上共享",
		"Only my own devices":                                                   "仅限我自己的设备",
		"Copy tailnet link":                                                     "复制 tailnet 链接",
		"Log out of Tailscale":                                                  "退出 Tailscale",
		"Log in to Tailscale to share on your tailnet":                          "登录 Tailscale 以在 tailnet 上共享",
		"On the tailnet without HTTPS: turn it on in Tailscale's admin console": "tailnet 未启用 HTTPS：请在 Tailscale 管理控制台中开启",
		"Tailnet: %s":         "tailnet：%s",
		"Tailnet link":        "tailnet 链接",
		"Tailnet link copied": "已复制 tailnet 链接",
		"Open it on a device of your tailnet; it carries the secret token.": "请在你的 tailnet 中的设备上打开；其中包含秘密令牌。",
	})
	extend(language.French, map[string]string{
		"vncbridge: to share on your tailnet, log in to Tailscale at %s":        "vncbridge : pour partager sur votre tailnet, connectez-vous à Tailscale : %s",
		"vncbridge: sharing on the tailnet at %s":                               "vncbridge : partagé sur le tailnet à %s",
		"Share on my tailnet":                                                   "Partager sur mon tailnet",
		"Only my own devices":                                                   "Seulement mes appareils",
		"Copy tailnet link":                                                     "Copier le lien du tailnet",
		"Log out of Tailscale":                                                  "Se déconnecter de Tailscale",
		"Log in to Tailscale to share on your tailnet":                          "Connectez-vous à Tailscale pour partager sur votre tailnet",
		"On the tailnet without HTTPS: turn it on in Tailscale's admin console": "Sur le tailnet sans HTTPS : activez-le dans la console d'administration de Tailscale",
		"Tailnet: %s":         "Tailnet : %s",
		"Tailnet link":        "Lien du tailnet",
		"Tailnet link copied": "Lien du tailnet copié",
		"Open it on a device of your tailnet; it carries the secret token.": "Ouvrez-le sur un appareil de votre tailnet ; il contient le jeton secret.",
	})
	extend(language.Spanish, map[string]string{
		"vncbridge: to share on your tailnet, log in to Tailscale at %s":        "vncbridge: para compartir en su tailnet, inicie sesión en Tailscale: %s",
		"vncbridge: sharing on the tailnet at %s":                               "vncbridge: compartiendo en la tailnet en %s",
		"Share on my tailnet":                                                   "Compartir en mi tailnet",
		"Only my own devices":                                                   "Solo mis dispositivos",
		"Copy tailnet link":                                                     "Copiar enlace de la tailnet",
		"Log out of Tailscale":                                                  "Cerrar sesión en Tailscale",
		"Log in to Tailscale to share on your tailnet":                          "Inicie sesión en Tailscale para compartir en su tailnet",
		"On the tailnet without HTTPS: turn it on in Tailscale's admin console": "En la tailnet sin HTTPS: actívelo en la consola de administración de Tailscale",
		"Tailnet: %s":         "Tailnet: %s",
		"Tailnet link":        "Enlace de la tailnet",
		"Tailnet link copied": "Enlace de la tailnet copiado",
		"Open it on a device of your tailnet; it carries the secret token.": "Ábralo en un dispositivo de su tailnet; lleva el token secreto.",
	})
	extend(language.BrazilianPortuguese, map[string]string{
		"vncbridge: to share on your tailnet, log in to Tailscale at %s":        "vncbridge: para compartilhar na sua tailnet, entre no Tailscale: %s",
		"vncbridge: sharing on the tailnet at %s":                               "vncbridge: compartilhando na tailnet em %s",
		"Share on my tailnet":                                                   "Compartilhar na minha tailnet",
		"Only my own devices":                                                   "Somente meus dispositivos",
		"Copy tailnet link":                                                     "Copiar link da tailnet",
		"Log out of Tailscale":                                                  "Sair do Tailscale",
		"Log in to Tailscale to share on your tailnet":                          "Entre no Tailscale para compartilhar na sua tailnet",
		"On the tailnet without HTTPS: turn it on in Tailscale's admin console": "Na tailnet sem HTTPS: ative-o no console de administração do Tailscale",
		"Tailnet: %s":         "Tailnet: %s",
		"Tailnet link":        "Link da tailnet",
		"Tailnet link copied": "Link da tailnet copiado",
		"Open it on a device of your tailnet; it carries the secret token.": "Abra-o em um dispositivo da sua tailnet; ele contém o token secreto.",
	})
	extend(language.Italian, map[string]string{
		"vncbridge: to share on your tailnet, log in to Tailscale at %s":        "vncbridge: per condividere nella tua tailnet, accedi a Tailscale: %s",
		"vncbridge: sharing on the tailnet at %s":                               "vncbridge: condiviso nella tailnet su %s",
		"Share on my tailnet":                                                   "Condividi nella mia tailnet",
		"Only my own devices":                                                   "Solo i miei dispositivi",
		"Copy tailnet link":                                                     "Copia link della tailnet",
		"Log out of Tailscale":                                                  "Esci da Tailscale",
		"Log in to Tailscale to share on your tailnet":                          "Accedi a Tailscale per condividere nella tua tailnet",
		"On the tailnet without HTTPS: turn it on in Tailscale's admin console": "Nella tailnet senza HTTPS: attivalo nella console di amministrazione di Tailscale",
		"Tailnet: %s":         "Tailnet: %s",
		"Tailnet link":        "Link della tailnet",
		"Tailnet link copied": "Link della tailnet copiato",
		"Open it on a device of your tailnet; it carries the secret token.": "Aprilo su un dispositivo della tua tailnet; contiene il token segreto.",
	})
}
