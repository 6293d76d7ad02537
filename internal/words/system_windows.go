//go:build windows

package words

import "golang.org/x/sys/windows"

// System lists the languages of the person running vncbridge, best first:
// the user's preferred UI languages ("de-DE"), else nothing, so English.
func System() []string {
	langs, err := windows.GetUserPreferredUILanguages(windows.MUI_LANGUAGE_NAME)
	if err != nil {
		return nil
	}
	return langs
}
