package assets

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// playerChecks runs in Node against web/player.js: the recording parser and
// the handshake replacement, on inputs written the way the proxy and
// websockify write them.
const playerChecks = `
const { parseRecording, prepare } = await import(process.env.PLAYER);
const eq = (what, got, want) => {
  if (JSON.stringify(got) !== JSON.stringify(want)) throw new Error(what + ": got " + JSON.stringify(got) + ", want " + JSON.stringify(want));
};
const bytes = (s) => Array.from(s, (c) => c.charCodeAt(0));
const str = (a) => a.map((b) => "\\x" + b.toString(16).padStart(2, "0")).join("");

// The proxy's escapes, websockify's, and a line cut short at the end.
let p = parseRecording("var VNC_frame_data = [\n" +
  "'{5{\\x00a\\\\\\'\\xff',\n" +
  "'}7}\\n\\t\\r\\\\\\'\\x80\\u00e9',\n" +
  "'}9{q',\n" +
  "'{12{cut sh");
eq("frames", p.frames.map((f) => [f.t, f.fromClient, Array.from(f.data)]),
  [[5, false, [0, 97, 92, 39, 255]], [7, true, [10, 9, 13, 92, 39, 128, 233]], [9, true, [113]]]);
eq("complete", p.complete, false);
eq("EOF", parseRecording("var VNC_frame_data = [\n'{1{a',\n'EOF'];\n").complete, true);
for (const bad of ["<html>", "var VNC_frame_data = [\n'{x{a',\n'EOF'];\n", "var VNC_frame_data = [\nalert(1)\n'EOF'];\n", "var VNC_frame_data = [\n'{1{\\u0100',\n'EOF'];\n"]) {
  let threw = false;
  try { parseRecording(bad); } catch (e) { threw = true; }
  eq("refused " + JSON.stringify(bad), threw, true);
}

// A session with a VNC password: everything before ServerInit is replaced
// by a handshake without security.
const serverInit = [2, 128, 1, 224, 32, 24, 0, 1, 0, 255, 0, 255, 0, 255, 16, 8, 0, 0, 0, 0, 0, 0, 0, 1, 120];
const challenge = new Array(16).fill(7), response = new Array(16).fill(9);
const rec = "var VNC_frame_data = [\n" + [
  ["{", 1, bytes("RFB 003.008\n")], ["}", 2, bytes("RFB 003.008\n")],
  ["{", 3, [1, 2]], ["}", 4, [2]], ["{", 5, challenge], ["}", 6, response],
  ["{", 7, [0, 0, 0, 0]], ["}", 8, [1]], ["{", 9, serverInit], ["{", 500, [0, 0, 0, 0]],
].map(([d, t, b]) => "'" + d + t + "{" + str(b) + "',\n").join("") + "'EOF'];\n";
let r = prepare(parseRecording(rec).frames, 700);
eq("replaced", r.replacedHandshake, true);
eq("duration", r.duration, 700);
eq("chunks", r.chunks.map((c) => [c.t, Array.from(c.data)]),
  [[1, [...bytes("RFB 003.008\n"), 1, 1, 0, 0, 0, 0]], [9, serverInit], [500, [0, 0, 0, 0]]]);

// Without a ClientInit to go by, the server's bytes are played as they are.
r = prepare(parseRecording(rec.replace("'}8{\\x01',\n", "")).frames);
eq("kept", r.replacedHandshake, false);
eq("kept chunks", r.chunks.length, 6);
eq("duration from the frames", r.duration, 500);
console.log("ok");
`

func TestPlayerParsesRecordings(t *testing.T) {
	node, err := exec.LookPath("node")
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("node is not installed (make deps installs it)")
		}
		t.Skip("node is not installed; run make deps (CI fails here instead of skipping)")
	}
	player, err := filepath.Abs("web/player.js")
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(node, "--input-type=module", "-e", playerChecks)
	cmd.Env = append(os.Environ(), "PLAYER=file://"+player)
	out, err := cmd.CombinedOutput()
	if err != nil || !strings.Contains(string(out), "ok") {
		t.Fatalf("%v\n%s", err, out)
	}
}
