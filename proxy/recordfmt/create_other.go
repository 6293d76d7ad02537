//go:build !unix

package recordfmt

// noFollow is not needed here: on Windows, O_EXCL alone refuses an
// existing link.
const noFollow = 0

// OthersCanWrite tells why other users can write to dir; it only knows
// Unix permissions, and says "" elsewhere.
func OthersCanWrite(dir string) string { return "" }
