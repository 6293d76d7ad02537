// vncbridge's recordings player: noVNC's RFB client fed from a recording, in
// real time or fast, through a channel that looks like a WebSocket to it.
//
// A recording (the proxy's, or websockify's --record) is a script:
//
//   var VNC_frame_data = [
//   '{12{RFB 003.008\n',      <- to the viewer, 12 ms after the start
//   '}15{RFB 003.008\n',      <- from the viewer (websockify writes '}15}…')
//   'EOF'];
//
// It is parsed here as data, never run. The viewer's own messages are not
// replayed: the RFB client here makes its own, and they go nowhere. What the
// server sent before its ServerInit message (the greeting, the security
// types, a password challenge) is replaced by a handshake with no security,
// so a recording plays without the desktop's password and whatever the
// recorded viewer chose.

let RFB = null;

// loadRFB imports noVNC's RFB client, or says why it cannot.
export async function loadRFB() {
  if (!RFB) {
    RFB = (await import("./novnc/core/rfb.js")).default;
  }
  return RFB;
}

// parseRecording turns a recording's text into frames: {t (ms), fromClient,
// data (Uint8Array)}. A recording cut short (its program stopped, the disk
// was full) plays up to its last whole frame.
export function parseRecording(text) {
  if (!text.startsWith("var VNC_frame_data")) {
    throw new Error("This file is not a session recording (it does not start with “var VNC_frame_data”).");
  }
  const frames = [];
  let complete = false;
  let pos = text.indexOf("\n");
  while (pos >= 0 && pos + 1 < text.length) {
    const start = pos + 1;
    let end = text.indexOf("\n", start);
    if (end < 0) end = text.length;
    pos = end;
    if (text.startsWith("'EOF'", start)) {
      complete = true;
      break;
    }
    if (text.charCodeAt(start) !== 39 || text.charCodeAt(end - 1) !== 44 || text.charCodeAt(end - 2) !== 39) {
      if (end === text.length) break; // a last line cut in the middle
      throw new Error(`Line ${frames.length + 2} of the recording is not a frame.`);
    }
    const dir = text[start + 1];
    if (dir !== "{" && dir !== "}") throw new Error(`Frame ${frames.length + 1} has no direction.`);
    let i = start + 2;
    while (i < end && text.charCodeAt(i) >= 48 && text.charCodeAt(i) <= 57) i++;
    const t = parseInt(text.slice(start + 2, i), 10);
    if (!(t >= 0) || (text[i] !== "{" && text[i] !== "}")) {
      throw new Error(`Frame ${frames.length + 1} has no time.`);
    }
    frames.push({ t, fromClient: dir === "}", data: unescapeBytes(text, i + 1, end - 2) });
  }
  return { frames, complete };
}

// unescapeBytes decodes a single-quoted JavaScript string literal's inside,
// text[from:to], whose characters are bytes: what the proxy writes (\xNN,
// \\, \') and what Python's unicode_escape writes for websockify (\n, \t…).
function unescapeBytes(text, from, to) {
  const out = new Uint8Array(to - from);
  let n = 0;
  for (let i = from; i < to; ) {
    let c = text.charCodeAt(i++);
    if (c === 92) { // a backslash
      const e = text.charCodeAt(i++);
      switch (e) {
        case 120: c = hex(text, i, 2); i += 2; break; // \xNN
        case 117: c = hex(text, i, 4); i += 4; break; // \uNNNN
        case 110: c = 10; break; // \n
        case 114: c = 13; break; // \r
        case 116: c = 9; break; // \t
        case 98: c = 8; break; // \b
        case 102: c = 12; break; // \f
        case 118: c = 11; break; // \v
        case 48: c = 0; break; // \0
        default: c = e; // \\, \', \" and the rest stand for themselves
      }
    }
    if (!(c >= 0 && c <= 255)) throw new Error("The recording holds a character that is not a byte.");
    out[n++] = c;
  }
  return n === out.length ? out : out.slice(0, n);
}

// hex reads n hexadecimal digits at text[i]; NaN when they are not.
function hex(text, i, n) {
  let v = 0;
  for (let j = i; j < i + n; j++) {
    const c = text.charCodeAt(j) | 32; // lower case
    const d = c >= 48 && c <= 57 ? c - 48 : c >= 97 && c <= 102 ? c - 87 : NaN;
    v = v * 16 + d;
  }
  return v;
}

