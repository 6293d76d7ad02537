// vncbridge's recordings page: the list of a folder's recordings (from
// api/recordings, served by the recordings package) with play, download and
// delete, and the player (player.js) with its keys.
//
// #play=NAME in the address opens the player on a recording. The page's
// state is in <body data-state>: loading, ready, error, or playing.

import { loadRFB, parseRecording, prepare, Player } from "./player.js";
import { $, exposeForTests } from "./page.js";
import { t, tn, language, setLanguage, chooseLanguage, translatePage } from "./i18n.js";

setLanguage(new URLSearchParams(location.search).get("lang") || chooseLanguage(navigator.languages || [navigator.language]));
translatePage();
// Dates, times and sizes are written the language's way.
const lang = language();
const dateTime = new Intl.DateTimeFormat(lang, { dateStyle: "medium", timeStyle: "short" });
const spokenDate = new Intl.DateTimeFormat(lang, { day: "numeric", month: "long", hour: "2-digit", minute: "2-digit" });
const number = (digits) => new Intl.NumberFormat(lang, { maximumFractionDigits: digits });
const bytes = new Intl.NumberFormat(lang, { style: "unit", unit: "byte", unitDisplay: "long" });

const api = "api/recordings";
// The player's controls, looked up once: showState runs at every tick of
// the player's clock.
const playButton = $("play"), timeText = $("time"), timeline = $("timeline"), playerTitle = $("player-title");
const speedButtons = [...$("speeds").querySelectorAll("button")];
const speeds = speedButtons.map((b) => Number(b.dataset.speed));
let player = null;
let playing = ""; // the name in the player
let listed = {}; // name → the list's row, for its duration

// The player, for end-to-end tests only (page.js says how).
exposeForTests("recordings", { get player() { return player; } });

function setStatus(state, text) {
  document.body.dataset.state = state;
  $("status").textContent = text;
}

function clock(ms) {
  const s = Math.floor(ms / 1000);
  const h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), sec = s % 60;
  const two = (n) => String(n).padStart(2, "0");
  return h > 0 ? `${h}:${two(m)}:${two(sec)}` : `${m}:${two(sec)}`;
}

function size(n) {
  const units = ["", "KiB", "MiB", "GiB", "TiB"];
  let i = 0;
  while (n >= 1024 && i < units.length - 1) { n /= 1024; i++; }
  return i === 0 ? bytes.format(n) : number(n < 10 ? 1 : 0).format(n) + " " + units[i];
}

function cell(text, cls) {
  const td = document.createElement("td");
  td.textContent = text;
  if (cls) td.className = cls;
  return td;
}

// button is a button that says text and, to a screen reader, name (which
// recording it acts on: the list has one such button per row).
function button(text, name, onclick) {
  const b = document.createElement("button");
  b.type = "button";
  b.textContent = text;
  b.setAttribute("aria-label", name);
  b.addEventListener("click", onclick);
  return b;
}

async function refresh() {
  let data;
  try {
    const resp = await fetch(api, { cache: "no-store" });
    if (!resp.ok) throw new Error((await resp.text()).trim() || resp.statusText);
    data = await resp.json();
  } catch (e) {
    setStatus("error", t("recCannotList", { reason: e.message }));
    return;
  }
  $("folder").textContent = data.dir;
  $("open-folder").hidden = !data.can_open;
  const body = $("list").tBodies[0];
  body.replaceChildren();
  listed = {};
  for (const r of data.recordings) {
    listed[r.name] = r;
    const tr = document.createElement("tr");
    tr.dataset.name = r.name;
    if (r.name === playing) tr.className = "playing";
    const start = new Date(r.start);
    const when = spokenDate.format(start);
    const started = cell(dateTime.format(start));
    started.title = r.name;
    if (r.open) started.append(Object.assign(document.createElement("span"), { className: "note", textContent: t("recNow") }));
    if (r.stopped) started.append(Object.assign(document.createElement("span"), { className: "note", textContent: t("recStopped", { reason: r.stopped }), title: r.stopped }));
    tr.append(started, cell(clock(r.duration_ms), "num"), cell(size(r.size), "num"), cell(r.viewer || "—"), cell(r.target || "—"));
    const actions = cell("", "actions");
    const url = api + "/" + encodeURIComponent(r.name);
    const download = Object.assign(document.createElement("a"), { href: url + "?download=1", textContent: t("recDownload"), className: "button download" });
    download.setAttribute("download", r.name);
    download.setAttribute("aria-label", t("recDownloadOne", { when }));
    const del = button(t("recDelete"), t("recDeleteOne", { when }), () => askDelete(del, r.name));
    del.className = "delete";
    actions.append(button(t("recPlay"), t("recPlayOne", { when }), () => openPlayer(r.name)), download, del);
    tr.append(actions);
    body.append(tr);
  }
  const n = data.recordings.length;
  setStatus(playing ? "playing" : "ready", n === 0 ? t("recNone") : tn("recCount", n));
}

