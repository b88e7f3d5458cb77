// Hall display: now calling, last calls, waiting per service, the clock, and announcements.
import { live, el, range, strings, audioContext, audioSuspended, resumeAudio } from "./live.js";
import { Announcer } from "./announce.js";
import { RecordedVoice } from "./voice.js";

const root = document.getElementById("hall");
const S = strings();
const MAX_CALLING = 6;
const MAX_RECENT = 10;
let calling = [];
let recent = [];

function key(c) { return `${c.display_number}@${c.counter}`; }

function renderCalls(highlight) {
  const list = document.getElementById("calling");
  list.replaceChildren(...calling.slice(0, MAX_CALLING).map((c) => {
    const item = el("li", { class: "call-card" },
      el("span", { class: "call-number", text: c.display_number }),
      el("span", { class: "call-arrow", "aria-hidden": "true", text: "→" }),
      el("span", { class: "call-counter", text: S.counter.replace("%(name)s", c.counter) }));
    if (highlight && key(c) === highlight) item.classList.add("is-new");
    return item;
  }));
  document.getElementById("calling-empty").hidden = calling.length > 0;
  document.getElementById("recent").replaceChildren(...recent.slice(0, MAX_RECENT).map((c) =>
    el("li", {}, el("span", { class: "recent-number", text: c.display_number }),
      el("span", { class: "recent-counter", text: S.counter.replace("%(name)s", c.counter) }))));
}

function renderServices(services, names) {
  const body = document.getElementById("services");
  body.replaceChildren(...services.map((s) => el("tr", {},
    el("th", { scope: "row", text: names[s.code] || s.name || s.code }),
    el("td", { text: S.people.replace("%(n)s", s.waiting) }),
    el("td", { text: s.open === false ? S.closed : range(s.estimate, S) }))));
}

let names = {};
let skewMs = 0; // the server's clock decides the time shown (demo clocks, wrong device clocks)
function onSnapshot(snap) {
  if (snap.updated_at) skewMs = Date.parse(snap.updated_at) - Date.now();
  names = Object.fromEntries((snap.services || []).map((s) => [s.code, s.name]));
  calling = snap.calling || [];
  recent = snap.recent || [];
  renderCalls(null);
  renderServices(snap.services || [], names);
}

// ?voice=recorded always uses the recorded clips, ?voice=browser only the browser's voices;
// by default the clips stand in for a language the browser cannot speak.
const voice = new URLSearchParams(window.location.search).get("voice") || "auto";
const recorded = new RecordedVoice({ base: root.dataset.audio, context: audioContext });
if (voice !== "browser") ["ja", "en"].forEach((lang) => recorded.ready(lang));
const announcer = new Announcer({ onStart: (call) => renderCalls(key(call)), recorded, voice });

live({
  subscribe: "subscribe_office",
  payload: { office: root.dataset.office, lang: "ja" },
  pollUrl: root.dataset.poll,
  onSnapshot,
  statusEl: document.getElementById("live-status"),
  on: {
    ticket_called: (call) => {
      calling = [call, ...calling.filter((c) => c.display_number !== call.display_number)];
      recent = [call, ...recent].slice(0, MAX_RECENT);
      renderCalls(key(call));
      announcer.push(call);
    },
    ticket_left_counter: (info) => {
      calling = calling.filter((c) => c.display_number !== info.display_number);
      renderCalls(null);
    },
    queue_changed: (q) => renderServices(q.services, names),
  },
});

function tick() {
  const now = new Date(Date.now() + skewMs);
  document.getElementById("clock").textContent = now.toLocaleTimeString("ja-JP", {
    hour: "2-digit", minute: "2-digit", timeZone: "Asia/Tokyo" });
}
tick();
setInterval(tick, 1000);

// Browsers start audio only after a gesture unless the display runs with an autoplay policy.
const soundButton = document.getElementById("enable-sound");
setTimeout(() => { if (audioSuspended()) soundButton.hidden = false; }, 3000);
soundButton.addEventListener("click", async () => { await resumeAudio(); soundButton.hidden = true; });
