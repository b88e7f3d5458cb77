// A resident's ticket on their phone: status, people ahead, estimate, the call alert, cancel.
import { live, range, strings, chime } from "./live.js";

const root = document.getElementById("ticket");
const S = strings();
const baseTitle = document.title;
let lastStatus = null;
let notifyAt = null;
let notified = false;
let titleTimer = null;

function alertCalled(counter) {
  const box = document.getElementById("called");
  box.textContent = S.called.replace("%(name)s", counter || "");
  box.hidden = false;
  box.classList.add("is-new");
  if (navigator.vibrate) navigator.vibrate([400, 200, 400, 200, 400]);
  chime();
  clearInterval(titleTimer);
  let on = false;
  titleTimer = setInterval(() => { on = !on; document.title = on ? `🔔 ${S.title_called}` : baseTitle; }, 1000);
  setTimeout(() => { clearInterval(titleTimer); document.title = `🔔 ${S.title_called}`; }, 30000);
}

function render(view) {
  const status = view.status;
  document.getElementById("status").textContent = S.status[status] || status;
  document.getElementById("ahead").textContent = status === "waiting" ? view.position : "—";
  document.getElementById("estimate").textContent =
    status === "waiting" ? range(view.estimate, S) : "—";
  if (view.service_name) document.getElementById("service-name").textContent = view.service_name;
  document.getElementById("cancel").hidden = !(view.can_cancel ?? status === "waiting");
  const box = document.getElementById("called");
  if (status === "called") {
    if (lastStatus !== "called" || view.event === "recalled") alertCalled(view.counter);
  } else {
    box.hidden = true;
    clearInterval(titleTimer);
    document.title = baseTitle;
  }
  if (status === "waiting" && notifyAt !== null && !notified && view.position <= notifyAt) {
    notified = true;
    new Notification(document.getElementById("number").textContent, {
      body: S.notify_text.replace("%(n)s", view.position)
        .replace("%(number)s", document.getElementById("number").textContent) });
  }
  lastStatus = status;
}

const poll = root.dataset.poll;
live({
  subscribe: "subscribe_ticket",
  payload: { token: root.dataset.token, lang: root.dataset.lang },
  pollUrl: poll,
  onSnapshot: render,
  statusEl: document.getElementById("live-status"),
  on: { ticket_updated: (u) => render({ ...u, service_name: null }) },
});

document.getElementById("notify-on").addEventListener("click", async () => {
  const state = document.getElementById("notify-state");
  if (!("Notification" in window) || (await Notification.requestPermission()) !== "granted") {
    state.textContent = S.notify_denied;
    return;
  }
  notifyAt = Number(document.getElementById("notify-n").value) || 0;
  notified = false;
  state.textContent = S.notify_on.replace("%(n)s", notifyAt);
});

document.getElementById("cancel").addEventListener("click", async () => {
  if (!window.confirm(S.confirm_cancel)) return;
  const error = document.getElementById("cancel-error");
  try {
    const r = await fetch(root.dataset.cancel, { method: "POST" });
    const body = await r.json();
    if (!r.ok) { error.textContent = body.message; error.hidden = false; return; }
    error.hidden = true;
    render(body);
  } catch (e) {
    error.textContent = String(e);
    error.hidden = false;
  }
});