// askDelete asks on the button itself: a second click within 4 seconds
// deletes.
async function askDelete(btn, name) {
  if (!btn.classList.contains("confirm")) {
    btn.classList.add("confirm");
    const label = btn.getAttribute("aria-label");
    btn.textContent = t("recReallyDelete");
    btn.removeAttribute("aria-label"); // the question is its name now
    setTimeout(() => { btn.classList.remove("confirm"); btn.textContent = t("recDelete"); btn.setAttribute("aria-label", label); }, 4000);
    return;
  }
  if (name === playing) closePlayer();
  const resp = await fetch(api + "/" + encodeURIComponent(name), { method: "DELETE" });
  if (!resp.ok) {
    setStatus("error", (await resp.text()).trim() || t("recCannotDelete", { name }));
    return;
  }
  await refresh();
}

async function openPlayer(name) {
  closePlayer();
  playing = name;
  $("player").hidden = false;
  playerTitle.textContent = t("recLoadingOne", { name });
  for (const tr of $("list").tBodies[0].rows) tr.classList.toggle("playing", tr.dataset.name === name);
  let rec;
  try {
    await loadRFB();
  } catch (e) {
    playerTitle.textContent = t("recNoNoVNC");
    return;
  }
  try {
    const resp = await fetch(api + "/" + encodeURIComponent(name), { cache: "no-store" });
    if (!resp.ok) throw new Error((await resp.text()).trim() || resp.statusText);
    const parsed = parseRecording(await resp.text());
    rec = prepare(parsed.frames, listed[name] ? listed[name].duration_ms : 0);
    playerTitle.textContent = parsed.complete ? name : t("recCutShort", { name });
  } catch (e) {
    playerTitle.textContent = t("recCannotPlay", { name, reason: e.message });
    return;
  }
  if (playing !== name) return;
  player = new Player($("screen"), rec);
  player.addEventListener("change", showState);
  timeline.max = String(rec.duration);
  history.replaceState(null, "", "#play=" + encodeURIComponent(name));
  document.body.dataset.state = "playing";
  player.setSpeed(speed);
  player.setSkipIdle($("skip-idle").checked);
  showState();
  player.play();
}

function closePlayer() {
  if (player) player.close();
  player = null;
  playing = "";
  $("player").hidden = true;
  for (const tr of $("list").tBodies[0].rows) tr.classList.remove("playing");
  if (location.hash) history.replaceState(null, "", location.pathname + location.search);
  if (document.body.dataset.state === "playing") document.body.dataset.state = "ready";
}

let dragging = false;

function showState() {
  if (!player) return;
  playButton.textContent = player.playing ? t("recPause") : t("recPlay");
  timeText.textContent = clock(player.position) + " / " + clock(player.duration);
  if (!dragging) timeline.value = String(Math.round(player.position));
  if (player.failed) playerTitle.textContent = playing + ": " + player.failed;
}

// speed is the chosen speed; the buttons show it and a new player starts at it.
let speed = 1;

function setSpeed(s) {
  speed = s;
  for (const b of speedButtons) b.setAttribute("aria-pressed", String(Number(b.dataset.speed) === s));
  if (player) player.setSpeed(s);
}

function togglePlay() {
  if (!player) return;
  if (player.playing) player.pause(); else player.play();
}

playButton.addEventListener("click", togglePlay);
$("close-player").addEventListener("click", closePlayer);
$("refresh").addEventListener("click", refresh);
$("open-folder").addEventListener("click", async () => {
  const resp = await fetch("api/open-folder", { method: "POST" });
  if (!resp.ok) setStatus("error", (await resp.text()).trim());
});
$("skip-idle").addEventListener("change", () => player && player.setSkipIdle($("skip-idle").checked));
for (const b of speedButtons) {
  b.addEventListener("click", () => setSpeed(Number(b.dataset.speed)));
}
timeline.addEventListener("input", () => {
  dragging = true;
  if (player) player.seek(Number(timeline.value));
});
timeline.addEventListener("change", () => { dragging = false; });

document.addEventListener("keydown", (e) => {
  if (!player || e.ctrlKey || e.metaKey || e.altKey) return;
  const step = e.shiftKey ? 30000 : 5000;
  const i = speeds.indexOf(speed);
  switch (e.key) {
    case " ": togglePlay(); break;
    case "ArrowRight": player.seek(player.position + step); break;
    case "ArrowLeft": player.seek(player.position - step); break;
    case "ArrowUp": setSpeed(speeds[Math.min(i + 1, speeds.length - 1)]); break;
    case "ArrowDown": setSpeed(speeds[Math.max(i - 1, 0)]); break;
    case "Home": player.seek(0); break;
    case "End": player.seek(player.duration); break;
    case "i": $("skip-idle").checked = !$("skip-idle").checked; player.setSkipIdle($("skip-idle").checked); break;
    case "Escape": closePlayer(); break;
    default: return;
  }
  e.preventDefault();
});

await refresh();
const m = /^#play=(.+)$/.exec(location.hash);
if (m) openPlayer(decodeURIComponent(m[1]));
