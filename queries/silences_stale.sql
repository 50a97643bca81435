-- Stale silences at {at} (docs/definitions.md, "Silences"). For each silence
-- active at {at} (its latest version seen by then):
--   long_running:    active for more than {max_age_ms};
--   matches_nothing: never silenced an alert, and at least {idle_ms} of
--                    observed time since it started;
--   alerts_resolved: silenced alerts, but none since at least {idle_ms}
--                    before {at}: every alert it silenced has resolved or
--                    stopped being silenced by it by then.
-- Observed time is time covered by two consecutive successful polls of the
-- silence's source: when a poll failed, the poller was blind until the next
-- successful one.
WITH
versions AS (
    SELECT source, id,
           argMax(matchers, updated_at) AS matchers, argMax(created_by, updated_at) AS created_by,
           argMax(comment, updated_at) AS comment, argMax(starts_at, updated_at) AS s_starts_at,
           argMax(ends_at, updated_at) AS s_ends_at
    FROM {{db}}.silences FINAL
    WHERE updated_at <= {at:DateTime64(3, 'UTC')} AND observed_at <= {at:DateTime64(3, 'UTC')}
      AND {{template "source"}}
    GROUP BY source, id
),
active AS MATERIALIZED (
    SELECT * FROM versions
    WHERE s_starts_at <= {at:DateTime64(3, 'UTC')} AND s_ends_at > {at:DateTime64(3, 'UTC')}
),
-- When each silence last silenced each alert: its latest row naming the
-- silence (resolved rows, copies of the alert's last state, left out).
-- The whole days before {at}'s come from silence_pairs, kept at ingest
-- (each day's latest per alert and silence; a week at a big
-- Alertmanager's scale reads 0.5M of those instead of 8M poller rows:
-- 0.07-0.10 s against 0.33-0.41 s), {at}'s day from the poller's rows;
-- without .FromDays (store.episodes_from_raw, or no dedup window) every
-- day from the poller's rows, the reference the kept days are checked
-- against.
-- The scan's first day counts a day's latest only from the silences'
-- earliest start on: when that latest is earlier, no row of that day
-- after the start names the pair. Gathered into one value (silenced_pairs)
-- that both the pairs and the earliest of their times, which bounds what
-- "later" reads, are taken from: the engine evaluates a subquery of one
-- value on its own, and when that bound was the minimum over a
-- materialized CTE it built the CTE a second time for it (the statement
-- 0.89-1.01 s, 0.63-0.67 s this way).
silenced_pairs AS (
    SELECT groupArray((source, fingerprint, sid, t)) AS pairs
    FROM (
        SELECT source, fingerprint, sid, max(t) AS t
        FROM (
{{- if .FromDays}}
            SELECT source, fingerprint, sid, last AS t
            FROM {{db}}.silence_pairs
            WHERE day >= toDate((SELECT min(s_starts_at) FROM active)) AND day < toDate({at:DateTime64(3, 'UTC')})
              AND last >= (SELECT min(s_starts_at) FROM active)
              AND source IN (SELECT source FROM active)
            UNION ALL
{{- end}}
            -- (notEmpty adds nothing to what ARRAY JOIN keeps; as a filter
            -- it skips the rows naming no silence before their arrays are
            -- unfolded)
            SELECT source, fingerprint, sid, observed_at AS t
            FROM {{db}}.alert_states
            ARRAY JOIN silenced_by AS sid
            WHERE observed_at <= {at:DateTime64(3, 'UTC')}
              AND observed_at >= {{if .FromDays}}greatest(toStartOfDay({at:DateTime64(3, 'UTC')}), (SELECT min(s_starts_at) FROM active)){{else}}(SELECT min(s_starts_at) FROM active){{end}}
              AND source IN (SELECT source FROM active)
              AND kind != 'resolved' AND notEmpty(silenced_by)
        )
        GROUP BY source, fingerprint, sid
    )
),
last_silenced AS MATERIALIZED (
    SELECT p.1 AS source, p.2 AS fingerprint, p.3 AS sid, p.4 AS t
    FROM (SELECT arrayJoin((SELECT pairs FROM silenced_pairs)) AS p)
),
-- The times of each such alert's rows after the earliest of those: where
-- each of its silences stopped silencing it. Only these rows are read in
-- order (one window over every row of the silences' span was most of
-- this statement's time at a big Alertmanager's scale).
later AS (
    SELECT r.source AS source, r.fingerprint AS fingerprint, arraySort(groupArray(r.observed_at)) AS times
    FROM {{db}}.alert_states AS r
    INNER JOIN (SELECT source, fingerprint, min(t) AS since FROM last_silenced GROUP BY source, fingerprint) AS f
      ON r.source = f.source AND r.fingerprint = f.fingerprint
    WHERE r.observed_at <= {at:DateTime64(3, 'UTC')}
      AND r.observed_at >= arrayMin(p -> p.4, (SELECT pairs FROM silenced_pairs))
      AND r.observed_at > f.since
    GROUP BY r.source, r.fingerprint
),
matched AS (
    -- When each silence last silenced anything: the end of its last
    -- stretch on any alert, the alert's next row recorded after it
    -- (still silencing at {at}: {at} itself).
    SELECT l.source AS source, l.sid AS id,
           max(if(arrayExists(x -> x > l.t, n.times), least(arrayFirst(x -> x > l.t, n.times), {at:DateTime64(3, 'UTC')}),
                  {at:DateTime64(3, 'UTC')})) AS last_matched_at
    FROM last_silenced AS l
    LEFT JOIN later AS n ON l.source = n.source AND l.fingerprint = n.fingerprint
    GROUP BY l.source, l.sid
),
intervals AS (
    SELECT source, polled_at AS p0, ok AS ok0,
           leadInFrame(toNullable(polled_at)) OVER w AS p1,
           leadInFrame(ok) OVER w AS ok1
    FROM {{db}}.polls
    WHERE polled_at <= {at:DateTime64(3, 'UTC')}
      AND polled_at >= (SELECT min(s_starts_at) FROM active) - INTERVAL 1 DAY
      AND source IN (SELECT source FROM active)
    WINDOW w AS (PARTITION BY source ORDER BY polled_at ROWS BETWEEN CURRENT ROW AND 1 FOLLOWING)
),
-- The observed intervals (both polls successful) in order, each with the
-- observed time from its start on (every later interval's length added):
-- a silence's observed time is that of the first interval starting at or
-- after it, plus the part after its start of the one it started in. (Two
-- polls at the same time make an empty interval, left out: each interval
-- kept starts at a time of its own.) Summing every interval for every
-- silence was a quarter of this statement's time at a big
-- Alertmanager's scale.
observed_intervals AS MATERIALIZED (
    SELECT source, p0, assumeNotNull(p1) AS p1,
           sum(dateDiff('millisecond', p0, assumeNotNull(p1))) OVER (PARTITION BY source)
           - sum(dateDiff('millisecond', p0, assumeNotNull(p1))) OVER (PARTITION BY source ORDER BY p0 ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS from_here_ms
    FROM intervals
    WHERE ok0 AND ok1 AND p1 IS NOT NULL AND p1 > p0
),
observed AS (
    SELECT a.source AS source, a.id AS id,
           coalesce(after.from_here_ms, 0) + greatest(0, coalesce(dateDiff('millisecond', a.s_starts_at, before.p1), 0)) AS observed_ms
    FROM active AS a
    ASOF LEFT JOIN observed_intervals AS after ON a.source = after.source AND after.p0 >= a.s_starts_at
    ASOF LEFT JOIN observed_intervals AS before ON a.source = before.source AND before.p0 < a.s_starts_at
),
judged AS (
    SELECT a.id AS id, a.source AS source, a.matchers AS matchers, a.created_by AS created_by, a.comment AS comment,
           a.s_starts_at AS starts_at, a.s_ends_at AS ends_at, m.last_matched_at AS last_matched_at,
           dateDiff('millisecond', a.s_starts_at, {at:DateTime64(3, 'UTC')}) > {max_age_ms:Int64} AS long_running,
           m.last_matched_at IS NULL AND coalesce(o.observed_ms, 0) >= {idle_ms:Int64} AS matches_nothing,
           m.last_matched_at IS NOT NULL AND dateDiff('millisecond', assumeNotNull(m.last_matched_at), {at:DateTime64(3, 'UTC')}) >= {idle_ms:Int64} AS alerts_resolved
    FROM active AS a
    LEFT JOIN matched AS m ON a.source = m.source AND a.id = m.id
    LEFT JOIN observed AS o ON a.source = o.source AND a.id = o.id
)
SELECT id, source, matchers, created_by, comment, starts_at, ends_at, last_matched_at,
       arrayFilter(x -> x != '', [if(long_running, 'long_running', ''), if(matches_nothing, 'matches_nothing', ''), if(alerts_resolved, 'alerts_resolved', '')]) AS reasons
FROM judged
WHERE long_running OR matches_nothing OR alerts_resolved
ORDER BY starts_at, id
