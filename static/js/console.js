// Counter console: every action goes through the REST API with the session's CSRF token; the
// view refreshes on each live event for this counter, and by polling while disconnected.
import { live, el, range, strings } from "./live.js";

const root = document.getElementById("console");
const S = strings();
const counterId = Number(root.dataset.counter);
const api = root.dataset.api;
const csrf = document.querySelector('meta[name="csrf-token"]').content;
let view = null;
let pending = false;

function say(text, kind = "info") {
  const m = document.getElementById("message");
  m.textContent = text;
  m.className = `banner ${kind === "error" ? "error" : "info"}`;
  m.hidden = !text;
}

async function request(path, body) {
  const r = await fetch(`${api}${path}`, {
    method: body === undefined ? "GET" : "POST",
    headers: { Accept: "application/json", "Content-Type": "application/json", "X-CSRFToken": csrf },
    body: body === undefined ? undefined : JSON.stringify(body),
    cache: "no-store",
  });
  if (r.status === 401) { window.location.href = "/counter/login?next=" + encodeURIComponent(location.pathname); }
  const data = r.status === 204 ? null : await r.json().catch(() => ({}));
  return { status: r.status, data };
}

async function refresh() {
  const { status, data } = await request("");
  if (status === 200) render(data);
}

function render(v) {
  view = v;
  const c = v.counter;
  c.staff_is_me = c.staff_id === Number(root.dataset.me);
  document.getElementById("counter-state").textContent =
    `${S.counter_states[c.state] || c.state}${c.staff ? " · " + c.staff : ""}`;
  const open = c.state === "open";
  document.getElementById("take").hidden = open && c.staff_is_me;
  document.getElementById("pause").hidden = !(open && c.staff_is_me);
  document.getElementById("close").hidden = !(c.staff_is_me && c.state !== "closed");
  document.getElementById("reopen").hidden = !(c.staff_is_me && c.state === "paused");
  const cur = v.current;
  document.getElementById("current-empty").hidden = !!cur;
  document.getElementById("current-ticket").hidden = !cur;
  if (cur) {
    document.getElementById("c-number").textContent = cur.display_number;
    document.getElementById("c-service").textContent = serviceName(cur.service);
    document.getElementById("c-state").textContent = S.states[cur.state] || cur.state;
    document.getElementById("c-priority").hidden = !cur.priority;
    document.getElementById("c-recalls").textContent =
      cur.recall_count ? S.recalls.replace("%(n)s", cur.recall_count) : "";
    document.getElementById("c-planned").textContent = cur.planned && cur.planned.length
      ? S.planned.replace("%(list)s", cur.planned.map(serviceName).join(" → ")) : "";
  }
  // The server says which actions the current ticket's state allows (SPEC §2.1).
  const allowed = new Set(cur ? cur.actions : []);
  const enabled = { call: c.staff_is_me && open && !cur };
  for (const a of ["recall", "start", "finish", "no-show", "hold"]) enabled[a] = allowed.has(a);
  for (const b of root.querySelectorAll("[data-action]")) b.disabled = !enabled[b.dataset.action];
  document.querySelector("#transfer-form button").disabled = !allowed.has("transfer");
  document.querySelector("#specific-form button").disabled = !(c.staff_is_me && open && !cur);
  const select = document.getElementById("transfer-to");
  if (!select.options.length) {
    for (const s of v.all_services) select.append(new Option(s.name, s.code));
  }
  document.getElementById("services").replaceChildren(...v.services.map((s) => el("tr", {},
    el("th", { scope: "row", text: s.name }), el("td", { class: "num", text: String(s.waiting) }),
    el("td", { text: range(s.estimate, S) }))));
  document.getElementById("queue").replaceChildren(...v.waiting.slice(0, 50).map((w) => {
    const call = el("button", { type: "button", class: "button secondary small", text: S.call });
    call.disabled = !enabled.call;
    call.addEventListener("click", () => act("call", { ticket: w.token }));
    const tags = [w.priority ? ` · ${S.priority}` : "", w.transferred ? ` · ${S.transferred}` : ""];
    return el("tr", { class: w.priority ? "is-priority" : "" },
      el("th", { scope: "row", text: w.display_number + tags.join("") }),
      el("td", { text: serviceName(w.service) }),
      el("td", { class: "num", text: S.minutes.replace("%(n)s", w.waited_min) }), el("td", {}, call));
  }));
  document.getElementById("queue-empty").hidden = v.waiting.length > 0;
  chips("held", v.held, "resume", S.resume);
  chips("no-shows", v.no_shows, "reinstate", S.reinstate);
}

