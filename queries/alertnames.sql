-- The alertname and labels of each of {fingerprints}. An alert's labels are
-- the same in every row about it (its fingerprint is their hash) and its
-- alertname is its alertname label; alert_labels keeps them once per alert.
-- An alert not there yet (its view's part has not landed) takes them from
-- its raw rows, which are read for those alerts only. Each alert's latest
-- row is kept by sorting, not by argMax over its labels: an aggregate of
-- maps copies every one (the labels of the 49,000 alerts of a week's
-- failed inhibitions at a big Alertmanager's scale, 0.57-0.67 s against
-- 0.26-0.30 s sorted).
WITH missing AS MATERIALIZED (
    SELECT f FROM (SELECT arrayJoin({fingerprints:Array(String)}) AS f)
    WHERE f NOT IN (SELECT fingerprint FROM {{db}}.alert_labels)
)
SELECT fingerprint, labels['alertname'] AS alertname, labels
FROM (
    SELECT fingerprint, labels
    FROM (
        SELECT fingerprint, labels, seen AS at FROM {{db}}.alert_labels WHERE fingerprint IN {{template "listed" "fingerprints"}}
        UNION ALL
        SELECT fingerprint, labels, observed_at AS at FROM {{db}}.alert_states WHERE fingerprint IN (SELECT f FROM missing)
        UNION ALL
        SELECT fingerprint, labels, received_at AS at FROM {{db}}.notifications WHERE fingerprint IN (SELECT f FROM missing)
        UNION ALL
        SELECT fingerprint, labels, at FROM {{db}}.events WHERE fingerprint IN (SELECT f FROM missing) AND notEmpty(labels)
    )
    ORDER BY fingerprint, at DESC
    LIMIT 1 BY fingerprint
)
