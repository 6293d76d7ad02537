// vncbridge's viewer: noVNC's RFB client, driven by a user interface of our
// own, connected to this proxy.
//
// Query parameters (noVNC's names): host and port (this page's own, unless
// its proxy lets it connect elsewhere), path, encrypt, password,
// autoconnect, token (added to the path as ?token=), repeaterID, lang, and
// the settings (settings.js): resize (scale | remote | off), quality,
// compression, view_only, show_dot, shared, reconnect, reconnect_delay (ms),
// logging, zoom (zoom.js). The page's state is in <body data-state>: idle,
// connecting, password, connected, disconnected or failed; while a
// reconnect is counted down, <body data-reconnect="pending">. F8 moves the
// keyboard from the desktop to the toolbar and back.

import { t, setLanguage, chooseLanguage, translatePage } from "./i18n.js";
import * as settingsStore from "./settings.js";
import { explain, details } from "./failure.js";
import { wireKeys, setKeysyms, releaseHeld, refocus } from "./keys.js";
import { $, parseYes, exposeForTests } from "./page.js";
import { zoomable, wireZoom } from "./zoom.js";
import { newSessionKey, withSessionKey, filesBase, wireFiles, followFiles, showOffers } from "./files.js";
import { followViewers } from "./viewers.js";

const params = new URLSearchParams(location.search);
setLanguage(params.get("lang") || chooseLanguage(navigator.languages || [navigator.language]));
translatePage();

function flag(name, fallback) {
  return params.has(name) ? parseYes(params.get(name)) : fallback;
}

