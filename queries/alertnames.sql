-- The alertname of each of {fingerprints} as the poller last saw it.
SELECT fingerprint, argMax(alertname, observed_at) AS alertname
FROM {{db}}.alert_states
WHERE fingerprint IN {fingerprints:Array(String)}
GROUP BY fingerprint
