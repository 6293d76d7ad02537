package proxy

import (
	"encoding/json"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/gobwas/ws"

	"vncbridge/internal/testnet"
)

// recordedFrame is a frame of a recording as Node reads it.
type recordedFrame struct {
	FromClient bool  `json:"fromClient"`
	Time       int   `json:"time"`
	Data       []int `json:"data"`
}

// loadRecording evaluates a recording in Node and decodes its frames the way
// noVNC's player does.
func loadRecording(t *testing.T, path string) []recordedFrame {
	t.Helper()
	node := testnet.RequireTools(t, "node")
	const script = `
const fs = require('fs'), vm = require('vm');
const ctx = {};
vm.runInNewContext(fs.readFileSync(process.argv[1], 'latin1') + '; this.frames = VNC_frame_data;', ctx);
const frames = ctx.frames;
if (frames[frames.length - 1] !== 'EOF') throw new Error('no EOF at the end');
const out = frames.slice(0, -1).map(f => {
  const i = f.indexOf('{', 1);
  const data = [];
  for (let j = i + 1; j < f.length; j++) data.push(f.charCodeAt(j));
  return {fromClient: f[0] === '}', time: parseInt(f.slice(1, i)), data};
});
console.log(JSON.stringify(out));
`
	out, err := exec.Command(node, "-e", script, path).CombinedOutput()
	if err != nil {
		t.Fatalf("node could not load %s: %v\n%s", path, err, out)
	}
	var frames []recordedFrame
	if err := json.Unmarshal(out, &frames); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	return frames
}

func TestRecordingLoadsInNode(t *testing.T) {
	prefix := filepath.Join(t.TempDir(), "session")
	tg := startTarget(t)
	srv, addr, _ := startServer(t, Config{Target: tg.addr(), Record: prefix})
	c := dialWS(t, addr)
	tc := tg.accept(t)

	greeting := []byte("RFB 003.008\n")
	tc.Write(greeting)
	c.readData(len(greeting))
	every := make([]byte, 256) // every byte value, quotes and backslashes among them
	for i := range every {
		every[i] = byte(i)
	}
	c.send(ws.OpBinary, every)
	got := make([]byte, 256)
	tc.SetReadDeadline(time.Now().Add(5 * time.Second))
	if _, err := tc.Read(got[:1]); err != nil {
		t.Fatal(err)
	}
	c.write(closeFrame(1000, ""))
	c.expectClose()
	testnet.WaitFor(t, "the session to end", func() bool { return srv.Sessions() == 0 })

	frames := loadRecording(t, prefix+".1")
	var toClient, fromClient []byte
	for _, f := range frames {
		b := make([]byte, len(f.Data))
		for i, v := range f.Data {
			if v > 255 {
				t.Fatalf("character %d is not a byte", v)
			}
			b[i] = byte(v)
		}
		if f.FromClient {
			fromClient = append(fromClient, b...)
		} else {
			toClient = append(toClient, b...)
		}
		if f.Time < 0 || f.Time > 60_000 {
			t.Fatalf("frame time %d ms", f.Time)
		}
	}
	if string(toClient) != string(greeting) || string(fromClient) != string(every) {
		t.Fatalf("recording holds %q to the client and %q from it", toClient, fromClient)
	}
}
