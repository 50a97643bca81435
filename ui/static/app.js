// alertlens pages: each view is a URL (?page=…&from=…&to=…&source=…&receiver=…&match=…),
// and every number comes from the JSON API the CLI and Grafana read.
"use strict";

const FILTERS = ["from", "to", "source", "receiver", "match"];
const PAGES = [
  ["overview", "Overview"],
  ["flapping", "Flapping"],
  ["inhibitions", "Failed inhibitions"],
  ["silences", "Stale silences"],
  ["noise", "Noise"],
  ["handover", "Handover"],
];

const params = () => new URLSearchParams(location.search);

function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (k === "text") e.textContent = v;
    else e.setAttribute(k, v);
  }
  for (const c of children) e.append(c);
  return e;
}

// link keeps the filters and sets the page (and its own parameters).
function link(text, page, extra) {
  const p = new URLSearchParams();
  for (const f of FILTERS) if (params().get(f)) p.set(f, params().get(f));
  p.set("page", page);
  for (const [k, v] of Object.entries(extra || {})) p.set(k, v);
  return el("a", { href: "?" + p.toString(), text });
}

async function api(path, extra) {
  const p = new URLSearchParams();
  for (const f of FILTERS) if (params().get(f)) p.set(f, params().get(f));
  for (const [k, v] of Object.entries(extra || {})) p.set(k, v);
  const resp = await fetch("api/v1/" + path + "?" + p.toString(), { headers: { Accept: "application/json" } });
  const body = await resp.json();
  if (!resp.ok) throw new Error(body.error || resp.statusText);
  return body;
}

const dur = (s) => {
  if (s === null || s === undefined) return "–";
  const m = Math.round(s / 60);
  return m < 120 ? m + "m" : Math.round(m / 60) + "h";
};
const labels = (ls) => Object.entries(ls || {}).sort().map(([k, v]) => `${k}="${v}"`).join(", ");

// table renders rows with columns [header, row => text or node].
function table(rows, columns) {
  if (!rows || rows.length === 0) return el("p", { text: "None." });
  const t = el("table");
  t.append(el("tr", {}, ...columns.map(([h]) => el("th", { text: h }))));
  for (const r of rows) {
    t.append(el("tr", {}, ...columns.map(([, f]) => {
      const v = f(r);
      return el("td", {}, v instanceof Node ? v : String(v ?? "–"));
    })));
  }
  return t;
}

const alertLink = (r) => link(r.alertname || r.fingerprint, "alert", { fingerprint: r.fingerprint });

async function overview(main) {
  const [flapping, failed, stale, eps, series, noise] = await Promise.all([
    api("flapping"), api("inhibitions/failed"), api("silences/stale"), api("alerts"),
    api("notifications/series", { by: "alertname" }), api("noise", { limit: 10 }),
  ]);
  const firing = eps.episodes.filter((e) => e.ends_at === null);
  const card = (n, text, page) => el("div", { class: "card" }, el("div", { class: "n", text: String(n) }), link(text, page));
  main.append(el("div", { class: "cards" },
    card(firing.length, "alerts firing now", "overview"),
    card(flapping.alerts.length, "flapping alerts", "flapping"),
    card(failed.failures.length, "failed inhibitions", "inhibitions"),
    card(stale.silences.length, "stale silences", "silences")));
  main.append(el("h2", { text: "Notifications over time, by alert" }));
  const chart = el("div", { id: "chart" });
  main.append(chart);
  drawSeries(chart, series);
  main.append(el("h2", { text: "Noisiest alerts" }));
  main.append(el("div", { id: "noisiest" }, table(noise.rows, [["Alert", (r) => r.key], ["Notifications", (r) => r.notifications],
    ["Episodes", (r) => r.episodes], ["Firing", (r) => dur(r.firing_seconds)], ["Out of hours", (r) => r.out_of_hours]])));
  main.append(el("h2", { text: "Firing now" }));
  main.append(el("div", { id: "firing" }, table(firing, [["Alert", alertLink], ["Since", (r) => r.starts_at], ["Source", (r) => r.source],
    ["Labels", (r) => labels(r.labels)]])));
}

