-- Candidate co-occurrences in [from, to): an episode of alert B (same
-- source, another alertname) and an episode of alert A that started at most
-- {within_ms} before it and was still firing when it started. Episodes are
-- bucketed by {within_ms} so the join stays an equi-join: A's start lies in
-- B's bucket or the one before. The caller picks the equal labels and
-- counts support; b_firing_during is B's firing notifications sent while
-- that A episode was firing (what the rule would have saved), and of those
-- the ones out of working hours and in sleep hours.
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
    SELECT *, bucket AS b0 FROM ep
    UNION ALL
    SELECT *, bucket + 1 AS b0 FROM ep
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
fired AS (
    SELECT source, fingerprint, starts_at, groupArray(received_at) AS times,
           groupArray(NOT {{template "in_hours" "wh"}}) AS out_of_hours,
           groupArray({{template "in_hours" "sh"}}) AS sleep_hours
    FROM {{template "counted" (scan . "from" "" false)}}
    WHERE received_at >= {from:DateTime64(3, 'UTC')} AND status = 'firing'
      AND {{template "source"}}
    GROUP BY source, fingerprint, starts_at
)
SELECT p.source AS source, p.a_name AS a_name, p.b_name AS b_name, p.a_fp AS a_fp, p.b_fp AS b_fp,
       p.a_start AS a_start, p.b_start AS b_start, p.a_labels AS a_labels, p.b_labels AS b_labels,
       length(arrayFilter(t -> t >= p.a_start AND (p.a_end IS NULL OR t < p.a_end), coalesce(f.times, []))) AS b_firing_during,
       length(arrayFilter((t, o) -> o AND t >= p.a_start AND (p.a_end IS NULL OR t < p.a_end), coalesce(f.times, []), coalesce(f.out_of_hours, []))) AS b_firing_during_ooh,
       length(arrayFilter((t, z) -> z AND t >= p.a_start AND (p.a_end IS NULL OR t < p.a_end), coalesce(f.times, []), coalesce(f.sleep_hours, []))) AS b_firing_during_sleep
FROM pairs AS p
LEFT JOIN fired AS f ON f.source = p.source AND f.fingerprint = p.b_fp AND f.starts_at = p.b_start
ORDER BY source, b_name, a_name, b_start, a_start
