-- The inhibiting alerts {fingerprints} as last seen at or before {at}.
SELECT fingerprint, argMax(alertname, observed_at) AS alertname, argMax(labels, observed_at) AS labels
FROM {{db}}.alert_states
WHERE has({fingerprints:Array(String)}, fingerprint) AND observed_at <= {at:DateTime64(3, 'UTC')}
  AND {{template "source"}}
GROUP BY fingerprint
ORDER BY fingerprint
