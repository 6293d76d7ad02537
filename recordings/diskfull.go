package recordings

import "errors"

// IsDiskFull tells whether err, from writing a recording, means that the
// disk (or the user's quota) is full.
func IsDiskFull(err error) bool {
	for _, e := range diskFullErrors {
		if errors.Is(err, e) {
			return true
		}
	}
	return false
}
