//go:build darwin

package words

import "os/exec"

// System lists the languages of the person running vncbridge, best first:
// the preferred languages of System Settings (AppleLanguages), else
// nothing, so English.
func System() []string {
	out, err := exec.Command("defaults", "read", "-g", "AppleLanguages").Output()
	if err != nil {
		return nil
	}
	return parseAppleLanguages(string(out))
}
