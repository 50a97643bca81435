-- What the history says of the episodes of the alerts {fingerprints} of
-- {source} up to {history_to} (the "inhibitor_episodes" fragment): per
-- alert, its episodes' starts (ms, ascending) and, aligned with them, each
-- episode's earliest end (ms, or null when none is known). The caller
-- decides from them whether an inhibitor was still firing at a moment:
-- whether an episode had started, and whether it had ended, by then. One
-- row per alert with its episodes as arrays: an inhibitor's rows can be
-- most of the history, and one row per episode start and end made the
-- answer a hundred megabytes at a big Alertmanager's scale. (Failed
-- inhibitions judge the polls' candidates in their own statement; this
-- one serves the events' failures.)
-- The alerts' set is built once for all the tables read: a week of failed
-- inhibitions at a big Alertmanager's scale wants some 44,000 inhibitors,
-- and building their set for each table read took a fifth of the statement.
WITH wanted AS MATERIALIZED (SELECT {source:String} AS source, arrayJoin({fingerprints:Array(String)}) AS fingerprint)
SELECT fingerprint, arrayMap(e -> e.1, eps) AS starts, arrayMap(e -> e.2, eps) AS ends
FROM (
    SELECT fingerprint, arraySort(groupArray((toUnixTimestamp64Milli(starts_at), end_ms))) AS eps
    FROM ({{template "inhibitor_episodes" .}})
    GROUP BY fingerprint
)
ORDER BY fingerprint