// drawSeries stacks nothing: one line per key, with uPlot.
function drawSeries(target, s) {
  const times = [...new Set(s.points.map((p) => Date.parse(p.t) / 1000))].sort((a, b) => a - b);
  const keys = [...new Set(s.points.map((p) => p.key))].sort();
  if (times.length === 0) {
    target.append(el("p", { text: "No notifications in the window." }));
    return;
  }
  const index = new Map(times.map((t, i) => [t, i]));
  const data = [times, ...keys.map(() => times.map(() => 0))];
  for (const p of s.points) data[1 + keys.indexOf(p.key)][index.get(Date.parse(p.t) / 1000)] = p.notifications;
  const colors = ["#1f6feb", "#d1242f", "#1a7f37", "#9a6700", "#8250df", "#bf3989", "#0a7b83"];
  new uPlot({
    width: Math.min(1100, document.body.clientWidth - 40), height: 260,
    series: [{}, ...keys.map((k, i) => ({ label: k || "(none)", stroke: colors[i % colors.length], width: 2 }))],
  }, data, target);
}

async function flapping(main) {
  const f = await api("flapping");
  main.append(el("p", { text: "Suggested for: is the smallest whole number of minutes longer than 80% of the alert's episodes; keep_firing_for: the same over its flap gaps." }));
  main.append(table(f.alerts, [["Alert", alertLink], ["Source", (r) => r.source], ["Episodes", (r) => r.episodes], ["Flaps", (r) => r.flaps],
    ["Median episode", (r) => dur(r.median_episode_seconds)], ["Median gap", (r) => dur(r.median_gap_seconds)],
    ["Suggested for:", (r) => dur(r.suggested_for_seconds)], ["Suggested keep_firing_for:", (r) => dur(r.suggested_keep_firing_for_seconds)]]));
}

async function inhibitions(main) {
  const f = await api("inhibitions/failed");
  main.append(table(f.failures, [["Notified at", (r) => r.notified_at], ["Alert", alertLink], ["Receiver", (r) => r.receiver],
    ["Inhibited by", (r) => r.inhibited_by.map((i) => i.alertname || i.fingerprint).join(", ")], ["Rule", (r) => (r.rule ? r.rule.name || r.rule.source_matchers : "–")],
    ["Basis", (r) => r.basis], ["Cause", (r) => r.known_cause || r.cause || "–"]]));
}

async function silences(main) {
  const f = await api("silences/stale", params().get("source") ? { source: params().get("source") } : {});
  main.append(table(f.silences, [["Silence", (r) => r.id], ["Matchers", (r) => r.matchers.join(", ")], ["Created by", (r) => r.created_by],
    ["Comment", (r) => r.comment], ["Ends", (r) => r.ends_at], ["Why stale", (r) => r.reasons.join(", ")]]));
}

async function noise(main) {
  const by = params().get("by") || "alertname";
  const f = await api("noise", { by, limit: 100 });
  main.append(el("p", { text: `By ${f.by}: ${f.total_keys} values${f.truncated ? " (the loudest 100 shown)" : ""}.` }));
  main.append(table(f.rows, [["Key", (r) => r.key], ["Notifications", (r) => r.notifications], ["Episodes", (r) => r.episodes],
    ["Firing", (r) => dur(r.firing_seconds)], ["Self-resolving", (r) => r.self_resolving], ["Out of hours", (r) => r.out_of_hours]]));
}

async function alertPage(main) {
  const fp = params().get("fingerprint");
  const at = params().get("at") || params().get("to") || "now";
  const [tl, ex] = await Promise.all([
    fetch(`api/v1/alerts/${encodeURIComponent(fp)}/timeline?` + new URLSearchParams(
      Object.fromEntries(FILTERS.filter((f) => params().get(f) && f !== "match").map((f) => [f, params().get(f)])))).then(async (r) => {
      const b = await r.json();
      if (!r.ok) throw new Error(b.error);
      return b;
    }),
    fetch(`api/v1/explain?fingerprint=${encodeURIComponent(fp)}&at=${encodeURIComponent(at)}` +
      (params().get("source") ? "&source=" + encodeURIComponent(params().get("source")) : "")).then(async (r) => {
      const b = await r.json();
      if (!r.ok) throw new Error(b.error);
      return b;
    }),
  ]);
  main.append(el("h2", { text: `${ex.alertname || fp} (${fp})` }));
  main.append(el("p", { class: "summary", id: "explain", text: ex.summary }));
  main.append(el("p", { text: "Click a moment of the timeline to explain it." }));
  main.append(table(tl.events, [
    ["At", (r) => link(r.at, "alert", { fingerprint: fp, at: r.at })], ["Kind", (r) => r.kind],
    ["What", (r) => r.status || r.state || r.event], ["Receiver", (r) => r.receiver],
    ["Silenced by", (r) => (r.silenced_by || []).join(", ")], ["Inhibited by", (r) => (r.inhibited_by || []).join(", ")]]));
}

