-- The alertname and labels of each of {fingerprints} as last seen by the
-- poller, a notification or an event.
SELECT fingerprint, argMax(alertname, at) AS alertname, argMax(labels, at) AS labels
FROM (
    SELECT fingerprint, alertname, labels, observed_at AS at FROM {{db}}.alert_states WHERE has({fingerprints:Array(String)}, fingerprint)
    UNION ALL
    SELECT fingerprint, alertname, labels, received_at AS at FROM {{db}}.notifications WHERE has({fingerprints:Array(String)}, fingerprint)
    UNION ALL
    SELECT fingerprint, alertname, labels, at FROM {{db}}.events WHERE has({fingerprints:Array(String)}, fingerprint) AND notEmpty(labels)
)
GROUP BY fingerprint
