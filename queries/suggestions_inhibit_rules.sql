-- Inhibit rules mined from co-occurrences in [from, to). A pair is an
-- episode of alert B (same source, another alertname) and an episode of
-- alert A that started at most {within_ms} before it and was still firing
-- when it started; episodes are bucketed by {within_ms} so the join stays
-- an equi-join (A's start lies in B's bucket or the one before). A pair's
-- agreeing labels are those other than alertname both carry with the same
-- non-empty value. Each B episode's best partner is the A episode agreeing
-- on most labels (then the earliest, then the lowest fingerprint); per
-- (source, A, B) the support is the number of B episodes with a partner,
-- the equal labels those every best partner agrees on, and the confidence
-- the support over every B episode starting in the window. Only the pairs
-- (A, B) with equal labels that meet {min_support} and {min_confidence}
-- come back, one row per B episode with its best partner: the evidence,
-- with b_firing_during, B's firing notifications sent while that A episode
-- was firing (what the rule would have saved), and of those the ones out
-- of working hours and in sleep hours.
WITH {{template "episode_ctes" .}},
ep AS (
    SELECT source, fingerprint, alertname, labels, starts_at, ends_at,
           intDiv(toUnixTimestamp64Milli(starts_at), {within_ms:Int64}) AS bucket
    FROM eps
),
b_eps AS (
    SELECT * FROM ep WHERE starts_at >= {from:DateTime64(3, 'UTC')}
),
a_eps AS (
    SELECT *, arrayJoin([bucket, bucket + 1]) AS b0 FROM ep
),
pairs AS (
    SELECT b.source AS source, a.alertname AS a_name, b.alertname AS b_name,
           a.fingerprint AS a_fp, b.fingerprint AS b_fp, a.starts_at AS a_start, b.starts_at AS b_start,
           a.ends_at AS a_end, a.labels AS a_labels, b.labels AS b_labels
    FROM b_eps AS b
    INNER JOIN a_eps AS a ON a.source = b.source AND a.b0 = b.bucket
    WHERE a.alertname != b.alertname
      AND a.starts_at <= b.starts_at
      AND dateDiff('millisecond', a.starts_at, b.starts_at) <= {within_ms:Int64}
      AND (a.ends_at IS NULL OR a.ends_at > b.starts_at)
),
totals AS (
    SELECT source, alertname AS b_name, count() AS b_episodes
    FROM b_eps
    GROUP BY source, alertname
),
-- Support and confidence first, from every pair: a burst pairs each
-- episode with hundreds of others, and only the few (A, B) that meet both
-- thresholds need their best partners found.
supported AS (
    SELECT g.source AS source, g.a_name AS a_name, g.b_name AS b_name, g.support AS support, t.b_episodes AS b_episodes
    FROM (
        SELECT source, a_name, b_name, uniqExact(b_fp, b_start) AS support
        FROM pairs
        GROUP BY source, a_name, b_name
    ) AS g
    INNER JOIN totals AS t ON t.source = g.source AND t.b_name = g.b_name
    WHERE g.support >= {min_support:UInt64} AND g.support / t.b_episodes >= {min_confidence:Float64}
),
best AS (
    SELECT source, a_name, b_name, b_fp, b_start, any(b_labels) AS b_labels,
           argMin((a_fp, a_start, a_end, a_labels, agree), (-length(agree), a_start, a_fp)) AS p
    FROM (
        SELECT *, arraySort(arrayFilter(k -> k != 'alertname' AND b_labels[k] != '' AND a_labels[k] = b_labels[k], mapKeys(b_labels))) AS agree
        FROM pairs
        WHERE (source, a_name, b_name) IN (SELECT source, a_name, b_name FROM supported)
    )
    GROUP BY source, a_name, b_name, b_fp, b_start
),
evidence AS (
    SELECT s.source AS source, s.a_name AS a_name, s.b_name AS b_name, s.support AS support, s.b_episodes AS b_episodes,
           e.equal AS equal, b.b_fp AS b_fp, b.b_start AS b_start, b.p AS p, b.b_labels AS b_labels
    FROM supported AS s
    INNER JOIN (
        SELECT source, a_name, b_name, arraySort(groupArrayIntersect(p.5)) AS equal
        FROM best
        GROUP BY source, a_name, b_name
        HAVING notEmpty(equal)
    ) AS e ON e.source = s.source AND e.a_name = s.a_name AND e.b_name = s.b_name
    INNER JOIN best AS b ON b.source = s.source AND b.a_name = s.a_name AND b.b_name = s.b_name
),
fired AS (
    SELECT source, fingerprint, starts_at, groupArray(received_at) AS times,
           groupArray(NOT {{template "in_hours" "wh"}}) AS out_of_hours,
           groupArray({{template "in_hours" "sh"}}) AS sleep_hours
    FROM {{template "counted" (scan . "from" "" false)}}
    WHERE received_at >= {from:DateTime64(3, 'UTC')} AND status = 'firing'
      AND {{template "source"}}
    GROUP BY source, fingerprint, starts_at
)
SELECT e.source AS source, e.a_name AS a_name, e.b_name AS b_name, e.support AS support, e.b_episodes AS b_episodes, e.equal AS equal,
       e.p.1 AS a_fp, e.b_fp AS b_fp, e.p.2 AS a_start, e.b_start AS b_start, e.p.4 AS a_labels, e.b_labels AS b_labels,
       length(arrayFilter(t -> t >= e.p.2 AND (e.p.3 IS NULL OR t < e.p.3), coalesce(f.times, []))) AS b_firing_during,
       length(arrayFilter((t, o) -> o AND t >= e.p.2 AND (e.p.3 IS NULL OR t < e.p.3), coalesce(f.times, []), coalesce(f.out_of_hours, []))) AS b_firing_during_ooh,
       length(arrayFilter((t, z) -> z AND t >= e.p.2 AND (e.p.3 IS NULL OR t < e.p.3), coalesce(f.times, []), coalesce(f.sleep_hours, []))) AS b_firing_during_sleep
FROM evidence AS e
LEFT JOIN fired AS f ON f.source = e.source AND f.fingerprint = e.b_fp AND f.starts_at = e.b_start
ORDER BY source, b_name, a_name, b_start
