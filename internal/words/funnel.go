package words

import "golang.org/x/text/language"

// The words of sharing on the internet through Tailscale Funnel
// (app/funnel.go).
//
// funnelWords adds them to the catalogue.
func funnelWords() {
	extend(language.English, same(
		"vncbridge: sharing on the internet at %s",
		"vncbridge: your tailnet does not allow sharing on the internet (Funnel); allow it at %s",
		"vncbridge: cannot share on the internet (Funnel): %s",
		"Share on the internet (Funnel)",
		"A public link for someone outside your tailnet; it carries the secret token, and you are asked before each viewer joins",
		"Copy internet link",
		"Your tailnet does not allow Funnel: allow it in Tailscale",
		"Funnel: %s",
		"Internet link",
		"Internet link copied",
		"Anyone with it can ask to join; it carries the secret token. You are asked before each viewer joins.",
	))
	extend(language.German, map[string]string{
		"vncbridge: sharing on the internet at %s":                                                                                "vncbridge: im Internet geteilt unter %s",
		"vncbridge: your tailnet does not allow sharing on the internet (Funnel); allow it at %s":                                 "vncbridge: Ihr Tailnet erlaubt das Teilen im Internet (Funnel) nicht; erlauben Sie es unter %s",
		"vncbridge: cannot share on the internet (Funnel): %s":                                                                    "vncbridge: Teilen im Internet (Funnel) nicht möglich: %s",
		"Share on the internet (Funnel)":                                                                                          "Im Internet teilen (Funnel)",
		"A public link for someone outside your tailnet; it carries the secret token, and you are asked before each viewer joins": "Ein öffentlicher Link für jemanden außerhalb Ihres Tailnets; er enthält das geheime Token, und Sie werden vor jedem Zuschauer gefragt",
		"Copy internet link": "Internet-Link kopieren",
		"Your tailnet does not allow Funnel: allow it in Tailscale": "Ihr Tailnet erlaubt Funnel nicht: in Tailscale erlauben",
		"Funnel: %s":           "Funnel: %s",
		"Internet link":        "Internet-Link",
		"Internet link copied": "Internet-Link kopiert",
		"Anyone with it can ask to join; it carries the secret token. You are asked before each viewer joins.": "Wer ihn hat, kann um Zutritt bitten; er enthält das geheime Token. Sie werden vor jedem Zuschauer gefragt.",
	})
	extend(language.Japanese, map[string]string{
		"vncbridge: sharing on the internet at %s":                                                                                "vncbridge: インターネットで共有中: %s",
		"vncbridge: your tailnet does not allow sharing on the internet (Funnel); allow it at %s":                                 "vncbridge: この tailnet ではインターネットでの共有 (Funnel) が許可されていません。次のページで許可してください: %s",
		"vncbridge: cannot share on the internet (Funnel): %s":                                                                    "vncbridge: インターネットで共有 (Funnel) できません: %s",
		"Share on the internet (Funnel)":                                                                                          "インターネットで共有 (Funnel)",
		"A public link for someone outside your tailnet; it carries the secret token, and you are asked before each viewer joins": "tailnet の外の人のための公開リンクです。秘密のトークンを含み、視聴者が参加する前に毎回確認されます",
		"Copy internet link": "インターネット用リンクをコピー",
		"Your tailnet does not allow Funnel: allow it in Tailscale": "この tailnet では Funnel が許可されていません: Tailscale で許可してください",
		"Funnel: %s":           "Funnel: %s",
		"Internet link":        "インターネット用リンク",
		"Internet link copied": "インターネット用リンクをコピーしました",
		"Anyone with it can ask to join; it carries the secret token. You are asked before each viewer joins.": "このリンクを持つ人は誰でも参加を求められます。秘密のトークンを含みます。視聴者が参加する前に毎回確認されます。",
	})
	extend(language.Russian, map[string]string{
		"vncbridge: sharing on the internet at %s":                                                                                "vncbridge: экран доступен в интернете по адресу %s",
		"vncbridge: your tailnet does not allow sharing on the internet (Funnel); allow it at %s":                                 "vncbridge: ваш tailnet не разрешает показ в интернете (Funnel); разрешите его здесь: %s",
		"vncbridge: cannot share on the internet (Funnel): %s":                                                                    "vncbridge: не удаётся показать экран в интернете (Funnel): %s",
		"Share on the internet (Funnel)":                                                                                          "Показывать в интернете (Funnel)",
		"A public link for someone outside your tailnet; it carries the secret token, and you are asked before each viewer joins": "Публичная ссылка для того, кто не в вашем tailnet; в ней секретный токен, и перед каждым зрителем вас спросят",
		"Copy internet link": "Копировать ссылку для интернета",
		"Your tailnet does not allow Funnel: allow it in Tailscale": "Ваш tailnet не разрешает Funnel: разрешите его в Tailscale",
		"Funnel: %s":           "Funnel: %s",
		"Internet link":        "Ссылка для интернета",
		"Internet link copied": "Ссылка для интернета скопирована",
		"Anyone with it can ask to join; it carries the secret token. You are asked before each viewer joins.": "Любой, у кого она есть, может попросить подключиться; в ней секретный токен. Перед каждым зрителем вас спросят.",
	})
	extend(language.SimplifiedChinese, map[string]string{
		"vncbridge: sharing on the internet at %s":                                                                                "vncbridge: 正在互联网上共享：%s",
		"vncbridge: your tailnet does not allow sharing on the internet (Funnel); allow it at %s":                                 "vncbridge: 你的 tailnet 不允许在互联网上共享（Funnel）；请在此处允许：%s",
		"vncbridge: cannot share on the internet (Funnel): %s":                                                                    "vncbridge: 无法在互联网上共享（Funnel）：%s",
		"Share on the internet (Funnel)":                                                                                          "在互联网上共享（Funnel）",
		"A public link for someone outside your tailnet; it carries the secret token, and you are asked before each viewer joins": "给 tailnet 之外的人的公开链接；它带有密钥令牌，每位观众加入前都会询问你",
		"Copy internet link": "复制互联网链接",
		"Your tailnet does not allow Funnel: allow it in Tailscale": "你的 tailnet 不允许 Funnel：请在 Tailscale 中允许",
		"Funnel: %s":           "Funnel：%s",
		"Internet link":        "互联网链接",
		"Internet link copied": "已复制互联网链接",
		"Anyone with it can ask to join; it carries the secret token. You are asked before each viewer joins.": "拿到它的任何人都可以请求加入；它带有密钥令牌。每位观众加入前都会询问你。",
	})
	extend(language.French, map[string]string{
		"vncbridge: sharing on the internet at %s":                                                                                "vncbridge : partagé sur Internet à %s",
		"vncbridge: your tailnet does not allow sharing on the internet (Funnel); allow it at %s":                                 "vncbridge : votre tailnet n’autorise pas le partage sur Internet (Funnel) ; autorisez-le ici : %s",
		"vncbridge: cannot share on the internet (Funnel): %s":                                                                    "vncbridge : impossible de partager sur Internet (Funnel) : %s",
		"Share on the internet (Funnel)":                                                                                          "Partager sur Internet (Funnel)",
		"A public link for someone outside your tailnet; it carries the secret token, and you are asked before each viewer joins": "Un lien public pour quelqu’un hors de votre tailnet ; il contient le jeton secret, et on vous demande avant chaque spectateur",
		"Copy internet link": "Copier le lien Internet",
		"Your tailnet does not allow Funnel: allow it in Tailscale": "Votre tailnet n’autorise pas Funnel : autorisez-le dans Tailscale",
		"Funnel: %s":           "Funnel : %s",
		"Internet link":        "Lien Internet",
		"Internet link copied": "Lien Internet copié",
		"Anyone with it can ask to join; it carries the secret token. You are asked before each viewer joins.": "Quiconque l’a peut demander à se joindre ; il contient le jeton secret. On vous demande avant chaque spectateur.",
	})
	extend(language.Spanish, map[string]string{
		"vncbridge: sharing on the internet at %s":                                                                                "vncbridge: compartiendo en internet en %s",
		"vncbridge: your tailnet does not allow sharing on the internet (Funnel); allow it at %s":                                 "vncbridge: su tailnet no permite compartir en internet (Funnel); permítalo en %s",
		"vncbridge: cannot share on the internet (Funnel): %s":                                                                    "vncbridge: no se puede compartir en internet (Funnel): %s",
		"Share on the internet (Funnel)":                                                                                          "Compartir en internet (Funnel)",
		"A public link for someone outside your tailnet; it carries the secret token, and you are asked before each viewer joins": "Un enlace público para alguien fuera de su tailnet; lleva el token secreto y se le pregunta antes de que entre cada espectador",
		"Copy internet link": "Copiar enlace de internet",
		"Your tailnet does not allow Funnel: allow it in Tailscale": "Su tailnet no permite Funnel: permítalo en Tailscale",
		"Funnel: %s":           "Funnel: %s",
		"Internet link":        "Enlace de internet",
		"Internet link copied": "Enlace de internet copiado",
		"Anyone with it can ask to join; it carries the secret token. You are asked before each viewer joins.": "Cualquiera que lo tenga puede pedir entrar; lleva el token secreto. Se le pregunta antes de que entre cada espectador.",
	})
	extend(language.BrazilianPortuguese, map[string]string{
		"vncbridge: sharing on the internet at %s":                                                                                "vncbridge: compartilhando na internet em %s",
		"vncbridge: your tailnet does not allow sharing on the internet (Funnel); allow it at %s":                                 "vncbridge: sua tailnet não permite compartilhar na internet (Funnel); permita em %s",
		"vncbridge: cannot share on the internet (Funnel): %s":                                                                    "vncbridge: não é possível compartilhar na internet (Funnel): %s",
		"Share on the internet (Funnel)":                                                                                          "Compartilhar na internet (Funnel)",
		"A public link for someone outside your tailnet; it carries the secret token, and you are asked before each viewer joins": "Um link público para alguém fora da sua tailnet; ele contém o token secreto, e você é consultado antes de cada espectador entrar",
		"Copy internet link": "Copiar link da internet",
		"Your tailnet does not allow Funnel: allow it in Tailscale": "Sua tailnet não permite o Funnel: permita no Tailscale",
		"Funnel: %s":           "Funnel: %s",
		"Internet link":        "Link da internet",
		"Internet link copied": "Link da internet copiado",
		"Anyone with it can ask to join; it carries the secret token. You are asked before each viewer joins.": "Qualquer pessoa com ele pode pedir para entrar; ele contém o token secreto. Você é consultado antes de cada espectador entrar.",
	})
	extend(language.Italian, map[string]string{
		"vncbridge: sharing on the internet at %s":                                                                                "vncbridge: condiviso su internet su %s",
		"vncbridge: your tailnet does not allow sharing on the internet (Funnel); allow it at %s":                                 "vncbridge: la tua tailnet non consente la condivisione su internet (Funnel); consentila qui: %s",
		"vncbridge: cannot share on the internet (Funnel): %s":                                                                    "vncbridge: impossibile condividere su internet (Funnel): %s",
		"Share on the internet (Funnel)":                                                                                          "Condividi su internet (Funnel)",
		"A public link for someone outside your tailnet; it carries the secret token, and you are asked before each viewer joins": "Un link pubblico per chi è fuori dalla tua tailnet; contiene il token segreto, e ti viene chiesto prima che entri ogni spettatore",
		"Copy internet link": "Copia link per internet",
		"Your tailnet does not allow Funnel: allow it in Tailscale": "La tua tailnet non consente Funnel: consentilo in Tailscale",
		"Funnel: %s":           "Funnel: %s",
		"Internet link":        "Link per internet",
		"Internet link copied": "Link per internet copiato",
		"Anyone with it can ask to join; it carries the secret token. You are asked before each viewer joins.": "Chiunque lo abbia può chiedere di entrare; contiene il token segreto. Ti viene chiesto prima che entri ogni spettatore.",
	})
}
