package app

import (
	"bufio"
	"os"
	"strconv"
	"strings"
)

// listeningPorts reads the TCP ports something listens on from /proc, without
// connecting to anything: a VNC server is greeted only when its port
// appears, so its log does not fill with the tray's visits.
func listeningPorts() (map[int]bool, bool) {
	ports := map[int]bool{}
	found := false
	for _, file := range []string{"/proc/net/tcp", "/proc/net/tcp6"} {
		f, err := os.Open(file)
		if err != nil {
			continue
		}
		found = true
		sc := bufio.NewScanner(f)
		sc.Scan() // the header
		for sc.Scan() {
			fields := strings.Fields(sc.Text())
			if len(fields) < 4 || fields[3] != "0A" { // 0A: LISTEN
				continue
			}
			_, hexPort, ok := strings.Cut(fields[1], ":")
			if p, err := strconv.ParseUint(hexPort, 16, 16); ok && err == nil {
				ports[int(p)] = true
			}
		}
		f.Close()
	}
	return ports, found
}
