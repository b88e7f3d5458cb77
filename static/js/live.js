// Live data for every screen: Socket.IO with a full resync on every (re)connection, a polling
// fallback while the socket is down, and a visible "disconnected" / "out of date" state.
import { io } from "../vendor/socket.io/socket.io.esm.min.js";

const RESYNC_MS = 5 * 60 * 1000; // guard against a missed event: fresh snapshot every 5 min

export function live({ subscribe, payload, pollUrl, pollMs = 10000, staleMs = 60000,
                       onSnapshot, on = {}, statusEl }) {
  let lastUpdate = Date.now();
  let connected = false;
  let pollTimer = null;
  const socket = io({ transports: ["websocket", "polling"], reconnectionDelayMax: 10000 });

  function setState(state) {
    if (!statusEl) return;
    statusEl.dataset.state = state;
    for (const el of statusEl.querySelectorAll("[data-when]")) {
      el.hidden = el.dataset.when !== state;
    }
    const updated = statusEl.querySelector("[data-updated]");
    if (updated) updated.textContent = new Date(lastUpdate).toLocaleTimeString([], {
      hour: "2-digit", minute: "2-digit", second: "2-digit" });
    document.body.classList.toggle("is-offline", state !== "live");
  }

  function touch() { lastUpdate = Date.now(); if (connected) setState("live"); }

  function resync() {
    socket.timeout(10000).emit(subscribe, payload, (err, snap) => {
      if (err || !snap || snap.error) return;
      touch();
      onSnapshot(snap);
    });
  }

  async function poll() {
    if (!pollUrl) return;
    try {
      const r = await fetch(pollUrl, { headers: { Accept: "application/json" }, cache: "no-store" });
      if (r.ok) { lastUpdate = Date.now(); onSnapshot(await r.json()); }
    } catch (_) { /* still offline */ }
    setState(Date.now() - lastUpdate > staleMs ? "stale" : "offline");
  }

  socket.on("connect", () => {
    connected = true;
    clearInterval(pollTimer);
    pollTimer = null;
    setState("live");
    resync();
  });
  socket.on("disconnect", () => {
    connected = false;
    setState("offline");
    if (!pollTimer) pollTimer = setInterval(poll, pollMs);
  });
  socket.on("connect_error", () => {
    connected = false;
    setState(Date.now() - lastUpdate > staleMs ? "stale" : "offline");
    if (!pollTimer) pollTimer = setInterval(poll, pollMs);
  });
  for (const [name, fn] of Object.entries(on)) {
    socket.on(name, (data) => { touch(); fn(data); });
  }
  setInterval(() => { if (connected) resync(); }, RESYNC_MS);
  setInterval(() => {
    if (!connected) setState(Date.now() - lastUpdate > staleMs ? "stale" : "offline");
  }, 5000);
  return { socket, resync };
}

// A short two-tone chime synthesised on the spot (no audio file, works offline).
let audioCtx = null;
export function audioContext() {
  // One AudioContext per page, shared by the chime and the recorded voice.
  audioCtx = audioCtx || new (window.AudioContext || window.webkitAudioContext)();
  return audioCtx;
}

export function chime() {
  try {
    audioContext();
    const t0 = audioCtx.currentTime;
    [[880, 0], [660, 0.45]].forEach(([freq, at]) => {
      const osc = audioCtx.createOscillator();
      const gain = audioCtx.createGain();
      osc.frequency.value = freq;
      gain.gain.setValueAtTime(0.0001, t0 + at);
      gain.gain.exponentialRampToValueAtTime(0.4, t0 + at + 0.02);
      gain.gain.exponentialRampToValueAtTime(0.0001, t0 + at + 0.8);
      osc.connect(gain).connect(audioCtx.destination);
      osc.start(t0 + at);
      osc.stop(t0 + at + 0.85);
    });
  } catch (_) { /* no audio device */ }
  return new Promise((resolve) => setTimeout(resolve, 1300));
}

export function audioSuspended() { return audioCtx && audioCtx.state === "suspended"; }
export function resumeAudio() { return audioContext().resume(); }

export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === "class") node.className = v;
    else if (k === "text") node.textContent = v;
    else node.setAttribute(k, v);
  }
  for (const c of children) node.append(c);
  return node;
}

// From this wait on, minutes say less than "hours": the screens show "more than 2 hours".
export const LONG_WAIT_MIN = 120;

export function range(est, strings) {
  if (!est) return strings.no_estimate;
  if (est.high <= 1) return strings.soon;
  if (est.low >= LONG_WAIT_MIN && strings.long_wait) return strings.long_wait;
  return strings.range.replace("%(low)s", est.low).replace("%(high)s", est.high);
}

export function strings(id = "strings") {
  const node = document.getElementById(id);
  return node ? JSON.parse(node.textContent) : {};
}
