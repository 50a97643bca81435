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
-- Each episode's muted time (the "muted_time" fragment), its last row's
-- state added below, where the episodes' ends are joined on. (Joining
-- every row to its episode's end first, 1.2M rows for 90 days of one
-- team's alerts at a big Alertmanager's scale: the statement took
-- 2.66–3.05 s against 2.40–2.76 s.)
muted AS ({{template "muted_time" .}})
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