// endpoint is where this proxy listens: the page's own host and port, with
// the scheme of the page (wss when it came over https) and the path of its
// address. url has the token; address, without it, is the key the settings
// are remembered under. elsewhere is the host:port that host and port point
// to when it is not this page's own.
function endpoint() {
  const secure = flag("encrypt", location.protocol === "https:");
  const host = params.get("host") || location.hostname;
  const port = params.get("port") ?? location.port;
  const path = (params.get("path") ?? "websockify").replace(/^\//, "");
  const h = host.includes(":") && !host.startsWith("[") ? "[" + host + "]" : host;
  const address = (secure ? "wss" : "ws") + "://" + h + (port ? ":" + port : "") + "/" + path;
  let url = address;
  if (params.has("token")) {
    url += (path.includes("?") ? "&" : "?") + "token=" + encodeURIComponent(params.get("token"));
  }
  const pagePort = location.port || (location.protocol === "https:" ? "443" : "80");
  const same = h.toLowerCase() === location.hostname.toLowerCase() && (port || (secure ? "443" : "80")) === pagePort;
  return { url, address, elsewhere: same ? "" : h + (port ? ":" + port : "") };
}

const { url: wsURL, address, elsewhere } = endpoint();
const filesURL = filesBase(address, params.get("token"));
let filesKey = ""; // the secret the session's file requests carry (files.js)
let canSend = false; // this session may send files: it has control, the proxy takes them
let files = null;

// The page connects only where it came from, and only as the top window.
// A link naming another host or port would have this trusted page show
// another server's desktop and password dialog (the password would go
// there); a site that framed the page, invisibly, would have its visitor's
// clicks and keys reach the desktop. The proxy's answers forbid both
// (Content-Security-Policy); the page does not rely on that. A proxy
// started with --web-connect-elsewhere sends no connect-src: its pages may
// follow host and port. refusal is why the page will not connect, or null.
let refusal = null;
if (window.top !== window.self) {
  refusal = { title: "framed", hint: "framedHint", retry: false, log: false };
} else if (elsewhere) {
  refusal = { title: "elsewhere", hint: "elsewhereHint", vars: { target: elsewhere }, retry: false, log: false };
}

// mayConnectElsewhere tells whether the server of this page lets it connect
// to others: its answers then restrict no connect-src.
async function mayConnectElsewhere() {
  try {
    const answer = await fetch(location.href, { method: "HEAD", cache: "no-store" });
    const policy = answer.headers.get("Content-Security-Policy") || "";
    return answer.ok && !/(^|[;,])\s*(connect|default)-src\s/i.test(policy);
  } catch {
    return false;
  }
}

// server is what the page's server says of itself (proxy/pageinfo.go), in
// the headers of a HEAD request for this page without its token: that it
// shares a person's desktop (share), the seconds it waits for that person
// to let a viewer in (asks, 0 when nobody is asked), that it records the
// sessions, and its certificate's short fingerprint. A share that answers
// without the token has admitted this browser by its cookie: the token
// then leaves the address bar, where anyone looking could read it.
let server = { share: false, asks: 0, recorded: false, certificate: "" };
async function readServer() {
  const bare = new URL(location.href);
  bare.searchParams.delete("token");
  try {
    const answer = await fetch(bare, { method: "HEAD", cache: "no-store" });
    if (!answer.ok) return;
    const header = (name) => answer.headers.get("Vncbridge-" + name) || "";
    server = { share: header("Share") === "1", asks: Number(header("Asks")) || 0, recorded: header("Recorded") === "1", certificate: header("Certificate") };
    if (server.share && bare.href !== location.href) history.replaceState(history.state, "", bare);
  } catch {
    // Not this page's server to say: nothing is known.
  }
}

let settings = settingsStore.load(address, params);

let RFB = null; // noVNC's RFB class, once loaded
let initLogging = null;
let rfb = null;
let wanted = false; // the user wants to be connected (reconnect honours it)
let credentials = params.has("password") ? { password: params.get("password") } : null;
let askAgain = false; // the last password was wrong: true, or the server's reason
let attempt = 0; // reconnect attempts since the last good connection
let countdown = null; // the reconnect timer
let wakeLock = null;
let desktopName = ""; // the desktop's name, once shown (RFB's ServerInit)
let waiting = null; // the countdown while the person sharing is asked

let statusText = ""; // the status setState was last given, before the view-only note

function setState(state, text) {
  document.body.dataset.state = state;
  statusText = text;
  const connected = state === "connected";
  // A view-only link says so while the desktop shows (the proxy enforces it).
  $("status").textContent = connected && settings.view_only ? text + " — " + t("viewOnly") : text;
  const busy = state === "connecting" || state === "password";
  $("connect").hidden = busy || connected;
  $("disconnect").hidden = !$("connect").hidden;
  const control = connected && !settings.view_only;
  $("keys-button").hidden = !control;
  $("send-file").hidden = !(control && canSend);
  $("clipboard").hidden = !connected;
  $("keyboard").hidden = !(control && touch());
  if (!control) showStrip(null);
  $("power").hidden = !(control && rfb && rfb.capabilities.power);
  $("pan").hidden = !(connected && rfb && rfb.clippingViewport);
  $("recorded").hidden = !(connected && server.recorded);
  if (connected) hideMessage();
}

function touch() {
  return navigator.maxTouchPoints > 0 || matchMedia("(pointer: coarse)").matches;
}

// ---- the message: why it failed, what to do, the reconnect countdown ----

function showMessage(why, raw) {
  $("message-title").textContent = t(why.title, why.vars);
  $("message-hint").textContent = t(why.hint, why.vars);
  $("message-log").textContent = t("logWhere");
  $("message-log").hidden = !why.log;
  // The raw close goes with the log: it is for whoever runs the proxy. The
  // friend of a person's share reads the words alone (the person sharing
  // sees why in their tray); the console keeps it for a bug report.
  const shown = why.log ? raw : "";
  if (raw && !shown) console.info("vncbridge: " + raw);
  $("message-details").textContent = shown ? t("details", { details: shown }) : "";
  $("message-details").hidden = !shown;
  showCertificate($("message-certificate"));
  $("retry").textContent = t(why.again ? "askAgain" : "reconnectNow");
  $("message").hidden = false;
}

function hideMessage() {
  $("message").hidden = true;
  $("message-countdown").hidden = true;
  $("cancel-reconnect").hidden = true;
}

function showCertificate(el) {
  el.textContent = t("certificate", { fingerprint: server.certificate });
  el.hidden = !server.certificate;
}

// showWaiting puts the wait for the person sharing in the middle of the
// page, with the seconds the proxy waits for their answer since the
// WebSocket opened at since; Cancel ends the session.
function showWaiting(since) {
  setState("connecting", t("waitingConsent"));
  if (!server.asks) return; // not known to be asking: the status says it
  $("waiting-recorded").hidden = !server.recorded;
  showCertificate($("waiting-certificate"));
  const tick = () => {
    const left = Math.max(0, Math.ceil(server.asks - (Date.now() - since) / 1000));
    $("waiting-seconds").textContent = t("secondsLeft", { s: left });
  };
  tick();
  waiting = setInterval(tick, 250);
  $("waiting").hidden = false;
}

function hideWaiting() {
  clearInterval(waiting);
  waiting = null;
  $("waiting").hidden = true;
}

function stopCountdown() {
  if (countdown) clearInterval(countdown);
  countdown = null;
  delete document.body.dataset.reconnect;
  $("message-countdown").hidden = true;
  $("cancel-reconnect").hidden = true;
}

// scheduleReconnect waits reconnect_delay, doubled at each failed attempt
// (up to maxReconnectDelay), showing the seconds left; Cancel stops it.
function scheduleReconnect() {
  stopCountdown();
  const wait = Math.min(settings.reconnect_delay * 2 ** attempt, settingsStore.maxReconnectDelay);
  attempt++;
  const due = Date.now() + wait;
  const tick = () => {
    const left = Math.max(0, Math.ceil((due - Date.now()) / 1000));
    $("message-countdown").textContent = t("reconnectIn", { s: left });
    $("status").textContent = t("reconnectIn", { s: left });
    if (Date.now() >= due) {
      stopCountdown();
      if (wanted && !rfb) connect();
    }
  };
  document.body.dataset.reconnect = "pending";
  $("message-countdown").hidden = false;
  $("cancel-reconnect").hidden = false;
  countdown = setInterval(tick, 250);
  tick();
}

// ---- connecting ----

function applySettings() {
  if (initLogging) initLogging(settings.logging);
  if (!rfb) return;
  rfb.viewOnly = settings.view_only;
  rfb.showDotCursor = settings.show_dot;
  rfb.qualityLevel = settings.quality;
  rfb.compressionLevel = settings.compression;
  rfb.scaleViewport = settings.resize === "scale";
  rfb.zoom = settings.zoom;
  rfb.resizeSession = settings.resize === "remote";
  rfb.clipViewport = settings.resize === "off";
  if (settings.resize !== "off") setPan(false);
  if (document.body.dataset.state === "connected") setState("connected", t("connected"));
}

function connect() {
  if (!RFB || rfb) return;
  if (refusal) {
    fail(refusal, "");
    return;
  }
  stopCountdown();
  wanted = true;
  // A failure's message stays up while the page tries again; it goes when
  // the desktop shows (or the password dialog opens).
  $("message-countdown").textContent = t("connecting");
  $("message-countdown").hidden = $("message").hidden;
  setState("connecting", t("connecting"));
  const options = { shared: settings.shared };
  if (credentials) options.credentials = credentials;
  if (params.has("repeaterID")) options.repeaterID = params.get("repeaterID");
  // The page opens the WebSocket itself to read the close code and reason
  // that say why the proxy ended the session; RFB reports only clean or not.
  const here = { code: 0, reason: "", opened: false, connected: false, url: address, securityFailure: false };
  let socket;
  try {
    filesKey = newSessionKey();
    socket = new WebSocket(withSessionKey(wsURL, filesKey), ["binary"]);
  } catch (e) {
    fail({ title: "proxyUnreachable", hint: "proxyUnreachableHint", vars: { url: address }, retry: false, log: false }, e.message);
    return;
  }
  // A desktop says something at once; a second of silence after the
  // WebSocket opened means the person sharing is asked to let this viewer in
  // (the proxy sends nothing until they answer).
  let silence = 0;
  socket.addEventListener("open", () => {
    here.opened = true;
    const opened = Date.now();
    silence = setTimeout(() => {
      if (document.body.dataset.state === "connecting") showWaiting(opened);
    }, 1000);
  });
  socket.addEventListener("message", () => { clearTimeout(silence); hideWaiting(); }, { once: true });
  socket.addEventListener("close", (e) => { here.code = e.code; here.reason = e.reason; clearTimeout(silence); hideWaiting(); });
  try {
    rfb = new RFB($("screen"), socket, options);
  } catch (e) {
    socket.close();
    fail({ title: "refused", hint: "refusedHint", vars: { reason: e.message }, retry: false, log: false }, "");
    return;
  }
  applySettings();
  rfb.addEventListener("connect", () => {
    here.connected = true;
    attempt = 0;
    askAgain = false;
    setState("connected", t("connected"));
    rfb.focus();
    keepAwake(true);
    const key = filesKey;
    const viewers = followViewers($("viewers-news")); // anew: this page's own joining is not news
    followFiles(filesURL, key, () => key === filesKey && rfb !== null, (state) => {
      viewers(state.viewers);
      canSend = state.upload;
      document.body.dataset.files = canSend ? "send" : "receive"; // what the proxy said, for tests and styles
      showOffers(state.offers, filesURL, key);
      setState(document.body.dataset.state, statusText);
    });
  });
  rfb.addEventListener("disconnect", (e) => disconnected(here, e.detail.clean));
  rfb.addEventListener("credentialsrequired", (e) => askCredentials(e.detail.types));
  rfb.addEventListener("serververification", (e) => verifyServer(e.detail.publickey));
  rfb.addEventListener("securityfailure", (e) => {
    here.securityFailure = true;
    here.securityReason = e.detail.reason || "";
    // Status 1 is a refused password; the others a refused login of another kind.
    here.badPassword = e.detail.status === 1 && credentials !== null;
  });
  rfb.addEventListener("desktopname", (e) => {
    desktopName = e.detail.name;
    $("name").textContent = e.detail.name;
    document.title = e.detail.name + " — vncbridge";
  });
  rfb.addEventListener("clipboard", (e) => fromRemoteClipboard(e.detail.text));
  rfb.addEventListener("bell", bell);
  // What the desktop can do and whether it is clipped decide which buttons show.
  const redraw = () => setState(document.body.dataset.state, statusText);
  rfb.addEventListener("capabilities", redraw);
  rfb.addEventListener("clippingviewport", redraw);
}

function disconnected(here, clean) {
  rfb = null;
  canSend = false;
  delete document.body.dataset.files;
  filesKey = "";
  files.stop();
  showOffers([], filesURL, "");
  hideWaiting();
  here.share = server.share;
  here.name = desktopName;
  // A dialog of the ended connection goes with it (its close finds rfb gone).
  for (const id of ["password-dialog", "verify-dialog"]) if ($(id).open) $(id).close("gone");
  releaseHeld();
  keepAwake(false);
  $("name").textContent = "vncbridge";
  document.title = "vncbridge";
  if (!wanted) {
    setState("disconnected", t("disconnected"));
    return;
  }
  if (here.securityFailure) {
    if (here.badPassword) {
      // Wrong password: say so, forget it and ask again at once.
      credentials = null;
      askAgain = here.securityReason || true; // the server's words, such as too many failures
      showMessage(explain(here), "");
      setState("failed", t("wrongPassword"));
      connect();
      return;
    }
    fail({ title: "securityFailed", hint: "securityFailedHint", vars: {}, retry: false, log: true }, details(here));
    return;
  }
  if (clean && !here.code) { // ended from this side
    setState("disconnected", t("disconnected"));
    return;
  }
  fail(explain(here), details(here));
}

function fail(why, raw) {
  showMessage(why, raw);
  setState("failed", t(why.title, why.vars));
  if (why.retry && settings.reconnect && wanted) scheduleReconnect();
}

function disconnect() {
  wanted = false;
  stopCountdown();
  hideMessage();
  if (rfb) rfb.disconnect();
  else setState("disconnected", t("disconnected"));
}

// ---- credentials ----

function askCredentials(types) {
  if (types.includes("password") && credentials && credentials.password !== undefined && !types.includes("username")) {
    rfb.sendCredentials(credentials);
    return;
  }
  setState("password", t("waitingPassword"));
  const wantUser = types.includes("username");
  $("username-label").hidden = !wantUser;
  $("password-prompt").textContent = t(wantUser ? "userPrompt" : "passwordPrompt");
  $("password-again").hidden = !askAgain;
  $("password-again").textContent = t("wrongPasswordAgain") + (typeof askAgain === "string" ? " (" + askAgain + ")" : "");
  $("message").hidden = true;
  const dialog = $("password-dialog");
  const current = rfb;
  dialog.returnValue = "";
  dialog.showModal();
  (wantUser ? $("username") : $("password")).focus();
  dialog.addEventListener("close", () => {
    if (rfb !== current || !rfb) return;
    if (dialog.returnValue !== "send") {
      disconnect();
      return;
    }
    const creds = { password: $("password").value };
    if (wantUser) creds.username = $("username").value;
    $("password").value = "";
    credentials = creds; // kept in this page only, for reconnecting
    setState("connecting", t("authenticating"));
    rfb.sendCredentials(creds);
  }, { once: true });
}

// A server with RSA-AES security (RA2) shows its key first: the person
// compares its fingerprint and trusts it, or stops.
async function verifyServer(key) {
  const current = rfb;
  let bytes = new Uint8Array(key);
  try {
    bytes = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
  } catch (e) {
    // Without WebCrypto (an insecure context) RA2 cannot run anyway.
  }
  if (rfb !== current) return;
  $("verify-fingerprint").textContent = [...bytes].map((b) => b.toString(16).padStart(2, "0")).join(":");
  setState("password", t("verifying"));
  $("message").hidden = true;
  const dialog = $("verify-dialog");
  dialog.returnValue = "";
  dialog.showModal();
  dialog.addEventListener("close", () => {
    if (rfb !== current || !rfb) return;
    if (dialog.returnValue === "approve") {
      setState("connecting", t("connecting"));
      rfb.approveServer();
    } else {
      disconnect();
    }
  }, { once: true });
}

// ---- clipboard ----

function fromRemoteClipboard(text) {
  $("clipboard-text").value = text;
  $("clipboard").classList.add("news");
  if (navigator.clipboard && navigator.clipboard.writeText) {
    // Allowed only with the page's focus and the browser's permission.
    navigator.clipboard.writeText(text).then(() => { browserClip = text; }, () => {});
  }
}

// browserClip is the browser clipboard's text as the page last saw or wrote
// it: only a change there (a copy in another page or program) is sent.
let browserClip = null;

function toRemoteClipboard(text) {
  if (rfb && !settings.view_only) rfb.clipboardPasteFrom(text);
}

// When the desktop takes the keyboard and the browser lets this page read
// its clipboard without asking (the permission is granted), new text there
// goes to the desktop; the page never asks for the permission itself.
async function fromBrowserClipboard() {
  if (!rfb || settings.view_only || !navigator.permissions || !navigator.clipboard || !navigator.clipboard.readText) return;
  try {
    const permission = await navigator.permissions.query({ name: "clipboard-read" });
    if (permission.state !== "granted") return;
    const text = await navigator.clipboard.readText();
    if (browserClip !== null && text && text !== browserClip) toRemoteClipboard(text);
    browserClip = text;
  } catch (e) {
    // Not allowed here (no focus, another browser): the panel and paste remain.
  }
}

// ---- the rest of the interface ----

let audio = null;
function bell() {
  $("screen").classList.remove("bell");
  void $("screen").offsetWidth; // restart the flash
  $("screen").classList.add("bell");
  try {
    audio = audio || new AudioContext();
    const osc = audio.createOscillator();
    const gain = audio.createGain();
    gain.gain.value = 0.1;
    osc.frequency.value = 880;
    osc.connect(gain).connect(audio.destination);
    osc.start();
    osc.stop(audio.currentTime + 0.12);
  } catch (e) {
    // No sound without a user gesture first: the flash says it.
  }
}

// keepAwake holds a screen Wake Lock while connected (and visible).
function keepAwake(on) {
  if (!on) {
    if (wakeLock) wakeLock.release().catch(() => {});
    wakeLock = null;
    return;
  }
  if (!navigator.wakeLock || wakeLock || document.visibilityState !== "visible") return;
  navigator.wakeLock.request("screen").then((lock) => {
    wakeLock = lock;
    lock.addEventListener("release", () => { if (wakeLock === lock) wakeLock = null; });
  }).catch(() => {});
}

function setPan(on) {
  if (rfb) rfb.dragViewport = on;
  $("pan").setAttribute("aria-pressed", String(on));
}

// showStrip shows one of the strips under the toolbar (keys, power) or none.
function showStrip(id) {
  for (const [strip, button] of [["keys", "keys-button"], ["power-menu", "power"]]) {
    const open = strip === id && $(strip).hidden;
    $(strip).hidden = !open;
    $(button).setAttribute("aria-expanded", String(open));
  }
}

function closeMenu() {
  document.body.classList.remove("menu-open");
  $("menu-button").setAttribute("aria-expanded", "false");
}

// ---- the toolbar from the keyboard ----

// The desktop takes every key, Tab too, so a keyboard alone needs one key of
// the page's own to reach the toolbar: F8 moves the focus to the toolbar
// and back, Esc in the toolbar goes back. F8 is the menu key of the VNC
// viewers (TigerVNC, RealVNC, TightVNC), so people who use VNC know it; a
// laptop types it (with Fn on some); remote programs rarely need it, and the
// Keys strip sends it. Ctrl+Alt+Shift (Guacamole's) would have the page hold
// back every Ctrl, Alt and Shift until it knows whether the other two
// follow, which would break Ctrl+click and Shift+click on the desktop.
const toolbarKey = "F8";
let swallowed = null; // the code of the key whose release the desktop must not see either

function inToolbar(element) {
  return !!(element && element.closest && element.closest("#bar, .strip"));
}

function toToolbar() {
  if (getComputedStyle($("menu-button")).display !== "none") {
    document.body.classList.add("menu-open");
    $("menu-button").setAttribute("aria-expanded", "true");
  }
  const shown = [...document.querySelectorAll("#tools button")].find((b) => b.getClientRects().length > 0);
  if (shown) shown.focus();
}

function toolbarKeys(e) {
  if (document.querySelector("dialog[open]")) return; // a dialog has the keyboard
  if (e.type === "keyup") {
    if (e.code !== swallowed) return;
    swallowed = null;
  } else if (e.key === toolbarKey && !e.ctrlKey && !e.altKey && !e.shiftKey && !e.metaKey) {
    if (inToolbar(document.activeElement)) {
      closeMenu();
      refocus();
    } else {
      toToolbar();
    }
    swallowed = e.code;
  } else if (e.key === "Escape" && inToolbar(document.activeElement) && rfb) {
    closeMenu();
    refocus();
    swallowed = e.code;
  } else {
    return;
  }
  e.preventDefault();
  e.stopPropagation(); // the desktop's keyboard listens on the canvas, below
}

function fillSettingsForm() {
  for (const [name, value] of Object.entries(settings)) {
    const input = $("set-" + name);
    if (!input) continue;
    if (input.type === "checkbox") input.checked = value;
    else if (name === "reconnect_delay") input.value = String(value / 1000);
    else input.value = String(value);
  }
}

function settingChanged(e) {
  const input = e.target;
  const name = input.name;
  let text = input.type === "checkbox" ? input.checked : input.value;
  if (name === "reconnect_delay") text = Number(text) * 1000;
  const value = settingsStore.parse(name, text);
  if (value === undefined) return;
  settings[name] = value;
  settingsStore.remember(address, name, value);
  applySettings();
}

function wire() {
  $("connect").addEventListener("click", () => { attempt = 0; connect(); });
  $("disconnect").addEventListener("click", disconnect);
  $("retry").addEventListener("click", () => { attempt = 0; wanted = true; connect(); });
  $("waiting-cancel").addEventListener("click", disconnect);
  $("cancel-reconnect").addEventListener("click", () => {
    wanted = false;
    stopCountdown();
    setState("failed", $("message-title").textContent);
  });
  $("menu-button").addEventListener("click", () => {
    const open = document.body.classList.toggle("menu-open");
    $("menu-button").setAttribute("aria-expanded", String(open));
  });
  // A choice in the folded menu closes it (the keys and power strips show
  // under the toolbar).
  $("tools").addEventListener("click", (e) => { if (e.target.closest("button")) closeMenu(); });
  $("keys-button").addEventListener("click", () => showStrip("keys"));
  $("power").addEventListener("click", () => showStrip("power-menu"));
  $("power-shutdown").addEventListener("click", () => { if (rfb) rfb.machineShutdown(); showStrip(null); });
  $("power-reboot").addEventListener("click", () => { if (rfb) rfb.machineReboot(); showStrip(null); });
  $("power-reset").addEventListener("click", () => { if (rfb) rfb.machineReset(); showStrip(null); });
  $("pan").addEventListener("click", () => setPan(!(rfb && rfb.dragViewport)));
  $("fullscreen").addEventListener("click", () => {
    if (document.fullscreenElement) document.exitFullscreen();
    else document.documentElement.requestFullscreen().catch(() => {});
  });
  document.addEventListener("fullscreenchange", () => {
    document.body.classList.toggle("fullscreen", !!document.fullscreenElement);
    document.body.classList.remove("bar-shown");
  });
  $("bar-handle").addEventListener("click", () => document.body.classList.toggle("bar-shown"));
  $("clipboard").addEventListener("click", () => {
    $("clipboard").classList.remove("news");
    $("clipboard-dialog").showModal();
  });
  $("clipboard-dialog").addEventListener("close", () => {
    if ($("clipboard-dialog").returnValue === "send") toRemoteClipboard($("clipboard-text").value);
    refocus();
  });
  // Pasting into the page (Ctrl+V, the context menu) sends the text to the remote clipboard.
  document.addEventListener("paste", (e) => {
    if (e.target.closest && e.target.closest("dialog")) return;
    const text = e.clipboardData && e.clipboardData.getData("text/plain");
    if (text) toRemoteClipboard(text);
  });
  $("screen").addEventListener("focusin", fromBrowserClipboard);
  $("password-cancel").addEventListener("click", () => $("password-dialog").close("cancel"));
  $("verify-reject").addEventListener("click", () => $("verify-dialog").close("cancel"));
  $("settings").addEventListener("click", () => { fillSettingsForm(); $("settings-dialog").showModal(); });
  $("settings-form").addEventListener("change", settingChanged);
  $("settings-dialog").addEventListener("close", refocus);
  document.addEventListener("visibilitychange", () => { if (rfb && document.body.dataset.state === "connected") keepAwake(true); });
  files = wireFiles(() => (canSend && rfb && !settings.view_only ? { url: filesURL, key: filesKey } : null));
  wireKeys(() => rfb);
  window.addEventListener("keydown", toolbarKeys, true);
  window.addEventListener("keyup", toolbarKeys, true);
  wireZoom($("screen"), () => rfb, () => settings.resize === "scale", (zoom) => {
    settings.zoom = zoom;
    settingsStore.remember(address, "zoom", zoom);
  });
}

wire();
setState("idle", t("notConnected"));
// The library loads while the page is drawn (vnc.html preloads it), so the
// first frame waits for nothing else.
Promise.all([
  import("./novnc/core/rfb.js"),
  import("./novnc/core/input/keysymdef.js"),
  import("./novnc/core/util/logging.js"),
  refusal && refusal.title === "elsewhere" ? mayConnectElsewhere() : false,
  readServer(),
]).then(([rfbModule, keysymModule, logging, allowedElsewhere]) => {
  if (allowedElsewhere) refusal = null;
  RFB = zoomable(rfbModule.default);
  setKeysyms(keysymModule.default);
  initLogging = logging.initLogging;
  initLogging(settings.logging);
  if (flag("autoconnect", false)) connect();
}).catch(() => {
  $("missing").hidden = false;
  setState("failed", t("missingNoVNC"));
});

// The live RFB client, for end-to-end tests only (page.js says how).
exposeForTests("vncbridge", {
  get rfb() { return rfb; },
  get ready() { return RFB !== null; },
  get awake() { return wakeLock !== null && !wakeLock.released; },
  connect,
  disconnect,
  get canSend() { return canSend; },
  offerFiles: (list) => files.offer(list),
});
