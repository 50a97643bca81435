-- Noise by {by} (a label name; alertname by default) in [from, to):
--   notifications:  deliveries, firing and resolved, HA duplicates excluded;
--   episodes:       episodes overlapping the window;
--   firing_seconds: their firing time inside the window;
--   self_resolving: ended episodes shorter than {short_ms};
--   out_of_hours:   notifications outside their receiver's working hours.
-- Working hours arrive as UTC intervals computed per receiver from its
-- schedule and time zone (bound values, see the "in_hours" fragment).
-- With .Flagged (the noise answer; the weekly review reads the keys only)
-- it also lists, after the keys, the episodes overlapping the window that
-- noise names one by one:
--   unrouted:     reached only black-hole receivers ({null_receivers}; see
--                 the "unrouted" fragment);
--   long_running: had fired longer than {age_ms} by {to} (or their end).
-- The window's episodes are built once for both (two statements building
-- them each made noise half as slow again at a big Alertmanager's scale);
-- the flagged few are then labelled (and named by their alertname label)
-- and counted from their own rows.
WITH {{template "episode_ctes" .}},
{{- if .Flagged}}
-- The window's episodes once, for the loudest keys and the flagged few.
window_eps AS MATERIALIZED (
    SELECT source, fingerprint, starts_at, ends_at{{if .NullReceivers}}, unrouted{{end}}, {{template "alert_key"}} AS alert
    FROM core
),
{{- end}}
keyed AS (
    SELECT labels[{by:String}] AS key,
           greatest(dateDiff('millisecond', greatest(starts_at, {from:DateTime64(3, 'UTC')}),
                             least(coalesce(ends_at, {to:DateTime64(3, 'UTC')}), {to:DateTime64(3, 'UTC')})), 0) AS firing_ms,
           ends_at IS NOT NULL AND dateDiff('millisecond', starts_at, assumeNotNull(ends_at)) < {short_ms:Int64} AS self_resolving
{{- if .Flagged}}
    -- (joined by alert_key: over 7 days at a big Alertmanager's scale
    -- 0.95-1.14 s against 1.06-1.19 s with the two strings; the same over
    -- 90 days)
    FROM window_eps AS c
    INNER JOIN (SELECT {{template "alert_key"}} AS alert, labels FROM labelled) AS l ON l.alert = c.alert
{{- else}}
    FROM eps
{{- end}}
),
by_episodes AS (
    SELECT key, count() AS episodes, sum(firing_ms) AS firing_ms, countIf(self_resolving) AS self_resolving
    FROM keyed
    GROUP BY key
),
-- (By alertname, the alertname column: kept notifications carry it as
-- their only label, and they are read only when {by} is alertname.)
by_notifications AS (
    SELECT {{if .ByLabel}}label{{else}}alertname{{end}} AS key, count() AS notifications,
           countIf(NOT {{template "in_hours" "wh"}}) AS out_of_hours
    FROM {{if and .NotesFromDays (not .KeptNotes)}}{{template "day_deliveries" (scan . "from" "to" false)}}{{else}}{{template "notes_from" (scan . "from" "to" false)}}{{end}}
    WHERE {{template "notified_in_window"}}
    GROUP BY key
),
-- The {limit} loudest keys, and how many keys there were in all (a label
-- such as pod can have more values than an answer should hold).
loudest AS (
    SELECT coalesce(e.key, n.key) AS key,
           coalesce(n.notifications, 0) AS notifications,
           coalesce(e.episodes, 0) AS episodes,
           coalesce(e.firing_ms, 0) / 1000 AS firing_seconds,
           coalesce(e.self_resolving, 0) AS self_resolving,
           coalesce(n.out_of_hours, 0) AS out_of_hours,
           count() OVER () AS total_keys
    FROM by_episodes AS e
    FULL OUTER JOIN by_notifications AS n ON e.key = n.key
    ORDER BY notifications DESC, episodes DESC, key
    LIMIT {limit:UInt32}
)
{{- if .Flagged}},
-- The episodes noise names one by one.
flagged AS MATERIALIZED (
    SELECT source, fingerprint, starts_at, ends_at,
           {{template "fired_by_to"}} AS firing_ms,
           {{if .NullReceivers}}unrouted{{else}}false AS unrouted{{end}},
           firing_ms > {age_ms:Int64} AS long_running
    FROM window_eps
    WHERE unrouted OR long_running
)
-- The keys, then the flagged episodes, as rows of one shape (each kind's
-- columns filled, the other's empty).
SELECT 'key' AS kind, row_number() OVER (ORDER BY notifications DESC, episodes DESC, key) AS rank,
       key, notifications, episodes, firing_seconds, self_resolving, out_of_hours, total_keys,
       '' AS fingerprint, '' AS alertname, CAST(map(), 'Map(String, String)') AS labels, '' AS source,
       toDateTime64(0, 3, 'UTC') AS starts_at, CAST(NULL, 'Nullable(DateTime64(3, \'UTC\'))') AS ends_at,
       CAST([], 'Array(String)') AS receivers, false AS unrouted, false AS long_running
FROM loudest
UNION ALL
SELECT 'flagged' AS kind, row_number() OVER (ORDER BY f.starts_at, f.source, f.fingerprint) AS rank,
       '' AS key, s.notifications AS notifications, 0 AS episodes, f.firing_ms / 1000 AS firing_seconds, 0 AS self_resolving, 0 AS out_of_hours, 0 AS total_keys,
       f.fingerprint AS fingerprint, l.labels['alertname'] AS alertname, l.labels AS labels, f.source AS source,
       f.starts_at AS starts_at, f.ends_at AS ends_at, s.receivers AS receivers, toBool(f.unrouted) AS unrouted, toBool(f.long_running) AS long_running
FROM flagged AS f
INNER JOIN labelled AS l ON l.source = f.source AND l.fingerprint = f.fingerprint
INNER JOIN {{template "sums_of" (only . "flagged")}} AS s
    ON s.source = f.source AND s.fingerprint = f.fingerprint AND s.starts_at = f.starts_at
ORDER BY kind DESC, rank
{{- else}}
SELECT * FROM loudest
{{- end}}
