//go:build !windows && !darwin

package words

import "os"

// System lists the languages of the person running vncbridge, best first.
func System() []string { return FromEnvironment(os.Getenv) }
