package peeruser

import (
	"encoding/binary"
	"errors"
	"net/netip"
	"unsafe"

	"golang.org/x/sys/windows"
)

// golang.org/x/sys/windows has no GetExtendedTcpTable: it is called here.
var getExtendedTCPTable = windows.NewLazySystemDLL("iphlpapi.dll").NewProc("GetExtendedTcpTable")

const tcpTableOwnerPIDAll = 5 // TCP_TABLE_OWNER_PID_ALL

// underWine: Wine's table of connections finds a connection's process by
// going through every process's files, which takes seconds on a busy
// machine (measured: the tests' sessions waited 6 s and more for it); its
// processes are all one user's anyway. Nothing is judged there.
var underWine = windows.NewLazySystemDLL("ntdll.dll").NewProc("wine_get_version").Find() == nil

// samePeer finds the process that owns the peer's end of the connection
// and compares its user with this process's. A process of another user
// that this one may not even query is another user's.
func samePeer(local, peer netip.AddrPort) (same, known bool) {
	if underWine {
		return false, false
	}
	pid, ok := owningPID(peer, local)
	if !ok || pid == 0 {
		return false, false
	}
	h, err := windows.OpenProcess(windows.PROCESS_QUERY_LIMITED_INFORMATION, false, pid)
	if errors.Is(err, windows.ERROR_ACCESS_DENIED) {
		return false, true
	}
	if err != nil {
		return false, false
	}
	defer windows.CloseHandle(h)
	var tok windows.Token
	if err := windows.OpenProcessToken(h, windows.TOKEN_QUERY, &tok); err != nil {
		return false, errors.Is(err, windows.ERROR_ACCESS_DENIED)
	}
	defer tok.Close()
	theirs, err := tok.GetTokenUser()
	if err != nil {
		return false, false
	}
	mine, err := windows.GetCurrentProcessToken().GetTokenUser()
	if err != nil {
		return false, false
	}
	return windows.EqualSid(theirs.User.Sid, mine.User.Sid), true
}

// owningPID returns the process owning the TCP connection from local to
// remote, from the system's table of the address family.
func owningPID(local, remote netip.AddrPort) (uint32, bool) {
	family, rowSize := uint32(windows.AF_INET), 24 // MIB_TCPROW_OWNER_PID
	if local.Addr().Is6() {
		family, rowSize = windows.AF_INET6, 56 // MIB_TCP6ROW_OWNER_PID
	}
	var size uint32
	getExtendedTCPTable.Call(0, uintptr(unsafe.Pointer(&size)), 0, uintptr(family), tcpTableOwnerPIDAll, 0)
	for range 3 { // the table may grow between the calls
		if size == 0 {
			return 0, false
		}
		buf := make([]byte, size)
		r, _, _ := getExtendedTCPTable.Call(uintptr(unsafe.Pointer(&buf[0])), uintptr(unsafe.Pointer(&size)), 0,
			uintptr(family), tcpTableOwnerPIDAll, 0)
		if r == uintptr(windows.ERROR_INSUFFICIENT_BUFFER) {
			continue
		}
		if r != 0 {
			return 0, false
		}
		n := int(binary.LittleEndian.Uint32(buf))
		for i := range n {
			off := 4 + i*rowSize
			if off+rowSize > len(buf) {
				break
			}
			if l, rem, pid := parseRow(buf[off:off+rowSize], family); l == local && rem == remote {
				return pid, true
			}
		}
		return 0, false
	}
	return 0, false
}

// parseRow reads one row: addresses in network order, ports in the low 16
// bits of a DWORD in network order.
func parseRow(row []byte, family uint32) (local, remote netip.AddrPort, pid uint32) {
	port := func(b []byte) uint16 { return binary.BigEndian.Uint16(b[:2]) }
	if family == windows.AF_INET {
		la, _ := netip.AddrFromSlice(row[4:8])
		ra, _ := netip.AddrFromSlice(row[12:16])
		return netip.AddrPortFrom(la, port(row[8:])), netip.AddrPortFrom(ra, port(row[16:])),
			binary.LittleEndian.Uint32(row[20:])
	}
	la, _ := netip.AddrFromSlice(row[0:16])
	ra, _ := netip.AddrFromSlice(row[24:40])
	return netip.AddrPortFrom(la.Unmap(), port(row[20:])), netip.AddrPortFrom(ra.Unmap(), port(row[44:])),
		binary.LittleEndian.Uint32(row[52:])
}
