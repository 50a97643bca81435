-- The evidence of inhibit rules (A mutes B) whose support and confidence
-- suggestions_inhibit_support found, named in {groups} as (source, A, B).
-- A pair is an episode of B starting in [from, to) and an episode of A
-- that started at most {within_ms} before it and was still firing when it
-- started; episodes are bucketed by {within_ms} so the join stays an
-- equi-join (A's start lies in B's bucket or the one before). A pair's
-- agreeing labels are those other than alertname both carry with the same
-- non-empty value. Each B episode's best partner is the A episode agreeing
-- on most labels (then the earliest, then the lowest fingerprint); a rule's
-- equal labels are those every best partner agrees on, and rules without
-- any are left out. One row per B episode with its best partner, and
-- b_firing_during, B's firing notifications sent while that A episode was
-- firing (what the rule would have saved), and of those the ones out of
-- working hours and in sleep hours.
WITH {{template "episode_ctes" .}},
ep AS MATERIALIZED (
    SELECT source, fingerprint, alertname, labels, starts_at, ends_at,
           intDiv(toUnixTimestamp64Milli(starts_at), {within_ms:Int64}) AS bucket
    FROM eps
),
b_eps AS (
    SELECT * FROM ep
    WHERE starts_at >= {from:DateTime64(3, 'UTC')}
      AND alertname IN (SELECT arrayJoin(arrayMap(g -> g.3, {groups:Array(Tuple(String, String, String))})))
),
a_eps AS (
    SELECT *, arrayJoin([bucket, bucket + 1]) AS b0 FROM ep
    WHERE alertname IN (SELECT arrayJoin(arrayMap(g -> g.2, {groups:Array(Tuple(String, String, String))})))
),
pairs AS (
    SELECT b.source AS source, a.alertname AS a_name, b.alertname AS b_name,
           a.fingerprint AS a_fp, b.fingerprint AS b_fp, a.starts_at AS a_start, b.starts_at AS b_start,
           a.ends_at AS a_end,
           arraySort(arrayFilter(k -> k != 'alertname' AND b.labels[k] != '' AND a.labels[k] = b.labels[k], mapKeys(b.labels))) AS agree
    FROM b_eps AS b
    INNER JOIN a_eps AS a ON a.source = b.source AND a.b0 = b.bucket
    WHERE a.alertname != b.alertname
      AND a.starts_at <= b.starts_at
      AND dateDiff('millisecond', a.starts_at, b.starts_at) <= {within_ms:Int64}
      AND (a.ends_at IS NULL OR a.ends_at > b.starts_at)
      -- (sets, not has() over the list: there may be thousands of rules)
      AND (b.source, a.alertname, b.alertname) IN (SELECT arrayJoin({groups:Array(Tuple(String, String, String))}))
),
best AS (
    SELECT source, a_name, b_name, b_fp, b_start,
           argMin((a_fp, a_start, a_end, agree), (-length(agree), a_start, a_fp)) AS p
    FROM pairs
    GROUP BY source, a_name, b_name, b_fp, b_start
),
evidence AS (
    -- (the equal labels by a window over each rule's rows: best is built
    -- once)
    SELECT *
    FROM (
        SELECT source, a_name, b_name, b_fp, b_start, p,
               arraySort(groupArrayIntersect(p.4) OVER (PARTITION BY source, a_name, b_name)) AS equal
        FROM best
    )
    WHERE notEmpty(equal)
),
-- An alert's labels are the same in all its episodes (its fingerprint is
-- their hash): joined to the evidence rows once, not carried through every
-- pair.
ep_labels AS (
    SELECT source, fingerprint, any(labels) AS labels
    FROM ep
    GROUP BY source, fingerprint
),
fired AS (
    SELECT source, fingerprint, starts_at, groupArray(received_at) AS times,
           groupArray(NOT {{template "in_hours_through" "wh"}}) AS out_of_hours,
           groupArray({{template "in_hours_through" "sh"}}) AS sleep_hours
    FROM {{template "deliveries" (firing (tail (scan . "from" "" false) "to"))}}
    GROUP BY source, fingerprint, starts_at
)
SELECT e.source AS source, e.a_name AS a_name, e.b_name AS b_name, e.equal AS equal,
       e.p.1 AS a_fp, e.b_fp AS b_fp, e.p.2 AS a_start, e.b_start AS b_start, la.labels AS a_labels, lb.labels AS b_labels,
       length(arrayFilter(t -> t >= e.p.2 AND (e.p.3 IS NULL OR t < e.p.3), coalesce(f.times, []))) AS b_firing_during,
       length(arrayFilter((t, o) -> o AND t >= e.p.2 AND (e.p.3 IS NULL OR t < e.p.3), coalesce(f.times, []), coalesce(f.out_of_hours, []))) AS b_firing_during_ooh,
       length(arrayFilter((t, z) -> z AND t >= e.p.2 AND (e.p.3 IS NULL OR t < e.p.3), coalesce(f.times, []), coalesce(f.sleep_hours, []))) AS b_firing_during_sleep
FROM evidence AS e
INNER JOIN ep_labels AS la ON la.source = e.source AND la.fingerprint = e.p.1
INNER JOIN ep_labels AS lb ON lb.source = e.source AND lb.fingerprint = e.b_fp
LEFT JOIN fired AS f ON f.source = e.source AND f.fingerprint = e.b_fp AND f.starts_at = e.b_start
ORDER BY source, b_name, a_name, b_start