// handover: the shift at a glance, and the same as Markdown for the chat.
async function handover(main) {
  const h = await api("handover");
  const copy = el("button", { type: "button", id: "copy", text: "Copy as Markdown" });
  copy.addEventListener("click", async () => {
    const md = await fetch("api/v1/handover?" + new URLSearchParams(
      Object.fromEntries([...FILTERS.filter((f) => params().get(f)).map((f) => [f, params().get(f)]), ["format", "markdown"]])));
    await navigator.clipboard.writeText(await md.text());
    copy.textContent = "Copied";
  });
  main.append(el("p", { text: `${h.receiver || "All receivers"}, ${h.from} – ${h.to}. ` }, copy));
  main.append(el("h2", { text: "What fired" }));
  main.append(el("div", { id: "fired" }, table(h.fired, [["Alert", (r) => r.alertname], ["Alerts", (r) => r.alerts], ["Episodes", (r) => r.episodes],
    ["Notifications", (r) => r.notifications], ["First", (r) => r.first], ["Last", (r) => r.last], ["Longest", (r) => dur(r.longest_seconds)],
    ["Still firing", (r) => r.still_firing]])));
  main.append(el("h2", { text: "Still firing" }));
  main.append(el("div", { id: "still" }, table(h.still_firing, [["Alert", alertLink], ["Since", (r) => r.starts_at], ["Source", (r) => r.source],
    ["Labels", (r) => labels(r.labels)]])));
  main.append(el("h2", { text: "Failed inhibitions" }));
  main.append(table(h.failed_inhibitions, [["Notified at", (r) => r.notified_at], ["Alert", alertLink], ["Cause", (r) => r.known_cause || r.cause || "–"]]));
  for (const [title, list] of [["Silences created", h.silences_created], ["Silences expired", h.silences_expired],
    ["Silences expiring within 24 hours while still silencing firing alerts", h.silences_expiring]]) {
    main.append(el("h2", { text: title }));
    main.append(table(list, [["Silence", (r) => (r.url ? el("a", { href: r.url, text: r.id }) : r.id)], ["Matchers", (r) => r.matchers.join(", ")],
      ["Created by", (r) => r.created_by], ["Comment", (r) => r.comment], ["Ends", (r) => r.ends_at]]));
  }
}

const RENDER = { overview, flapping, inhibitions, silences, noise, handover, alert: alertPage };

// fillLists offers the sources and receivers of the window in the filters.
async function fillLists() {
  for (const [id, path] of [["sources", "sources"], ["receivers", "receivers"]]) {
    try {
      const ans = await api(path, { limit: 200 });
      document.getElementById(id).replaceChildren(...ans.values.map((v) => el("option", { value: v.value })));
    } catch (e) {
      // the lists are a convenience: the page works without them
    }
  }
}

async function render() {
  const page = params().get("page") || "overview";
  const nav = document.getElementById("nav");
  nav.replaceChildren(...PAGES.map(([p, t]) => {
    const a = link(t, p);
    if (p === page) a.setAttribute("aria-current", "page");
    return a;
  }));
  const form = document.getElementById("filters");
  for (const f of FILTERS) form.elements[f].value = params().get(f) || "";
  const main = document.getElementById("content");
  main.replaceChildren();
  try {
    await (RENDER[page] || overview)(main);
  } catch (e) {
    main.append(el("p", { class: "error", role: "alert", text: e.message }));
  }
  document.title = "alertlens · " + page;
  fillLists();
}

document.getElementById("filters").addEventListener("submit", (ev) => {
  ev.preventDefault();
  const p = params();
  for (const f of FILTERS) {
    const v = ev.target.elements[f].value.trim();
    if (v) p.set(f, v);
    else p.delete(f);
  }
  history.pushState(null, "", "?" + p.toString());
  render();
});
window.addEventListener("popstate", render);
render();
