-- The episodes that start in [from, to), in order per alert, with their
-- length (NULL while open) and their notifications (HA duplicates once),
-- firing and resolved, and how many of each were out of working hours or
-- in sleep hours. The what-if replay works on these. With .SumUntuned the
-- episodes of the alerts not in {tuned} ("source/fingerprint") come as one
-- row of sums, first (empty source and fingerprint, "episodes" how many):
-- the weekly review tunes only its flapping alerts, and listing every
-- other episode was most of what it read.
WITH {{template "episode_ctes" .}},
ep AS MATERIALIZED (
    SELECT source, fingerprint, starts_at, ends_at
    FROM {{template "unlabelled" .}}
    WHERE starts_at >= {from:DateTime64(3, 'UTC')}
),
notes AS (
    SELECT source, fingerprint, starts_at, status,
           NOT {{template "in_hours_through" "wh"}} AS out_of_hours,
           {{template "in_hours_through" "sh"}} AS sleep_hours
    FROM {{template "notes_from" (tail (scan . "from" "" false) "to")}}
    WHERE received_at >= {from:DateTime64(3, 'UTC')}
      AND {{template "source"}}
      AND (source, fingerprint, starts_at) IN (SELECT source, fingerprint, starts_at FROM ep)
),
counted AS (
    SELECT source, fingerprint, starts_at,
           countIf(status = 'firing') AS firing, countIf(status = 'firing' AND out_of_hours) AS firing_ooh,
           countIf(status = 'firing' AND sleep_hours) AS firing_sleep,
           countIf(status = 'resolved') AS resolved, countIf(status = 'resolved' AND out_of_hours) AS resolved_ooh,
           countIf(status = 'resolved' AND sleep_hours) AS resolved_sleep
    FROM notes
    GROUP BY source, fingerprint, starts_at
)
,
-- Each episode with its counts, and whether its alert is tuned (every
-- alert is, unless .SumUntuned).
listed AS {{if .SumUntuned}}MATERIALIZED {{end}}(
    SELECT e.source AS source, e.fingerprint AS fingerprint, e.starts_at AS starts_at, e.ends_at AS ends_at,
           {{if .SumUntuned}}concat(e.source, '/', e.fingerprint) IN {{template "listed" "tuned"}}{{else}}true{{end}} AS tuned,
           coalesce(c.firing, 0) AS firing, coalesce(c.firing_ooh, 0) AS firing_ooh, coalesce(c.firing_sleep, 0) AS firing_sleep,
           coalesce(c.resolved, 0) AS resolved, coalesce(c.resolved_ooh, 0) AS resolved_ooh, coalesce(c.resolved_sleep, 0) AS resolved_sleep
    FROM ep AS e
    LEFT JOIN counted AS c ON e.source = c.source AND e.fingerprint = c.fingerprint AND e.starts_at = c.starts_at
)
SELECT * FROM (
{{- if .SumUntuned}}
    SELECT '' AS source, '' AS fingerprint, min(starts_at) AS starts_at, max(ends_at) AS ends_at, count() AS episodes,
           sum(firing) AS firing, sum(firing_ooh) AS firing_ooh, sum(firing_sleep) AS firing_sleep,
           sum(resolved) AS resolved, sum(resolved_ooh) AS resolved_ooh, sum(resolved_sleep) AS resolved_sleep
    FROM listed
    WHERE NOT tuned
    HAVING count() > 0
    UNION ALL
{{- end}}
    SELECT source, fingerprint, starts_at, ends_at, 1 AS episodes,
           firing, firing_ooh, firing_sleep, resolved, resolved_ooh, resolved_sleep
    FROM listed
    WHERE tuned
)
ORDER BY source, fingerprint, starts_at
