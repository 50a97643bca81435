-- What bounds the failed inhibitions' statement over polls
-- (inhibitions_failed.sql), per source that can have a firing
-- notification in [{from}, {to}) (of the sources asked about; see
-- notified): its first successful poll in the day after {to} (first_ms,
-- NULL when there is none), and the longest interval between two of its
-- successful polls from {scan_from} up to that poll, or up to its last one
-- when there is none (max_gap_ms, NULL with fewer than two). The caller
-- reads the polls and the poller's rows up to the latest first poll when
-- every source has one (a notification at t is judged by the first poll
-- after t, at the latest its source's first poll after {to}; without one
-- for every source nothing is cut), and judges only near an inhibited
-- stretch within the longest interval (at least that of every poll judged
-- by, each at the latest its source's first poll after {to}). Read apart
-- from that statement, once: inside it these were subqueries of one value,
-- which the engine evaluates on their own, building the statement's
-- materialized CTEs again for each (a week's statement at a big
-- Alertmanager's scale: 1.77-1.82 s with them, 1.32-1.53 s with their
-- values written in).
WITH
-- The sources come from the day summaries of the window's days: every
-- source with a firing notification in the window has one there, and a
-- source more only makes the statement read more (a later cut, or none)
-- and judge near more stretches (a longer G), never judge otherwise.
-- Reading the notifications for them took 0.5 s of 90 days at a big
-- Alertmanager's scale.
notified AS MATERIALIZED (
    SELECT DISTINCT source
    FROM {{db}}.episode_days
    WHERE day >= toDate({from:DateTime64(3, 'UTC')}) AND day <= toDate({to:DateTime64(3, 'UTC')})
      AND {{template "source"}}
),
firsts AS MATERIALIZED (
    SELECT n.source AS source, f.first AS first
    FROM notified AS n
    LEFT JOIN (
        SELECT source, min(polled_at) AS first
        FROM {{db}}.polls
        WHERE ok AND polled_at >= {to:DateTime64(3, 'UTC')} AND polled_at < {to:DateTime64(3, 'UTC')} + INTERVAL 1 DAY
          AND source IN (SELECT source FROM notified)
        GROUP BY source
    ) AS f ON f.source = n.source
)
-- (A source's polls after its first poll past {to} are read only when some
-- source has none: then every later poll of it counts.)
SELECT f.source AS source, toUnixTimestamp64Milli(f.first) AS first_ms,
       max(dateDiff('millisecond', p.prev_at, p.polled_at)) AS max_gap_ms
FROM firsts AS f
LEFT JOIN (
    SELECT source, polled_at,
           {{template "prev_poll"}} AS prev_at
    FROM {{db}}.polls
    WHERE ok AND polled_at >= {scan_from:DateTime64(3, 'UTC')} AND source IN (SELECT source FROM notified)
      AND (polled_at < {to:DateTime64(3, 'UTC')} + INTERVAL 1 DAY OR source IN (SELECT source FROM firsts WHERE first IS NULL))
) AS p ON p.source = f.source
WHERE p.polled_at IS NULL OR f.first IS NULL OR p.polled_at <= f.first
GROUP BY f.source, f.first
ORDER BY source
