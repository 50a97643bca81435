-- The inhibiting alerts {fingerprints} as last seen at or before {at} by
-- the poller, a notification or an event.
SELECT fingerprint, argMax(alertname, seen) AS alertname, argMax(labels, seen) AS labels
FROM (
    SELECT fingerprint, alertname, labels, observed_at AS seen, source FROM {{db}}.alert_states
    WHERE fingerprint IN {{template "listed" "fingerprints"}} AND observed_at <= {at:DateTime64(3, 'UTC')}
    UNION ALL
    SELECT fingerprint, alertname, labels, received_at AS seen, source FROM {{db}}.notifications
    WHERE fingerprint IN {{template "listed" "fingerprints"}} AND received_at <= {at:DateTime64(3, 'UTC')}
    UNION ALL
    SELECT fingerprint, alertname, labels, at AS seen, source FROM {{db}}.events
    WHERE fingerprint IN {{template "listed" "fingerprints"}} AND at <= {at:DateTime64(3, 'UTC')} AND notEmpty(labels)
)
WHERE {{template "source"}}
GROUP BY fingerprint
ORDER BY fingerprint
