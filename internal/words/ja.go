package words

import "golang.org/x/text/language"

// Japanese has no plural forms: each plural message has only "other".
var japanese = dictionary{
	tag: language.Japanese,
	words: map[string]string{
		"Stop sharing":          "共有を停止",
		"Start sharing":         "共有を開始",
		"Open in browser":       "ブラウザーで開く",
		"Certificate %s":        "証明書 %s",
		"Copy share link":       "共有リンクをコピー",
		"Copy view-only link":   "閲覧専用リンクをコピー",
		"Record sessions":       "セッションを録画",
		"Recordings…":           "録画…",
		"Allow other computers": "他のコンピューターを許可",
		"About vncbridge %s":    "vncbridge %s について",
		"Quit":                  "終了",

		"Listen port":                          "待ち受けポート",
		"Other…":                               "その他…",
		"Target VNC server":                    "接続先 VNC サーバー",
		"No VNC server found on this computer": "このコンピューターに VNC サーバーがありません",
		"All monitors":                         "すべてのモニター",
		"%s (saved)":                           "%s (保存済み)",

		"Run in background": "バックグラウンド実行",
		"No background service here: use Start at login": "バックグラウンドサービスは使えません: 「ログイン時に起動」を使ってください",
		"Install as service":                             "サービスとしてインストール",
		"Uninstall service":                              "サービスをアンインストール",
		"Start service":                                  "サービスを開始",
		"Stop service":                                   "サービスを停止",
		"Start at login":                                 "ログイン時に起動",
		"Share when vncbridge starts":                    "vncbridge の起動時に共有",

		"Viewers":                           "視聴者",
		"Disconnect":                        "切断",
		"Nobody is watching":                "視聴者はいません",
		"Disconnect all":                    "すべて切断",
		"Notify when viewers join or leave": "視聴者の参加と退出を通知",
		"Ask before a viewer joins":         "視聴者の参加前に確認",

		"Keep recordings":      "録画の保存期間",
		"For ever":             "無期限",
		"Up to %d GiB":         "%d GiB まで",
		"Without a size limit": "サイズ制限なし",

		"Stopped":                  "停止中",
		"at %s":                    "%s で",
		"on the network at %s":     "ネットワークの %s で",
		"no viewers":               "視聴者なし",
		"Nothing to share %s — %s": "共有するものがありません %s — %s",
		"Nothing to share %s — %s; choose %s in Target VNC server": "共有するものがありません %s — %s。「接続先 VNC サーバー」で %s を選んでください",
		"Sharing %s %s — %s":                    "%s を共有中 %s — %s",
		"Sharing %s %s — %s — %s":               "%s を共有中 %s — %s — %s",
		"Sharing %s at %s (background service)": "%s を %s で共有中 (バックグラウンドサービス)",
	},
	plurals: map[string]forms{
		"%d viewers":  {"other": "視聴者 %d 人"},
		"For %d days": {"other": "%d 日間"},
	},
}
