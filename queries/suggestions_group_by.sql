-- Candidate groupings in [from, to): an episode of alert B (same source,
-- another alertname) and an episode of alert A that started at most
-- {within_ms} before it and was still firing when it started, both notified
-- firing to the same receiver but in different groups (their first firing
-- notifications to it carry different group keys). Episodes are bucketed by
-- {within_ms} so the join stays an equi-join (as in the inhibit-rule
-- suggestions). b_firing_during is B's firing notifications to the receiver
-- (and of them out of working hours, in sleep hours)
-- while that A episode fired (sent apart from A's group); b_total is B's
-- episodes starting in the window that were notified to the receiver.
WITH {{template "episode_ctes" .}},
firsts AS (
    SELECT source, fingerprint, starts_at, toString(receiver) AS receiver,
           argMin(group_key, received_at) AS group_key,
           argMin(arrayMap(k -> toString(k), mapKeys(group_labels)), received_at) AS group_by,
           groupArray(received_at) AS times,
           groupArray(NOT {{template "in_hours_through" "wh"}}) AS out_of_hours,
           groupArray({{template "in_hours_through" "sh"}}) AS sleep_hours
    FROM {{template "counted" (scan . "scan_from" "" false)}}
    WHERE received_at >= {scan_from:DateTime64(3, 'UTC')} AND status = 'firing'
      AND {{template "receiver"}}
    GROUP BY source, fingerprint, starts_at, receiver
),
ep AS MATERIALIZED (
    SELECT e.source AS source, e.fingerprint AS fingerprint, toString(e.alertname) AS alertname, e.labels AS labels,
           e.starts_at AS starts_at, e.ends_at AS ends_at, f.receiver AS receiver, f.group_key AS group_key,
           f.group_by AS group_by, f.times AS times, f.out_of_hours AS out_of_hours, f.sleep_hours AS sleep_hours,
           intDiv(toUnixTimestamp64Milli(e.starts_at), {within_ms:Int64}) AS bucket
    FROM eps AS e
    INNER JOIN firsts AS f ON f.source = e.source AND f.fingerprint = e.fingerprint AND f.starts_at = e.starts_at
),
b_eps AS (
    SELECT * FROM ep WHERE starts_at >= {from:DateTime64(3, 'UTC')}
),
totals AS (
    SELECT source, receiver, alertname, count() AS b_total FROM b_eps GROUP BY source, receiver, alertname
),
a_eps AS (
    SELECT *, bucket AS b0 FROM ep
    UNION ALL
    SELECT *, bucket + 1 AS b0 FROM ep
)
SELECT b.source AS source, b.receiver AS receiver, a.alertname AS a_name, b.alertname AS b_name,
       a.fingerprint AS a_fp, b.fingerprint AS b_fp, a.starts_at AS a_start, b.starts_at AS b_start,
       a.labels AS a_labels, b.labels AS b_labels, arraySort(arrayDistinct(arrayConcat(a.group_by, b.group_by))) AS group_by,
       length(arrayFilter(t -> t >= a.starts_at AND (a.ends_at IS NULL OR t < a.ends_at), b.times)) AS b_firing_during,
       length(arrayFilter((t, o) -> o AND t >= a.starts_at AND (a.ends_at IS NULL OR t < a.ends_at), b.times, b.out_of_hours)) AS b_firing_during_ooh,
       length(arrayFilter((t, z) -> z AND t >= a.starts_at AND (a.ends_at IS NULL OR t < a.ends_at), b.times, b.sleep_hours)) AS b_firing_during_sleep,
       t.b_total AS b_total
FROM b_eps AS b
INNER JOIN a_eps AS a ON a.source = b.source AND a.receiver = b.receiver AND a.b0 = b.bucket
INNER JOIN totals AS t ON t.source = b.source AND t.receiver = b.receiver AND t.alertname = b.alertname
WHERE a.alertname != b.alertname
  AND a.group_key != b.group_key
  AND a.starts_at <= b.starts_at
  AND dateDiff('millisecond', a.starts_at, b.starts_at) <= {within_ms:Int64}
  AND (a.ends_at IS NULL OR a.ends_at > b.starts_at)
ORDER BY source, receiver, b_name, a_name, b_start, a_start
