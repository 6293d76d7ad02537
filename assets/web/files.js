// Files from the viewer to the person sharing (proxy/files.go): the page
// names its session with a secret of its own in the WebSocket's URL, then
// hashes a file, offers it (name, size, SHA-256), and sends it once the
// person sharing accepts, with a progress bar and Cancel.

import { t } from "./i18n.js";
import { $ } from "./page.js";
import { Sha256 } from "./sha256.js";

const chunk = 4 << 20; // bytes read and hashed at a time

/** newSessionKey is a fresh secret for a session: 32 characters of base64url. */
export function newSessionKey() {
  const bytes = crypto.getRandomValues(new Uint8Array(24));
  return btoa(String.fromCharCode(...bytes)).replace(/\+/g, "-").replace(/\//g, "_");
}

/** withSessionKey adds the secret to the WebSocket's URL. */
export function withSessionKey(url, key) {
  return url + (url.includes("?") ? "&" : "?") + "files=" + key;
}

/**
 * filesBase is the file endpoints' URL for the proxy at a WebSocket address
 * (ws://host:port/path), with the token, if any: a function of the part
 * after /vncbridge/files/ and more query parameters.
 */
export function filesBase(address, token) {
  return (part, more = {}) => {
    const u = new URL(address);
    u.protocol = u.protocol === "wss:" ? "https:" : "http:";
    u.pathname = "/vncbridge/files/" + part;
    u.search = "";
    if (token) u.searchParams.set("token", token);
    for (const [k, v] of Object.entries(more)) u.searchParams.set(k, v);
    return u.href;
  };
}

/** formatSize is a size in bytes as people read it: 2.1 MB. */
export function formatSize(n) {
  const units = ["B", "kB", "MB", "GB", "TB"];
  let i = 0;
  while (n >= 1000 && i < units.length - 1) { n /= 1000; i++; }
  return (i === 0 ? String(n) : n.toFixed(n < 10 ? 1 : 0)) + " " + units[i];
}

/** hashFile is the SHA-256 of a File or Blob, read in chunks; progress(fraction). */
export async function hashFile(file, signal, progress) {
  const h = new Sha256();
  for (let at = 0; at < file.size; at += chunk) {
    if (signal.aborted) throw new DOMException("cancelled", "AbortError");
    h.update(new Uint8Array(await file.slice(at, at + chunk).arrayBuffer()));
    progress(Math.min(1, (at + chunk) / file.size));
  }
  return h.hex();
}

/**
 * sendFile hashes, offers and sends one file. stage(name, fraction) tells
 * where it is: "hashing", "asking", "sending". It returns the outcome:
 * { outcome: "sent" | "declined" | "busy" | "noAnswer" | "tooLarge" |
 * "noRoom" | "cancelled" | "sharerCancelled" | "failed", name, reason }.
 */
export async function sendFile(file, { url, key, signal, stage }) {
  const name = file.name;
  const headers = { "Vncbridge-Session": key };
  try {
    stage("hashing", 0);
    const sha256 = await hashFile(file, signal, (f) => stage("hashing", f));
    stage("asking", 0);
    const offer = await fetch(url("offer"), {
      method: "POST", signal, cache: "no-store",
      headers: { ...headers, "Content-Type": "application/json" },
      body: JSON.stringify({ name, size: file.size, sha256 }),
    });
    if (!offer.ok) return refusedOffer(offer.status, name, await offer.text());
    const { id } = await offer.json();
    if (signal.aborted) {
      fetch(url(id), { method: "DELETE", headers }).catch(() => {});
      return { outcome: "cancelled", name };
    }
    stage("sending", 0);
    const sent = await put(url(id), headers, file, signal, (f) => stage("sending", f));
    if (sent.status === 201) return { outcome: "sent", name: JSON.parse(sent.body).name || name };
    if (sent.status === 409) return { outcome: "sharerCancelled", name };
    return { outcome: "failed", name, reason: sent.body.replace(/^\d+ [^:]*: /, "").trim() };
  } catch (e) {
    if (signal.aborted) return { outcome: "cancelled", name };
    return { outcome: "failed", name, reason: e.message };
  }
}

function refusedOffer(status, name, body) {
  const reason = body.replace(/^\d+ [^:]*: /, "").trim();
  if (status === 403 && reason.startsWith("declined")) return { outcome: "declined", name };
  if (status === 429) return { outcome: "busy", name };
  if (status === 504) return { outcome: "noAnswer", name };
  if (status === 413) return { outcome: "tooLarge", name };
  if (status === 507) return { outcome: "noRoom", name };
  return { outcome: "failed", name, reason };
}

// put sends the body with XMLHttpRequest, whose upload reports progress
// (fetch does not).
function put(url, headers, body, signal, progress) {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open("PUT", url);
    for (const [k, v] of Object.entries(headers)) xhr.setRequestHeader(k, v);
    xhr.upload.onprogress = (e) => { if (e.lengthComputable) progress(e.loaded / e.total); };
    xhr.onload = () => resolve({ status: xhr.status, body: xhr.responseText });
    xhr.onerror = () => reject(new Error(t("fileConnectionLost")));
    xhr.onabort = () => reject(new DOMException("cancelled", "AbortError"));
    signal.addEventListener("abort", () => xhr.abort(), { once: true });
    xhr.send(body);
  });
}

