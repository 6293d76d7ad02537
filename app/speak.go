package app

import (
	"encoding/json"
	"os"

	"vncbridge/internal/words"
)

// Speaking is the language the tray of paths speaks to a person on the
// command line: language (the --language flag) when given, else the
// "language" setting, else the system's. The settings file is only read:
// a broken one is left to the tray to keep aside.
func Speaking(paths Paths, language string) words.Printer {
	var s settings
	if b, err := os.ReadFile(paths.SettingsFile()); err == nil {
		var only struct {
			Language string `json:"language"`
		}
		if json.Unmarshal(b, &only) == nil {
			s.Language = only.Language
		}
	}
	return config{language: language, systemLanguages: words.System}.words(s)
}

// Reason is err's cause in w's words, for a person: the causes vncbridge
// knows in their language (a tray already running, a service not
// installed, a permission, a full disk…), anything else as the system
// words it. The log should keep err itself.
func Reason(w words.Printer, err error) string { return reason(w, err) }
