package words

import "golang.org/x/text/language"

// Chinese has no plural forms: each plural message has only "other".
var chinese = dictionary{
	tag: language.SimplifiedChinese,
	words: map[string]string{
		"Stop sharing":          "停止共享",
		"Start sharing":         "开始共享",
		"Open in browser":       "在浏览器中打开",
		"Certificate %s":        "证书 %s",
		"Copy share link":       "复制共享链接",
		"Copy view-only link":   "复制只读链接",
		"Record sessions":       "录制会话",
		"Recordings…":           "录像…",
		"Allow other computers": "允许其他计算机",
		"About vncbridge %s":    "关于 vncbridge %s",
		"Quit":                  "退出",

		"Listen port":                          "监听端口",
		"Other…":                               "其他…",
		"Target VNC server":                    "目标",
		"No VNC server found on this computer": "此计算机上没有 VNC 服务器",
		"All monitors":                         "所有显示器",
		"%s (saved)":                           "%s（已保存）",

		"Run in background": "后台运行",
		"No background service here: use Start at login": "此处没有后台服务：请使用“登录时启动”",
		"Install as service":                             "安装为服务",
		"Uninstall service":                              "卸载服务",
		"Start service":                                  "启动服务",
		"Stop service":                                   "停止服务",
		"Start at login":                                 "登录时启动",
		"Share when vncbridge starts":                    "vncbridge 启动时共享",

		"Viewers":                           "观众",
		"Disconnect":                        "断开",
		"Nobody is watching":                "没有人在看",
		"Disconnect all":                    "全部断开",
		"Notify when viewers join or leave": "观众加入或离开时通知",
		"Ask before a viewer joins":         "观众加入前询问",

		"Keep recordings":      "保留录像",
		"For ever":             "永久",
		"Up to %d GiB":         "最多 %d GiB",
		"Without a size limit": "不限大小",

		"Stopped":                  "已停止",
		"at %s":                    "地址 %s",
		"on the network at %s":     "在网络上，地址 %s",
		"no viewers":               "没有观众",
		"Nothing to share %s — %s": "没有可共享的内容 %s — %s",
		"Nothing to share %s — %s; choose %s in Target VNC server": "没有可共享的内容 %s — %s；请在“目标”中选择 %s",
		"Sharing %s %s — %s":                    "正在共享 %s %s — %s",
		"Sharing %s %s — %s — %s":               "正在共享 %s %s — %s — %s",
		"Sharing %s at %s (background service)": "正在共享 %s，地址 %s（后台服务）",
	},
	plurals: map[string]forms{
		"%d viewers":  {"other": "%d 位观众"},
		"For %d days": {"other": "%d 天"},
	},
}