function chips(id, steps, action, label) {
  document.getElementById(id).replaceChildren(...steps.map((s) => {
    const b = el("button", { type: "button", class: "button secondary small",
                             text: `${s.display_number} · ${label}` });
    b.addEventListener("click", () => act(action, { ticket: s.token }));
    return el("li", {}, b);
  }));
}

function serviceName(code) {
  const s = view && view.all_services.find((x) => x.code === code);
  return s ? s.name : code;
}

async function act(action, body = {}) {
  if (pending) return;
  pending = true;
  try {
    const { status, data } = await request(`/${action}`, body);
    if (status === 204) say(S.nobody);
    else if (status >= 400) say(data.message || data.error || String(status), "error");
    else if (data && data.ticket && action === "call") say(S.called.replace("%(number)s", data.ticket.display_number));
    else say("");
  } catch (_) {
    say(S.network, "error");
  } finally {
    pending = false;
    await refresh();
  }
}

async function setState(state) {
  const { status, data } = await request("/state", { state });
  if (status >= 400) say(data.message || data.error, "error");
  await refresh();
}

for (const b of root.querySelectorAll("[data-action]")) {
  b.addEventListener("click", () => act(b.dataset.action));
}
document.getElementById("take").addEventListener("click", async () => {
  const { status, data } = await request("/take", {});
  if (status >= 400) say(data.message || data.error, "error");
  await refresh();
});
document.getElementById("pause").addEventListener("click", () => setState("paused"));
document.getElementById("reopen").addEventListener("click", () => setState("open"));
document.getElementById("close").addEventListener("click", () => setState("closed"));
document.getElementById("transfer-form").addEventListener("submit", (e) => {
  e.preventDefault();
  act("transfer", { service: document.getElementById("transfer-to").value });
});

// A keyboard-wedge scanner types the ticket's QR URL and Enter: take the token from it.
export function ticketRef(text) {
  const t = text.trim();
  const m = /\/t\/([A-Za-z0-9_-]{16,})/.exec(t);
  return m ? m[1] : t.toUpperCase();
}
document.getElementById("specific-form").addEventListener("submit", (e) => {
  e.preventDefault();
  const input = document.getElementById("specific");
  if (!input.value.trim()) return;
  act("call", { ticket: ticketRef(input.value) });
  input.value = "";
});

document.addEventListener("keydown", (e) => {
  if (e.ctrlKey || e.metaKey || e.altKey) return;
  const tag = (e.target.tagName || "").toLowerCase();
  if (tag === "input" || tag === "select" || tag === "textarea") return;
  const key = e.key.toLowerCase();
  if (key === "c") { e.preventDefault(); document.getElementById("specific").focus(); return; }
  if (key === "t") { e.preventDefault(); document.querySelector("#transfer-form button").click(); return; }
  const b = root.querySelector(`[data-action][data-key="${key}"]`);
  if (b && !b.disabled) { e.preventDefault(); b.click(); }
});

live({
  subscribe: "subscribe_counter",
  payload: { counter: counterId, lang: root.dataset.lang },
  pollUrl: `${api}?lang=${root.dataset.lang}`,
  pollMs: 5000,
  statusEl: document.getElementById("live-status"),
  onSnapshot: render,
  on: { counter_changed: refresh },
});
refresh();