// A channel is what the RFB client reads and writes instead of a WebSocket:
// the player pushes the server's bytes in; what the client sends is dropped.
class ReplayChannel {
  constructor() {
    this.binaryType = "arraybuffer";
    this.protocol = "";
    this.readyState = "open";
    this.onopen = null;
    this.onmessage = null;
    this.onclose = null;
    this.onerror = null;
  }

  send() {}

  close() {
    if (this.readyState === "closed") return;
    this.readyState = "closed";
    if (this.onclose) this.onclose({ code: 1000, reason: "", wasClean: true });
  }

  push(bytes) {
    if (this.readyState !== "open" || !this.onmessage) return;
    const buf = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength ? bytes.buffer : bytes.slice().buffer;
    this.onmessage({ data: buf });
  }
}

// The handshake played to the client instead of the recorded one: version
// 3.8, one security type (None), security result OK.
const plainHandshake = new Uint8Array([
  ..."RFB 003.008\n".split("").map((c) => c.charCodeAt(0)), 1, 1, 0, 0, 0, 0,
]);

// plausibleServerInit tells whether a ServerInit message starts at b[i]:
// a sane size, pixel format and name length.
function plausibleServerInit(b, i) {
  if (i + 24 > b.length) return false;
  const w = (b[i] << 8) | b[i + 1], h = (b[i + 2] << 8) | b[i + 3];
  const bpp = b[i + 4], depth = b[i + 5];
  const nameLen = ((b[i + 20] << 24) | (b[i + 21] << 16) | (b[i + 22] << 8) | b[i + 23]) >>> 0;
  return w > 0 && h > 0 && [8, 16, 32].includes(bpp) && depth > 0 && depth <= bpp &&
    b[i + 6] <= 1 && b[i + 7] <= 1 && nameLen < 65536 && i + 24 + nameLen <= b.length;
}

// prepare turns frames into what the client is fed: chunks of server bytes
// with their times, the recorded handshake replaced when its end is found.
//
// The end is found by cause and effect: the viewer's ClientInit (one byte,
// 0 or 1) is what makes the server send ServerInit, so the server's bytes
// recorded before that frame end where ServerInit begins.
//
// The timeline lasts to the last frame, or to minDuration when longer (the
// session went on, unchanged, after its last frame).
export function prepare(frames, minDuration = 0) {
  let total = 0;
  for (const f of frames) if (!f.fromClient) total += f.data.length;
  const all = new Uint8Array(total);
  const chunks = [];
  const candidates = []; // where ServerInit may begin: checked once every server byte is known
  let off = 0, clientBytes = 0;
  for (const f of frames) {
    if (f.fromClient) {
      if (clientBytes >= 12 && f.data.length === 1 && f.data[0] <= 1) candidates.push(off);
      clientBytes += f.data.length;
      continue;
    }
    all.set(f.data, off);
    chunks.push({ t: f.t, start: off, end: off + f.data.length });
    off += f.data.length;
  }
  const at = candidates.find((c) => plausibleServerInit(all, c)) ?? -1;
  const out = at >= 0 ? [{ t: chunks.length ? chunks[0].t : 0, data: plainHandshake }] : [];
  for (const c of chunks) {
    const s = Math.max(c.start, at);
    if (s < c.end) out.push({ t: c.t, data: all.subarray(s, c.end) });
  }
  const last = frames.length ? frames[frames.length - 1].t : 0;
  return { chunks: out, duration: Math.max(last, minDuration), replacedHandshake: at >= 0 };
}

// idleGap is the stillness that "skip idle" jumps over, after showing
// idleShown of it.
const idleGap = 1000;
const idleShown = 500;

// Player plays a prepared recording into an element. Its state is read by
// the page (and the tests): position and duration in ms, playing, speed.
export class Player extends EventTarget {
  constructor(screen, rec) {
    super();
    this.screen = screen;
    this.chunks = rec.chunks;
    this.duration = rec.duration;
    this.replacedHandshake = rec.replacedHandshake;
    this.position = 0;
    this.speed = 1;
    this.skipIdle = false;
    this.playing = false;
    this.seeking = false; // a seek is feeding the client
    this.failed = "";
    this.rfb = null;
    this.next = 0; // the next chunk to feed
    this.timer = 0;
    this.seekToken = 0;
    this.reset();
  }

