-- Episodes overlapping [from, to) with their notifications and the time
-- they spent silenced and inhibited (definition in _episodes.sql). Without
-- their labels and names: the caller reads those once per alert
-- (alertnames.sql; an alert's alertname is its alertname label). Written
-- out for every episode (an alert has many over months) the labels were a
-- third of the result's bytes (90 days of one team at a big Alertmanager's
-- scale: 82 MB with them, 56 MB without), and as many maps for the caller
-- to decode; naming every episode from its day summaries was a fifth of
-- the statement's time.
WITH {{template "episode_ctes" .}},
{{- if .Longest}}
-- Only the episodes that ran longest in the window (cut at {to}), in the
-- order the answer lists them.
-- Their notifications are counted after they are picked.
picked AS MATERIALIZED (
    SELECT source, fingerprint, starts_at, ends_at, generator_url
    FROM eps
    ORDER BY {{template "fired_by_to"}} DESC,
             starts_at, source, fingerprint
    LIMIT {{.Longest}}
),
counts AS {{template "sums_of" (only . "picked")}},
{{- else}}
picked AS MATERIALIZED (SELECT * EXCEPT (labels, alertname) FROM eps),
{{- end}}
-- Each poller row's state holds until the episode's next row; the last one
-- until the episode's end (or now, while it is open). When only some
-- alerts' episodes are listed (label matchers, or the longest few), their
-- fingerprints alone narrow the rows first: the table's index finds them
-- (fingerprint is its second sorting column) where the episode check reads
-- every row (90 days of one team's alerts at a big Alertmanager's scale:
-- 4.6–4.9 s against 3.7 s). With label matchers those are the matching
-- alerts' (labelled), so the rows are read while the episodes are built,
-- not after; the rows of episodes not listed are summed for nothing (the
-- same, 2.35–2.57 s against 2.53–2.78 s).
steps AS (
    SELECT source, fingerprint, starts_at, observed_at AS at,
           kind != 'resolved' AND notEmpty(silenced_by) AS silenced, kind != 'resolved' AND notEmpty(inhibited_by) AS inhibited,
           leadInFrame(toNullable(observed_at)) OVER (
               PARTITION BY source, fingerprint, starts_at ORDER BY observed_at
               ROWS BETWEEN CURRENT ROW AND 1 FOLLOWING) AS next_at
    FROM {{db}}.alert_states
    WHERE observed_at >= {scan_from:DateTime64(3, 'UTC')}
      AND {{template "source"}}
{{- if .Longest}}
      AND fingerprint IN (SELECT fingerprint FROM picked)
      AND (source, fingerprint, starts_at) IN (SELECT source, fingerprint, starts_at FROM picked)
{{- else if ne .Match "1"}}
      AND fingerprint IN (SELECT fingerprint FROM labelled)
{{- else}}
      AND (source, fingerprint, starts_at) IN (SELECT source, fingerprint, starts_at FROM picked)
{{- end}}
),
-- Each episode's muted time over its rows that have a next row, and its
-- last row, whose state holds until the episode's end: added below, where
-- the episodes are joined on. (Joining every row to its episode's end
-- first, 1.2M rows for 90 days of one team's alerts at a big
-- Alertmanager's scale: the statement took 2.66–3.05 s against
-- 2.40–2.76 s.)
muted AS (
    SELECT source, fingerprint, starts_at,
           sumIf(dateDiff('millisecond', at, assumeNotNull(next_at)), next_at IS NOT NULL AND silenced) AS silenced_ms,
           sumIf(dateDiff('millisecond', at, assumeNotNull(next_at)), next_at IS NOT NULL AND inhibited) AS inhibited_ms,
           anyIf(at, next_at IS NULL) AS last_at,
           anyIf(silenced, next_at IS NULL) AS last_silenced,
           anyIf(inhibited, next_at IS NULL) AS last_inhibited
    FROM steps
    GROUP BY source, fingerprint, starts_at
)
SELECT e.source AS source, e.fingerprint AS fingerprint,
       e.starts_at AS starts_at, e.ends_at AS ends_at,
       {{if .Longest}}coalesce(c.notifications, 0){{else}}e.notifications{{end}} AS notifications,
       coalesce(m.silenced_ms + if(m.last_silenced, dateDiff('millisecond', m.last_at, coalesce(e.ends_at, now64(3))), 0), 0) / 1000 AS silenced_seconds,
       coalesce(m.inhibited_ms + if(m.last_inhibited, dateDiff('millisecond', m.last_at, coalesce(e.ends_at, now64(3))), 0), 0) / 1000 AS inhibited_seconds,
       e.generator_url AS generator_url
FROM picked AS e
LEFT JOIN muted AS m ON e.source = m.source AND e.fingerprint = m.fingerprint AND e.starts_at = m.starts_at
{{- if .Longest}}
LEFT JOIN counts AS c ON e.source = c.source AND e.fingerprint = c.fingerprint AND e.starts_at = c.starts_at
{{- end}}
ORDER BY starts_at, source, fingerprint
