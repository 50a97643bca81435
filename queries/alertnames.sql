-- The alertname and labels of each of {fingerprints}. An alert's labels are
-- the same in every row about it (its fingerprint is their hash) and its
-- alertname is its alertname label; alert_labels keeps them once per alert.
-- An alert not there yet (its view's part has not landed) takes them from
-- its raw rows, which are read for those alerts only.
WITH missing AS MATERIALIZED (
    SELECT f FROM (SELECT arrayJoin({fingerprints:Array(String)}) AS f)
    WHERE f NOT IN (SELECT fingerprint FROM {{db}}.alert_labels)
)
SELECT fingerprint, latest['alertname'] AS alertname, latest AS labels
FROM (
    SELECT fingerprint, argMax(labels, at) AS latest
    FROM (
        SELECT fingerprint, labels, seen AS at FROM {{db}}.alert_labels WHERE fingerprint IN {{template "listed" "fingerprints"}}
        UNION ALL
        SELECT fingerprint, labels, observed_at AS at FROM {{db}}.alert_states WHERE fingerprint IN (SELECT f FROM missing)
        UNION ALL
        SELECT fingerprint, labels, received_at AS at FROM {{db}}.notifications WHERE fingerprint IN (SELECT f FROM missing)
        UNION ALL
        SELECT fingerprint, labels, at FROM {{db}}.events WHERE fingerprint IN (SELECT f FROM missing) AND notEmpty(labels)
    )
    GROUP BY fingerprint
)
