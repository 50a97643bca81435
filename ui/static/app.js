// alertlens pages: each view is a URL (?page=…&from=…&to=…&source=…&receiver=…&match=…),
// and every number comes from the JSON API the CLI and Grafana read.
"use strict";

const FILTERS = ["from", "to", "source", "receiver", "match"];
const PAGES = [
  ["overview", "Overview"],
  ["timeline", "State timeline"],
  ["flapping", "Flapping"],
  ["inhibitions", "Failed inhibitions"],
  ["loops", "Inhibition loops"],
  ["silences", "Stale silences"],
  ["noise", "Noise"],
  ["suggestions", "Suggestions"],
  ["weekly", "Weekly review"],
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

// part fills target from one answer when it arrives, so that a slow
// section (a busy week's failed inhibitions) does not hold up the others;
// it resolves when target is drawn, an error showing in its place.
async function part(target, answer, draw) {
  try {
    draw(await answer);
  } catch (e) {
    target.replaceChildren(el("span", { class: "error", role: "alert", text: e.message }));
  }
}

async function overview(main) {
  const cards = el("div", { class: "cards" });
  const card = (text, page) => {
    const n = el("div", { class: "n", text: "…" });
    cards.append(el("div", { class: "card" }, n, link(text, page)));
    return n;
  };
  const [firingN, flappingN, failedN, loopsN, staleN] = [card("alerts firing now", "overview"), card("flapping alerts", "flapping"),
    card("failed inhibitions", "inhibitions"), card("inhibition loops", "loops"), card("stale silences", "silences")];
  const by = params().get("by") || "alertname";
  const byInput = el("input", { id: "by", value: by, "aria-label": "stack by label" });
  byInput.addEventListener("change", () => {
    const p = params();
    p.set("by", byInput.value.trim() || "alertname");
    history.pushState(null, "", "?" + p.toString());
    render();
  });
  const chart = el("div", { id: "chart" });
  const noisiest = el("div", { id: "noisiest" }, "Loading…");
  const firingList = el("div", { id: "firing" }, "Loading…");
  main.append(cards, el("h2", {}, "Notifications over time, stacked by ", byInput), chart, el("h2", { text: "Noisiest alerts" }), noisiest,
    el("h2", { text: "Firing now" }), firingList);
  await Promise.all([
    part(firingN, api("alerts"), (eps) => {
      const firing = eps.episodes.filter((e) => e.ends_at === null);
      firingN.textContent = String(firing.length);
      firingList.replaceChildren(table(firing, [["Alert", alertLink], ["Since", (r) => r.starts_at], ["Source", (r) => r.source],
        ["Labels", (r) => labels(r.labels)]]));
    }),
    part(flappingN, api("flapping"), (f) => { flappingN.textContent = String(f.alerts.length); }),
    part(failedN, api("inhibitions/failed"), (f) => { failedN.textContent = String(f.failures.length); }),
    part(loopsN, api("inhibitions/loops"), (l) => { loopsN.textContent = String(l.loops.length + l.rule_loops.length); }),
    part(staleN, api("silences/stale"), (f) => { staleN.textContent = String(f.silences.length); }),
    part(chart, api("notifications/series", { by }), (series) => drawSeries(chart, series)),
    part(noisiest, api("noise", { limit: 10 }), (noise) => noisiest.replaceChildren(table(noise.rows, [["Alert", (r) => r.key],
      ["Notifications", (r) => r.notifications], ["Episodes", (r) => r.episodes], ["Firing", (r) => dur(r.firing_seconds)],
      ["Out of hours", (r) => r.out_of_hours]]))),
  ]);
}

// drawSeries stacks the notifications of each key (a label's value) over
// time, with uPlot: each series is drawn at the sum of itself and those
// below it and filled down to the one below; hovering shows its own count.
function drawSeries(target, s) {
  const times = [...new Set(s.points.map((p) => Date.parse(p.t) / 1000))].sort((a, b) => a - b);
  const keys = [...new Set(s.points.map((p) => p.key))].sort();
  if (times.length === 0) {
    target.append(el("p", { text: "No notifications in the window." }));
    return;
  }
  const index = new Map(times.map((t, i) => [t, i]));
  const own = keys.map(() => times.map(() => 0));
  for (const p of s.points) own[keys.indexOf(p.key)][index.get(Date.parse(p.t) / 1000)] = p.notifications;
  const stacked = [];
  own.forEach((row, k) => stacked.push(row.map((v, i) => v + (k ? stacked[k - 1][i] : 0))));
  const colors = ["#1f6feb", "#d1242f", "#1a7f37", "#9a6700", "#8250df", "#bf3989", "#0a7b83"];
  new uPlot({
    width: Math.min(1100, document.body.clientWidth - 40), height: 260,
    series: [{}, ...keys.map((k, i) => ({
      label: k || "(none)", stroke: colors[i % colors.length], fill: colors[i % colors.length] + "66", width: 1,
      value: (u, v, si, di) => (di == null ? "--" : String(own[si - 1][di])),
    }))],
    bands: keys.slice(1).map((_, i) => ({ series: [i + 2, i + 1] })),
  }, [times, ...stacked], target);
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
  const get = async (url) => {
    const r = await fetch(url);
    const body = await r.json();
    if (!r.ok) throw new Error(body.error);
    return body;
  };
  const [tl, ex] = await Promise.all([
    get(`api/v1/alerts/${encodeURIComponent(fp)}/timeline?` + new URLSearchParams(
      Object.fromEntries(FILTERS.filter((f) => params().get(f) && f !== "match").map((f) => [f, params().get(f)])))),
    get(`api/v1/explain?fingerprint=${encodeURIComponent(fp)}&at=${encodeURIComponent(at)}` +
      (params().get("source") ? "&source=" + encodeURIComponent(params().get("source")) : "")),
  ]);
  const info = tl.alert || { labels: {}, annotations: {}, generator_url: "", external_url: "", source: "" };
  // A silence links to its page in the Alertmanager that sent the alert.
  const silence = (id) => (info.external_url ? el("a", { href: `${info.external_url}/#/silences/${encodeURIComponent(id)}`, text: id }) : id);
  const silences = (ids) => {
    const span = el("span");
    (ids || []).forEach((id, i) => span.append(...(i ? [", "] : []), silence(id)));
    return span;
  };
  main.append(el("h2", { text: `${ex.alertname || info.alertname || fp} (${fp})` }));
  main.append(el("p", { id: "labels", class: "labels", text: labels(info.labels) || "No labels seen." }),
    ...(info.generator_url ? [el("p", {}, el("a", { href: info.generator_url, text: "Where it comes from (generator URL)" }))] : []));
  if (Object.keys(info.annotations || {}).length) {
    main.append(table(Object.entries(info.annotations).sort(), [["Annotation", (r) => r[0]], ["Value", (r) => r[1]]]));
  }
  main.append(el("p", { class: "summary", id: "explain", text: ex.summary }));
  if ((ex.silenced_by || []).length) {
    main.append(el("p", {}, "Silenced by ", silences(ex.silenced_by.map((x) => x.id))));
  }
  main.append(el("h2", { text: "Episodes" }));
  const episodes = el("div", { id: "episodes" }, "Loading…");
  main.append(episodes);
  main.append(el("h2", { text: "Timeline" }), el("p", { text: "Click a moment to explain it." }));
  main.append(table(tl.events, [
    ["At", (r) => link(r.at, "alert", { fingerprint: fp, at: r.at })], ["Kind", (r) => r.kind],
    ["What", (r) => r.status || r.state || r.event], ["Receiver", (r) => r.receiver],
    ["Silenced by", (r) => silences(r.silenced_by)], ["Inhibited by", (r) => (r.inhibited_by || []).join(", ")]]));
  // The alert's episodes: those of its alertname, narrowed to it.
  const name = info.alertname || ex.alertname;
  await part(episodes, name ? api("alerts", { match: `{alertname=${JSON.stringify(name)}}`, ...(info.source ? { source: info.source } : {}) })
    : Promise.resolve({ episodes: [] }), (ans) => {
    episodes.replaceChildren(table(ans.episodes.filter((e) => e.fingerprint === fp), [["Started", (r) => r.starts_at],
      ["Ended", (r) => r.ends_at || "still firing"], ["Notifications", (r) => r.notifications],
      ["Silenced", (r) => dur(r.silenced_seconds)], ["Inhibited", (r) => dur(r.inhibited_seconds)]]));
  });
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
  main.append(el("div", { id: "still" }, table(h.still_firing, [["Alert", alertLink], ["State", (r) => r.state], ["Since", (r) => r.starts_at], ["Source", (r) => r.source],
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

// The state timeline: one swimlane per alert, coloured by state. uPlot
// draws it as one series per alert and state, whose points sit on the
// alert's lane while it is in that state (and are null otherwise), so each
// stretch is a thick horizontal line; hovering names the alert and state.
const STATES = [["firing", "#d1242f", 8], ["silenced", "#8250df", 8], ["inhibited", "#9a6700", 8], ["resolved", "#8c959f", 2],
  ["poller blind", "#57606a", 8]];
const MAX_LANES = 40;

async function timeline(main) {
  const st = await api("states");
  const byAlert = new Map();
  for (const e of st.events) {
    const k = e.source + "/" + e.fingerprint;
    if (!byAlert.has(k)) byAlert.set(k, { name: e.alertname || e.fingerprint, source: e.source, fingerprint: e.fingerprint, events: [] });
    byAlert.get(k).events.push([Date.parse(e.at) / 1000, e.state]);
  }
  const lanes = [...byAlert.values()].sort((a, b) => b.events.length - a.events.length).slice(0, MAX_LANES)
    .sort((a, b) => a.name.localeCompare(b.name) || a.source.localeCompare(b.source));
  // One name in two sources: say which.
  lanes.forEach((l, i) => {
    if (lanes.some((m, j) => j !== i && m.name === l.name)) l.name += " · " + l.source;
  });
  main.append(el("p", { id: "lanes", text: `${byAlert.size} alerts changed state in the window` +
    (byAlert.size > MAX_LANES ? `; the ${MAX_LANES} busiest are shown.` : ".") }));
  main.append(el("p", { id: "blind", text: st.blind.length === 0 ? "The poller saw every source throughout." :
    "The poller was blind: " + st.blind.map((b) => `${b.source} ${b.from} – ${b.to}`).join("; ") + "." }));
  // A lane per source whose poller was blind in the window, first.
  const blindBy = new Map();
  for (const b of st.blind) {
    if (!blindBy.has(b.source)) blindBy.set(b.source, { name: "poller · " + b.source, source: b.source, events: [] });
    blindBy.get(b.source).events.push([Date.parse(b.from) / 1000, "poller blind"], [Date.parse(b.to) / 1000, "seeing"]);
  }
  lanes.unshift(...blindBy.values());
  if (lanes.length === 0) return;
  // The lanes end at the window's end, or now ("to" may be relative).
  const to = Date.parse(params().get("to") || "");
  let end = (Number.isNaN(to) ? Date.now() : Math.min(to, Date.now())) / 1000;
  for (const l of lanes) end = Math.max(end, l.events[l.events.length - 1][0] + 0.002);
  // Each change at t ends the previous stretch at t and starts the next a
  // millisecond later, so that two stretches of one state never join.
  const xs = new Set();
  for (const l of lanes) for (const [t] of l.events) { xs.add(t); xs.add(t + 0.001); }
  xs.add(end);
  const times = [...xs].sort((a, b) => a - b);
  const at = new Map(times.map((t, i) => [t, i]));
  const series = [{}];
  const data = [times];
  lanes.forEach((l, lane) => {
    for (const [state, color, width] of STATES) {
      const ys = times.map(() => null);
      l.events.forEach(([t, s], i) => {
        if (s !== state) return;
        const until = i + 1 < l.events.length ? l.events[i + 1][0] : end;
        for (let j = at.get(t + 0.001); j < times.length && times[j] <= until; j++) ys[j] = lane;
      });
      if (ys.some((y) => y !== null)) {
        series.push({ label: `${l.name}: ${state}`, stroke: color, width, spanGaps: false, points: { show: false } });
        data.push(ys);
      }
    }
  });
  const chart = el("div", { id: "swimlanes" });
  main.append(chart);
  new uPlot({
    width: Math.min(1200, document.body.clientWidth - 40), height: 40 + 22 * lanes.length,
    legend: { show: false },
    scales: { y: { range: [-0.5, lanes.length - 0.5] } },
    axes: [{}, { size: 160, splits: () => lanes.map((_, i) => i), values: (_, ticks) => ticks.map((i) => lanes[i] ? lanes[i].name : "") }],
    series,
  }, data, chart);
  main.append(el("p", {}, ...STATES.map(([s, c]) => el("span", { class: "key", style: `border-color:${c}`, text: s }))));
  const alertLanes = lanes.filter((l) => l.fingerprint);
  main.append(table(alertLanes, [["Alert", (l) => link(l.name, "alert", { fingerprint: l.fingerprint })], ["Changes", (l) => l.events.length],
    ["Last state", (l) => l.events[l.events.length - 1][1]]]));
}

async function loops(main) {
  const l = await api("inhibitions/loops");
  main.append(el("h2", { text: "Observed: alerts that inhibited each other at the same time" }));
  main.append(el("div", { id: "observed" }, table(l.loops, [["Source", (r) => r.source], ["Alerts", (r) => r.alertnames.join(" → ")],
    ["First seen", (r) => r.first_seen], ["Last seen", (r) => r.last_seen]])));
  main.append(el("h2", { text: "From the configuration: rules that can feed each other" }));
  main.append(el("div", { id: "configured" }, table(l.rule_loops, [["Source", (r) => r.source],
    ["Rules", (r) => el("pre", { text: r.rules.map((s) => `#${s.index}: ${s.source_matchers} → ${s.target_matchers} equal ${JSON.stringify(s.equal)}`).join("\n") })]])));
}

async function suggestions(main) {
  const [inhibit, grouping] = await Promise.all([api("suggestions/inhibit_rules"), api("suggestions/group_by")]);
  const evidence = (r) => el("details", {}, el("summary", { text: `${r.evidence.length} pairs` }),
    table(r.evidence, [["Source alert", (e) => link(e.source_fingerprint, "alert", { fingerprint: e.source_fingerprint, at: e.source_starts_at })],
      ["Started", (e) => e.source_starts_at],
      ["Target alert", (e) => link(e.target_fingerprint, "alert", { fingerprint: e.target_fingerprint, at: e.target_starts_at })],
      ["Started", (e) => e.target_starts_at]]));
  main.append(el("h2", { text: "Inhibit rules" }));
  main.append(el("p", { text: "Alerts that start while another is firing, on the same labels: the rule would have muted them. Each rule was checked with Alertmanager's own inhibit code against its evidence." }));
  main.append(el("div", { id: "inhibit" }, table(inhibit.suggestions, [["Source", (r) => r.source], ["Rule", (r) => el("pre", { text: r.yaml })],
    ["Support", (r) => r.support], ["Confidence", (r) => Math.round(r.confidence * 100) + "%"], ["Notifications saved", (r) => r.notifications_saved],
    ["In sleep hours", (r) => r.sleep_hours_saved], ["Evidence", evidence]])));
  if (inhibit.refused.length) {
    main.append(el("h2", { text: "Not suggested" }));
    main.append(table(inhibit.refused, [["Source", (r) => r.source], ["Source matchers", (r) => r.source_matchers.join(", ")],
      ["Target matchers", (r) => r.target_matchers.join(", ")], ["Why", (r) => r.reason]]));
  }
  main.append(el("h2", { text: "Groupings" }));
  main.append(el("p", { text: "Alerts that start together but reached the receiver in separate notifications: grouping by the labels they share sends them together." }));
  main.append(el("div", { id: "grouping" }, table(grouping.suggestions, [["Receiver", (r) => r.receiver], ["Alerts", (r) => r.alertnames.join(", ")],
    ["Grouped by", (r) => r.current_group_by.join(", ") || "–"], ["Route change", (r) => el("pre", { text: r.yaml })],
    ["Support", (r) => r.support], ["Confidence", (r) => Math.round(r.confidence * 100) + "%"], ["Sent apart", (r) => r.notifications_saved],
    ["In sleep hours", (r) => r.sleep_hours_saved], ["Evidence", evidence]])));
}

// The weekly review: a week picker, the totals against the week before,
// notifications per day (uPlot bars) and the busiest hours as a heat map.
async function weekly(main) {
  const week = params().get("week") || "";
  const picker = el("input", { type: "week", id: "week", value: week });
  picker.addEventListener("change", () => {
    const p = params();
    if (picker.value) p.set("week", picker.value); else p.delete("week");
    history.pushState(null, "", "?" + p.toString());
    render();
  });
  main.append(el("p", {}, el("label", { text: "Week " }, picker), " ", el("button", { type: "button", id: "print", text: "Print" })));
  main.querySelector("#print").addEventListener("click", () => window.print());
  const extra = week ? { week } : {};
  const p = new URLSearchParams();
  for (const f of ["source", "receiver", "match"]) if (params().get(f)) p.set(f, params().get(f));
  for (const [k, v] of Object.entries(extra)) p.set(k, v);
  const resp = await fetch("api/v1/report/weekly?" + p.toString());
  const r = await resp.json();
  if (!resp.ok) throw new Error(r.error);
  if (!week) picker.value = r.week;
  main.append(el("h2", { text: `${r.week}: ${r.receiver || "all receivers"} (${r.timezone})` }));
  main.append(el("div", { id: "totals" }, table([["Notifications", "notifications"], ["Episodes", "episodes"], ["Distinct alerts", "alerts"]],
    [["", (x) => x[0]], ["This week", (x) => r.totals[x[1]]], ["Week before", (x) => r.previous[x[1]]], ["Change", (x) => r.change[x[1]]]])));
  const s = r.if_suggested;
  const t = s.tuning;
  main.append(el("p", { class: "summary", id: "if-suggested", text: "If this week's suggestions had been in place: " +
    (s.tuned_alerts ? `${t.before.notifications - t.after.notifications} fewer notifications (${t.before.sleep_hours - t.after.sleep_hours} fewer in sleep hours) from the suggested for:/keep_firing_for: of ${s.tuned_alerts} alerts, ${t.delayed.episodes} episodes paging up to ${dur(t.delayed.max_delay_seconds)} later` : "no for:/keep_firing_for: to suggest") +
    (s.inhibit_rules ? `; ${s.inhibit_notifications_saved} fewer (${s.inhibit_sleep_hours_saved} in sleep hours) from ${s.inhibit_rules} suggested inhibit rules.` : ".") }, " ", link("See the suggestions", "suggestions", { from: r.from, to: r.to })));
  main.append(el("p", { text: `Working hours: ${r.notifications_in_working_hours} notifications; outside: ${r.notifications_out_of_working_hours}; in sleep hours: ${r.notifications_in_sleep_hours}.` }));
  main.append(el("h2", { text: "By receiver" }), el("div", { id: "by-receiver" }, table(r.by_receiver, [["Receiver", (x) => x.receiver],
    ["Notifications", (x) => x.notifications], ["In working hours", (x) => x.notifications - x.out_of_hours],
    ["Out of working hours", (x) => x.out_of_hours], ["In sleep hours", (x) => x.sleep_hours]])));
  const perDay = await api("notifications/series", { from: r.from, to: r.to, by: "alertname", step: "24h" });
  main.append(el("h2", { text: "Notifications per day" }));
  const chart = el("div", { id: "per-day" });
  main.append(chart);
  // Every day of the week, summed over alerts (bucket starts are the
  // week's start plus whole days).
  const start = Date.parse(r.from) / 1000;
  const days = [...Array(Math.max(1, Math.round((Date.parse(r.to) / 1000 - start) / 86400))).keys()].map((d) => start + d * 86400);
  const totals = days.map(() => 0);
  for (const pt of perDay.points) {
    const d = Math.floor((Date.parse(pt.t) / 1000 - start) / 86400);
    if (d >= 0 && d < totals.length) totals[d] += pt.notifications;
  }
  new uPlot({
    width: Math.min(1100, document.body.clientWidth - 40), height: 220,
    series: [{}, { label: "notifications", stroke: "#1f6feb", fill: "#1f6feb99", paths: uPlot.paths.bars({ size: [0.7], align: 1 }) }],
    scales: { x: { range: [start, start + days.length * 86400] } },
  }, [days, totals], chart);
  main.append(el("h2", { text: `Busiest hours (${r.timezone})` }));
  const peak = Math.max(1, ...r.busiest_hours.flat());
  const heat = el("table", { class: "heat", id: "heat" });
  heat.append(el("tr", {}, el("th"), ...[...Array(24).keys()].map((h) => el("th", { text: String(h) }))));
  ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"].forEach((d, i) => {
    heat.append(el("tr", {}, el("th", { text: d }), ...r.busiest_hours[i].map((n) =>
      el("td", { style: `background: rgba(209,36,47,${(n / peak).toFixed(2)})`, title: `${n} notifications`, text: n ? String(n) : "" }))));
  });
  main.append(heat);
  main.append(el("h2", { text: "Noisiest alerts" }));
  main.append(table(r.top_noisy, [["Alert", (x) => x.key], ["Notifications", (x) => x.notifications], ["Episodes", (x) => x.episodes],
    ["Self-resolving", (x) => x.self_resolving], ["Out of hours", (x) => x.out_of_hours]]));
  main.append(el("h2", { text: "Flapping" }));
  main.append(table(r.flapping, [["Alert", alertLink], ["Flaps", (x) => x.flaps], ["Suggested for:", (x) => dur(x.suggested_for_seconds)],
    ["Suggested keep_firing_for:", (x) => dur(x.suggested_keep_firing_for_seconds)]]));
  main.append(el("h2", { text: "Stale silences" }));
  main.append(table(r.stale_silences, [["Silence", (x) => x.id], ["Matchers", (x) => x.matchers.join(", ")], ["Created by", (x) => x.created_by],
    ["Why stale", (x) => x.reasons.join(", ")]]));
}

const RENDER = { overview, timeline, flapping, inhibitions, loops, silences, noise, suggestions, weekly, handover, alert: alertPage };

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
    performance.mark("alertlens:rendered"); // the page complete, charts drawn
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
