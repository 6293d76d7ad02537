// vncbridge's viewer: connects noVNC's RFB client to this proxy.
//
// Query parameters (noVNC's names): host, port, path, encrypt, password,
// autoconnect, resize (scale | remote | off), view_only, shared, reconnect,
// reconnect_delay (ms), quality (0-9), compression (0-9), show_dot,
// repeaterID, and token (added to the path as ?token=).
// The page's state is in <body data-state>: idle, connecting, password,
// connected, disconnected or failed.

const $ = (id) => document.getElementById(id);
const params = new URLSearchParams(location.search);

function param(name, fallback) {
  return params.has(name) ? params.get(name) : fallback;
}

function flag(name, fallback) {
  const v = param(name, null);
  return v === null ? fallback : !/^(0|false|no|off)$/i.test(v);
}

function level(name, fallback) {
  const n = parseInt(param(name, ""), 10);
  return Number.isInteger(n) && n >= 0 && n <= 9 ? n : fallback;
}

// websocketURL is where this proxy listens: by default the page's own host,
// port and scheme (wss when the page came over https).
function websocketURL() {
  const secure = flag("encrypt", location.protocol === "https:");
  const host = param("host", location.hostname);
  const port = param("port", location.port);
  let path = param("path", "websockify").replace(/^\//, "");
  const token = param("token", null);
  if (token !== null) {
    path += (path.includes("?") ? "&" : "?") + "token=" + encodeURIComponent(token);
  }
  const h = host.includes(":") && !host.startsWith("[") ? "[" + host + "]" : host;
  return (secure ? "wss" : "ws") + "://" + h + (port ? ":" + port : "") + "/" + path;
}

let RFB = null;
let rfb = null;
let wanted = false; // the user wants to be connected (for reconnect)
let password = param("password", null);
let scale = param("resize", "scale");

function setState(state, text) {
  document.body.dataset.state = state;
  $("status").textContent = text;
  const connected = state === "connected";
  $("connect").hidden = state === "connecting" || connected || state === "password";
  $("disconnect").hidden = !($("connect").hidden);
  $("ctrlaltdel").hidden = !connected || flag("view_only", false);
  $("clipboard").hidden = !connected || flag("view_only", false);
}

function applyScaling() {
  if (!rfb) return;
  rfb.scaleViewport = scale === "scale";
  rfb.resizeSession = scale === "remote";
  rfb.clipViewport = scale === "off";
  $("scale").setAttribute("aria-pressed", String(scale === "scale"));
}

function connect() {
  if (!RFB || rfb) return;
  wanted = true;
  const url = websocketURL();
  setState("connecting", "Connecting to " + url + " …");
  const options = { shared: flag("shared", true), wsProtocols: ["binary"] };
  if (password !== null) options.credentials = { password };
  if (params.has("repeaterID")) options.repeaterID = param("repeaterID", "");
  try {
    rfb = new RFB($("screen"), url, options);
  } catch (e) {
    setState("failed", "Cannot connect: " + e.message);
    return;
  }
  rfb.viewOnly = flag("view_only", false);
  rfb.showDotCursor = flag("show_dot", false);
  rfb.qualityLevel = level("quality", 6);
  rfb.compressionLevel = level("compression", 2);
  applyScaling();

  rfb.addEventListener("connect", () => {
    setState("connected", "Connected");
    rfb.focus();
  });
  rfb.addEventListener("disconnect", (e) => {
    rfb = null;
    if (e.detail.clean) {
      setState("disconnected", "Disconnected");
    } else {
      setState("failed", "Connection lost or refused (see the proxy's log for why)");
    }
    if (wanted && flag("reconnect", false)) {
      const delay = parseInt(param("reconnect_delay", "5000"), 10) || 5000;
      setTimeout(() => { if (wanted) connect(); }, delay);
    }
  });
  rfb.addEventListener("credentialsrequired", (e) => askCredentials(e.detail.types));
  rfb.addEventListener("securityfailure", (e) => {
    password = null;
    setState("failed", "Authentication failed" + (e.detail.reason ? ": " + e.detail.reason : ""));
  });
  rfb.addEventListener("desktopname", (e) => {
    $("name").textContent = e.detail.name;
    document.title = e.detail.name + " — vncbridge";
  });
}

function disconnect() {
  wanted = false;
  if (rfb) rfb.disconnect();
}

function askCredentials(types) {
  setState("password", "Waiting for a password");
  $("username-label").hidden = !types.includes("username");
  const dialog = $("password-dialog");
  dialog.returnValue = "";
  dialog.showModal();
  dialog.addEventListener("close", () => {
    if (!rfb) return;
    if (dialog.returnValue !== "send") {
      disconnect();
      return;
    }
    const creds = { password: $("password").value };
    if (types.includes("username")) creds.username = $("username").value;
    $("password").value = "";
    setState("connecting", "Authenticating …");
    rfb.sendCredentials(creds);
  }, { once: true });
}

function wire() {
  $("connect").addEventListener("click", connect);
  $("disconnect").addEventListener("click", disconnect);
  $("ctrlaltdel").addEventListener("click", () => rfb && rfb.sendCtrlAltDel());
  $("scale").addEventListener("click", () => {
    scale = scale === "scale" ? "off" : "scale";
    applyScaling();
  });
  $("fullscreen").addEventListener("click", () => {
    if (document.fullscreenElement) document.exitFullscreen();
    else document.documentElement.requestFullscreen().catch(() => {});
  });
  $("clipboard").addEventListener("click", () => $("clipboard-dialog").showModal());
  $("clipboard-dialog").addEventListener("close", () => {
    if ($("clipboard-dialog").returnValue === "send" && rfb) {
      rfb.clipboardPasteFrom($("clipboard-text").value);
    }
  });
}

wire();
setState("idle", "Not connected");
import("./novnc/core/rfb.js").then((module) => {
  RFB = module.default;
  if (flag("autoconnect", false)) connect();
}).catch(() => {
  $("missing").hidden = false;
  setState("failed", "The noVNC library is missing from this build");
});

// For tests and for the curious: the live RFB object.
window.vncbridge = { get rfb() { return rfb; }, connect, disconnect };
