-- Support and confidence of every candidate inhibit rule (A mutes B) in
-- [from, to), without listing pairs of episodes: an episode of B
-- co-occurs with alert A when an episode of A started at most {within_ms}
-- before it and still fired when it started, that is when B's start lies
-- in [a_start, min(a_start + within + 1 ms, a_end)) for some episode of A.
-- Those intervals are merged per alert, and the starts of B's episodes in
-- the window are counted inside the merged intervals of the other alerts,
-- hour by hour: a burst of thousands of alerts costs one row per (hour,
-- B, A interval) instead of one per pair of episodes (or one per B
-- episode and A, which at a big Alertmanager's scale was 5× slower). Only
-- the (A, B) meeting {min_support} and {min_confidence} come back; the
-- caller asks for their best partners (suggestions_inhibit_rules).
-- Within an hour the starts and the intervals are compared as
-- milliseconds into the hour (UInt32), each interval cut to the hour: the
-- count runs over every start of B in the hour for every interval of A
-- there (125 million at a big Alertmanager's scale over a week), and as
-- DateTime64 those comparisons took about 0.2 s more of the statement's
-- 1.2 s.
WITH {{template "episode_ctes" .}},
-- Built once for the two uses below (a plain CTE is built for each).
ep AS MATERIALIZED (
    SELECT source, alertname, starts_at, ends_at FROM {{template "unlabelled" .}}
),
ivs AS (
    SELECT source, alertname, s, e,
           max(e) OVER (PARTITION BY source, alertname ORDER BY s, e ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS prev_max
    FROM (
        SELECT source, alertname, starts_at AS s,
               if(ends_at IS NULL, starts_at + toIntervalMillisecond({within_ms:Int64} + 1),
                  least(starts_at + toIntervalMillisecond({within_ms:Int64} + 1), assumeNotNull(ends_at))) AS e
        FROM ep
    )
    WHERE e > s
),
merged AS (
    SELECT source, alertname, min(s) AS s, max(e) AS e
    FROM (
        SELECT *, sum(s > prev_max) OVER (PARTITION BY source, alertname ORDER BY s, e ROWS UNBOUNDED PRECEDING) AS grp
        FROM ivs
    )
    GROUP BY source, alertname, grp
),
by_hour AS (
    SELECT source, alertname, hour,
           toUInt32(greatest(s_ms, hour_ms) - hour_ms) AS s_in, toUInt32(least(e_ms, hour_ms + 3600000) - hour_ms) AS e_in
    FROM (
        SELECT source, alertname, s_ms, e_ms,
               arrayJoin(range(toUInt64(intDiv(s_ms, 3600000)), toUInt64(intDiv(e_ms - 1, 3600000) + 1))) AS hour,
               toInt64(hour) * 3600000 AS hour_ms
        FROM (SELECT source, alertname, toUnixTimestamp64Milli(s) AS s_ms, toUnixTimestamp64Milli(e) AS e_ms FROM merged)
    )
),
b_eps AS (
    SELECT source, alertname, starts_at, toUInt64(intDiv(toUnixTimestamp64Milli(starts_at), 3600000)) AS hour
    FROM ep
    WHERE starts_at >= {from:DateTime64(3, 'UTC')}
),
totals AS (
    SELECT source, alertname AS b_name, count() AS b_episodes
    FROM b_eps
    GROUP BY source, alertname
),
-- The starts of each alert's B episodes per hour, to be counted inside
-- each interval of another alert touching that hour (as many rows as
-- pairs of alertnames per hour, not pairs of an episode and an alertname).
b_hours AS (
    SELECT source, alertname, hour, groupArray(toUInt32(toUnixTimestamp64Milli(starts_at) % 3600000)) AS starts
    FROM b_eps
    GROUP BY source, alertname, hour
)
SELECT g.source AS source, g.a_name AS a_name, g.b_name AS b_name, g.support AS support, t.b_episodes AS b_episodes
FROM (
    SELECT b.source AS source, a.alertname AS a_name, b.alertname AS b_name,
           sum(arrayCount(t -> t >= a.s_in AND t < a.e_in, b.starts)) AS support
    FROM b_hours AS b
    INNER JOIN by_hour AS a ON a.source = b.source AND a.hour = b.hour
    WHERE a.alertname != b.alertname
    GROUP BY source, a_name, b_name
    HAVING support > 0
) AS g
INNER JOIN totals AS t ON t.source = g.source AND t.b_name = g.b_name
WHERE g.support >= {min_support:UInt64} AND g.support / t.b_episodes >= {min_confidence:Float64}
ORDER BY source, a_name, b_name
