-- Noise by {by} (a label name; alertname by default) in [from, to):
--   notifications:  deliveries, firing and resolved, HA duplicates excluded;
--   episodes:       episodes overlapping the window;
--   firing_seconds: their firing time inside the window;
--   self_resolving: ended episodes shorter than {short_ms};
--   out_of_hours:   notifications outside their receiver's working hours.
-- Working hours arrive as UTC intervals computed per receiver from its
-- schedule and time zone ({wh}, {wh_default}: bound values, see workhours).
WITH {{template "episode_ctes" .}},
keyed AS (
    SELECT labels[{by:String}] AS key,
           greatest(dateDiff('millisecond', greatest(starts_at, {from:DateTime64(3, 'UTC')}),
                             least(coalesce(ends_at, {to:DateTime64(3, 'UTC')}), {to:DateTime64(3, 'UTC')})), 0) AS firing_ms,
           ends_at IS NOT NULL AND dateDiff('millisecond', starts_at, assumeNotNull(ends_at)) < {short_ms:Int64} AS self_resolving
    FROM eps
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
    FROM {{template "notes_from" (scan . "from" "to" false)}}
    WHERE {{template "notified_in_window"}}
    GROUP BY key
)
-- The {limit} loudest keys, and how many keys there were in all (a label
-- such as pod can have more values than an answer should hold).
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
