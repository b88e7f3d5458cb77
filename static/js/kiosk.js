// Kiosk: a tap on a service issues a ticket through the API, shows it with its QR code, prints
// it on the 80 mm printer, and returns to the start screen by itself.
import { live, range, strings, LONG_WAIT_MIN } from "./live.js";

const root = document.getElementById("kiosk");
const S = strings();
const resetSeconds = Number(root.dataset.reset) || 20;
const screens = ["start", "ticket", "closed"];
let issuingOpen = !document.getElementById("screen-start").hidden;
let resetTimer = null;
let countdownTimer = null;
let busy = false;

function show(name) {
  for (const s of screens) document.getElementById(`screen-${s}`).hidden = s !== name;
}

function about(est) {
  if (!est) return S.no_estimate;
  if (est.high <= 1) return S.soon;
  if (est.low >= LONG_WAIT_MIN) return S.long_wait;
  return S.about.replace("%(low)s", est.low).replace("%(high)s", est.high);
}

function renderServices(services) {
  for (const s of services) {
    const button = root.querySelector(`[data-service="${CSS.escape(s.code)}"]`);
    if (!button) continue;
    button.disabled = s.open === false;
    button.querySelector("[data-waiting]").textContent = S.waiting.replace("%(n)s", s.waiting);
    button.querySelector("[data-estimate]").textContent =
      s.open === false ? S.not_issuing : about(s.estimate);
  }
}

function backToStart() {
  // The next resident starts in Japanese with a fresh page.
  if (root.dataset.lang !== "ja") { window.location.href = window.location.pathname; return; }
  clearTimeout(resetTimer);
  clearInterval(countdownTimer);
  document.getElementById("priority").checked = false;
  document.getElementById("issue-error").hidden = true;
  show(issuingOpen ? "start" : "closed");
}

function showTicket(t) {
  const est = t.estimate ? range(t.estimate, S) : S.no_estimate;
  const qr = `${root.dataset.qrBase}${encodeURIComponent(t.token)}.svg`;
  document.getElementById("t-number").textContent = t.display_number;
  document.getElementById("t-service").textContent = t.service_name;
  document.getElementById("t-priority").hidden = !t.priority;
  document.getElementById("t-ahead").textContent = S.people.replace("%(n)s", t.position);
  document.getElementById("t-estimate").textContent = est;
  document.getElementById("t-qr").src = qr;
  document.getElementById("p-number").textContent = t.display_number;
  document.getElementById("p-service").textContent = t.service_name;
  document.getElementById("p-ahead").textContent =
    `${S.ahead_label}: ${S.people.replace("%(n)s", t.position)}`;
  document.getElementById("p-estimate").textContent = `${S.estimate_label}: ${est}`;
  document.getElementById("p-qr").src = qr;
  document.getElementById("p-issued").textContent = S.issued.replace("%(time)s",
    new Date(t.issued_at).toLocaleString("ja-JP", { timeZone: "Asia/Tokyo" }));
  show("ticket");
  document.getElementById("screen-ticket").focus();
  let left = resetSeconds;
  const counter = document.getElementById("t-countdown");
  counter.textContent = left;
  countdownTimer = setInterval(() => { left -= 1; counter.textContent = Math.max(left, 0); }, 1000);
  resetTimer = setTimeout(backToStart, resetSeconds * 1000);
  if (root.dataset.autoPrint === "1") {
    document.getElementById("p-qr").addEventListener("load", () => window.print(), { once: true });
  }
}

async function issue(service) {
  if (busy) return; // one tap, one ticket
  busy = true;
  const error = document.getElementById("issue-error");
  error.hidden = true;
  try {
    const r = await fetch(root.dataset.issue, {
      method: "POST",
      headers: { "Content-Type": "application/json", Accept: "application/json" },
      body: JSON.stringify({ service, source: "kiosk", lang: root.dataset.lang,
                             priority: document.getElementById("priority").checked }),
    });
    const body = await r.json().catch(() => ({}));
    if (r.status === 201) showTicket(body);
    else if (body.error === "issuing_closed") window.location.reload();
    else {
      error.textContent = r.status === 429 ? S.error_busy : (body.message || S.error_network);
      error.hidden = false;
    }
  } catch (_) {
    error.textContent = S.error_network;
    error.hidden = false;
  } finally {
    busy = false;
  }
}

root.dataset.qrBase = root.dataset.issue.replace(/\/api\/v1\/.*$/, "/kiosk/qr/");
for (const button of root.querySelectorAll("[data-service]")) {
  button.addEventListener("click", () => issue(button.dataset.service));
}
document.getElementById("done").addEventListener("click", backToStart);
document.getElementById("print").addEventListener("click", () => window.print());

const opens = document.getElementById("closed-opens");
if (opens && opens.getAttribute("datetime")) {
  opens.textContent = new Date(opens.getAttribute("datetime")).toLocaleString(
    document.documentElement.lang, { timeZone: "Asia/Tokyo", weekday: "short", month: "long",
                                      day: "numeric", hour: "2-digit", minute: "2-digit" });
}

live({
  subscribe: "subscribe_office",
  payload: { office: root.dataset.office, lang: root.dataset.lang },
  pollUrl: root.dataset.poll,
  pollMs: 20000,
  statusEl: document.getElementById("live-status"),
  onSnapshot: (snap) => {
    renderServices(snap.services);
    // Opening and the issuing cut-off switch the screen; the server decides, not the kiosk's clock.
    if (snap.issuing.open !== issuingOpen) window.location.reload();
  },
  on: { queue_changed: (q) => renderServices(q.services) },
});
// The snapshot is refreshed each minute so the kiosk closes at the cut-off without an event.
setInterval(async () => {
  try {
    const r = await fetch(root.dataset.poll, { cache: "no-store" });
    if (r.ok) {
      const snap = await r.json();
      if (snap.issuing.open !== issuingOpen && document.getElementById("screen-ticket").hidden) {
        window.location.reload();
      }
    }
  } catch (_) { /* the live banner shows the problem */ }
}, 60000);