/**
 * wireFiles connects the Send file button, the file picker, dropping onto
 * the page, and the transfer panel. session() is { url, key } while this
 * viewer may send files, null otherwise.
 */
export function wireFiles(session) {
  const queue = [];
  let running = null; // the AbortController of the file under way
  let hide = 0;

  const show = (text, fraction, done) => {
    clearTimeout(hide);
    $("transfer").hidden = false;
    $("transfer-text").textContent = text;
    $("transfer-progress").hidden = fraction === null;
    if (fraction !== null) $("transfer-progress").value = fraction;
    $("transfer-cancel").hidden = done;
    $("transfer-close").hidden = !done;
    document.body.dataset.transfer = done ? "done" : "busy";
  };

  async function next() {
    if (running || !queue.length) return;
    const file = queue.shift();
    const s = session();
    if (!s) { queue.length = 0; return; }
    running = new AbortController();
    const stage = (name, fraction) => {
      const key = { hashing: "fileHashing", asking: "fileAsking", sending: "fileSending" }[name];
      show(t(key, { name: file.name, size: formatSize(file.size), percent: Math.floor(fraction * 100) }), name === "asking" ? null : fraction, false);
    };
    const r = await sendFile(file, { url: s.url, key: s.key, signal: running.signal, stage });
    running = null;
    const words = { sent: "fileSent", declined: "fileDeclined", busy: "fileBusy", noAnswer: "fileNoAnswer",
      tooLarge: "fileTooLarge", cancelled: "fileCancelled", sharerCancelled: "fileSharerCancelled", noRoom: "fileNoRoom", failed: "fileFailed" }[r.outcome];
    show(t(words, { name: r.name, reason: r.reason || "" }), null, true);
    document.body.dataset.transfer = r.outcome;
    if (r.outcome === "sent") hide = setTimeout(() => { $("transfer").hidden = true; }, 5000);
    next();
  }

  const offer = (files) => {
    if (!session()) return;
    queue.push(...files);
    next();
  };

  $("send-file").addEventListener("click", () => $("file-input").click());
  $("file-input").addEventListener("change", () => {
    offer([...$("file-input").files]);
    $("file-input").value = "";
  });
  $("transfer-cancel").addEventListener("click", () => { queue.length = 0; if (running) running.abort(); });
  $("transfer-close").addEventListener("click", () => { $("transfer").hidden = true; });
  const carriesFiles = (e) => e.dataTransfer && [...e.dataTransfer.types].includes("Files");
  document.addEventListener("dragover", (e) => {
    if (!carriesFiles(e)) return;
    e.preventDefault(); // a file dropped where it cannot go must not replace the page
    e.dataTransfer.dropEffect = session() ? "copy" : "none";
    if (session()) document.body.classList.add("dropping");
  });
  document.addEventListener("dragleave", (e) => { if (!e.relatedTarget) document.body.classList.remove("dropping"); });
  document.addEventListener("drop", (e) => {
    document.body.classList.remove("dropping");
    if (!carriesFiles(e)) return;
    e.preventDefault(); // never let the browser open the file instead
    offer([...e.dataTransfer.files]);
  });

  return {
    offer,
    /** stop cancels what is under way (the session ended). */
    stop() { queue.length = 0; if (running) running.abort(); },
  };
}

/**
 * followFiles follows what the proxy says of this session's files while
 * live() is true: whether it may send files, and the files the person
 * sharing offers, and how many viewers watch (this one too), told to
 * changed({ upload, offers, viewers }) at each change (the proxy holds each
 * request until something changes). It stops at the
 * first failure: a proxy without files, or a session that ended.
 */
export async function followFiles(url, key, live, changed) {
  let version = "";
  while (live()) {
    let state;
    try {
      const answer = await fetch(url("", version ? { after: version } : {}), {
        headers: { "Vncbridge-Session": key }, cache: "no-store",
      });
      if (!answer.ok) return;
      state = await answer.json();
    } catch {
      return;
    }
    if (!live()) return;
    version = state.version;
    changed({ upload: !!state.upload, offers: state.offers || [], viewers: state.viewers });
  }
}

/** downloadURL is where the browser downloads an offered file. */
export function downloadURL(url, key, id) {
  return url("download/" + id, { session: key });
}

/** showOffers lists the offered files, each with a Download button. */
export function showOffers(offers, url, key) {
  const list = $("offers-list");
  list.replaceChildren();
  for (const o of offers) {
    const item = document.createElement("li");
    const name = document.createElement("span");
    name.textContent = t("offered", { name: o.name, size: formatSize(o.size) });
    const link = document.createElement("a");
    link.className = "button";
    link.href = downloadURL(url, key, o.id);
    link.download = o.name;
    link.textContent = t("download");
    link.title = t("downloadTitle", { name: o.name, sha256: o.sha256 });
    item.append(name, link);
    list.append(item);
  }
  $("offers").hidden = offers.length === 0;
}
