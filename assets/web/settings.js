// The viewer's settings: defaults, then what this browser remembers for the
// address (localStorage), then the page's URL parameters, which win. Only
// what the person changes in the settings panel, and the zoom the fingers
// choose, is remembered.

import { parseYes } from "./page.js";

/** The settings, by their URL parameter names (noVNC's), and their defaults. */
export const defaults = {
  resize: "scale", // scale | remote | off
  quality: 6,
  compression: 2,
  view_only: false,
  show_dot: false,
  shared: true,
  reconnect: true,
  reconnect_delay: 2000, // ms before the first retry; it doubles up to maxReconnectDelay
  logging: "warn", // error | warn | info | debug | none
  zoom: 0, // page pixels per desktop pixel when fitted (zoom.js); 0: the fit
};

/** The longest wait between two reconnect attempts, in ms. */
export const maxReconnectDelay = 30000;

const choices = {
  resize: ["scale", "remote", "off"],
  logging: ["none", "error", "warn", "info", "debug"],
};

/** parse turns a setting's text (from the URL or the panel) into its value, or undefined. */
export function parse(name, text) {
  if (text === null || text === undefined) return undefined;
  const d = defaults[name];
  if (typeof d === "boolean") {
    if (typeof text === "boolean") return text;
    return parseYes(text);
  }
  if (typeof d === "number") {
    const n = Number(text);
    if (!Number.isFinite(n)) return undefined;
    if (name === "reconnect_delay") return Math.min(Math.max(Math.round(n), 100), maxReconnectDelay);
    if (name === "zoom") return n >= 0 && n <= 10 ? n : undefined;
    return Number.isInteger(n) && n >= 0 && n <= 9 ? n : undefined;
  }
  const v = String(text).toLowerCase();
  if (name === "resize" && v === "none") return "off";
  return choices[name].includes(v) ? v : undefined;
}

function storageKey(address) { return "vncbridge.settings " + address; }

/** remembered is what this browser keeps for address (only valid values). */
export function remembered(address) {
  let raw = {};
  try {
    raw = JSON.parse(localStorage.getItem(storageKey(address)) || "{}") || {};
  } catch (e) {
    raw = {};
  }
  const out = {};
  for (const name of Object.keys(defaults)) {
    const v = parse(name, raw[name]);
    if (v !== undefined) out[name] = v;
  }
  return out;
}

/** remember keeps one setting for address. */
export function remember(address, name, value) {
  const kept = remembered(address);
  kept[name] = value;
  try {
    localStorage.setItem(storageKey(address), JSON.stringify(kept));
  } catch (e) {
    // Private windows may refuse storage: the setting still applies now.
  }
}

/** load is the settings in force: defaults < remembered < URL parameters. */
export function load(address, params) {
  const out = { ...defaults, ...remembered(address) };
  for (const name of Object.keys(defaults)) {
    const v = params.has(name) ? parse(name, params.get(name)) : undefined;
    if (v !== undefined) out[name] = v;
  }
  return out;
}