  // dropClient ends the client, if any, and empties the screen; the client's
  // disconnect event then finds it gone and says nothing.
  dropClient() {
    if (this.rfb) {
      const old = this.rfb;
      this.rfb = null;
      old.disconnect();
    }
    this.screen.replaceChildren();
  }

  // reset starts a new client at the beginning of the recording.
  reset() {
    this.dropClient();
    this.channel = new ReplayChannel();
    this.next = 0;
    this.position = 0;
    this.failed = "";
    const rfb = new RFB(this.screen, this.channel, { shared: true });
    rfb.viewOnly = true;
    rfb.focusOnClick = false;
    rfb.scaleViewport = true;
    rfb.resizeSession = false;
    rfb.addEventListener("credentialsrequired", () => {
      // Only when the handshake could not be replaced: any answer will do,
      // the recorded server accepted the real one.
      rfb.sendCredentials({ username: "", password: "", target: "" });
    });
    rfb.addEventListener("disconnect", (e) => {
      if (this.rfb !== rfb) return;
      this.failed = e.detail.clean ? "The recorded session ended." : "The VNC client could not read this recording any further (the browser's console says why).";
      this.pause();
      this.changed();
    });
    this.rfb = rfb;
  }

  // feedUntil gives the client every chunk up to time t, or up to limit
  // bytes, and reports whether chunks up to t remain.
  feedUntil(t, limit = Infinity) {
    let fed = 0;
    while (this.next < this.chunks.length && this.chunks[this.next].t <= t && fed < limit) {
      const c = this.chunks[this.next++];
      this.channel.push(c.data);
      fed += c.data.length;
    }
    return this.next < this.chunks.length && this.chunks[this.next].t <= t;
  }

  play() {
    // An empty recording has nothing to play: from its end, play would seek
    // to its start, which is its end, for ever.
    if (this.playing || this.failed || this.duration <= 0) return;
    if (this.position >= this.duration) {
      this.seek(0).then(() => this.play());
      return;
    }
    this.playing = true;
    this.last = performance.now();
    this.timer = setTimeout(() => this.tick(), 0);
    this.changed();
  }

  pause() {
    this.playing = false;
    clearTimeout(this.timer);
    this.changed();
  }

  setSpeed(s) {
    this.speed = s;
    this.changed();
  }

  setSkipIdle(on) {
    this.skipIdle = on;
    this.changed();
  }

  // tick advances the clock by the time that passed, times the speed.
  tick() {
    if (!this.playing) return;
    const now = performance.now();
    let pos = this.position + (now - this.last) * this.speed;
    this.last = now;
    const upcoming = this.chunks[this.next];
    const lastFed = this.next > 0 ? this.chunks[this.next - 1].t : 0;
    if (this.skipIdle && upcoming && upcoming.t - lastFed > idleGap && pos - lastFed >= idleShown) {
      pos = Math.max(pos, upcoming.t);
    }
    this.feedUntil(pos);
    this.position = Math.min(pos, this.duration);
    if (this.position >= this.duration) {
      this.feedUntil(Infinity);
      this.pause();
      return;
    }
    this.changed();
    this.timer = setTimeout(() => this.tick(), 15);
  }

  // seek moves to time t: forward by feeding what lies between as fast as
  // the client takes it, back by starting again from the beginning.
  async seek(t) {
    t = Math.max(0, Math.min(this.duration, t));
    const token = ++this.seekToken;
    const wasPlaying = this.playing;
    this.playing = false;
    clearTimeout(this.timer);
    if (t < this.position || this.failed) this.reset();
    this.seeking = true;
    this.changed();
    for (;;) {
      const more = this.feedUntil(t, 1 << 20);
      if (this.next > 0) this.position = Math.max(this.position, this.chunks[this.next - 1].t);
      if (!more) break;
      // noVNC holds further data while it decodes images (its _flushing);
      // waiting for it keeps its receive queue small.
      do {
        await new Promise((r) => setTimeout(r, 0));
        if (token !== this.seekToken) return;
      } while (this.rfb && this.rfb._flushing);
    }
    if (token !== this.seekToken) return;
    this.position = t;
    this.seeking = false;
    this.changed();
    if (wasPlaying && t < this.duration) this.play();
  }

  changed() {
    this.dispatchEvent(new Event("change"));
  }

  close() {
    this.pause();
    this.seekToken++;
    this.dropClient();
  }
}
