// The office page on a resident's phone: waiting per service and numbers called, kept live.
import { live, el, range, strings } from "./live.js";

const root = document.getElementById("office");
const S = strings();
let names = {};
let calling = [];

function renderServices(services) {
  document.getElementById("services").replaceChildren(...services.map((s) => el("tr", {},
    el("th", { scope: "row", text: names[s.code] || s.code }),
    el("td", { class: "num", text: String(s.waiting) }),
    el("td", { text: range(s.estimate, S) }))));
}

function renderCalling() {
  document.getElementById("calling").textContent = calling.length
    ? calling.map((c) => `${c.display_number} → ${c.counter}`).join(", ") : "—";
}

live({
  subscribe: "subscribe_office",
  payload: { office: root.dataset.office, lang: root.dataset.lang },
  pollUrl: root.dataset.poll,
  statusEl: document.getElementById("live-status"),
  onSnapshot: (snap) => {
    names = Object.fromEntries(snap.services.map((s) => [s.code, s.name]));
    calling = snap.calling || [];
    renderServices(snap.services);
    renderCalling();
    document.getElementById("issuing-closed").hidden = snap.issuing.open;
  },
  on: {
    queue_changed: (q) => renderServices(q.services),
    ticket_called: (c) => {
      calling = [c, ...calling.filter((x) => x.display_number !== c.display_number)].slice(0, 6);
      renderCalling();
    },
    ticket_left_counter: (c) => {
      calling = calling.filter((x) => x.display_number !== c.display_number);
      renderCalling();
    },
  },
});
