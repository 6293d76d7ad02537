//go:build windows || darwin

package words

// System lists the languages of the person running vncbridge, best first.
// On Windows and macOS it lists none yet, so the tray speaks English there
// (the user's UI language and the preferred languages are a later step);
// the language setting and --language choose another.
func System() []string { return nil }
