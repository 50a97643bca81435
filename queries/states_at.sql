-- What the poller last saw at or before {to} of each alert in
-- {fingerprints} (as source/fingerprint keys): muted by a silence, by an
-- inhibition, or paging. An alert the poller never saw is not listed.
SELECT source, fingerprint,
       argMax(multiIf(kind = 'resolved', 'resolved', notEmpty(silenced_by), 'silenced', notEmpty(inhibited_by), 'inhibited', 'firing'), observed_at) AS state
FROM {{db}}.alert_states
WHERE concat(source, '/', fingerprint) IN {{template "listed" "fingerprints"}}
  AND observed_at >= {scan_from:DateTime64(3, 'UTC')} AND observed_at <= {to:DateTime64(3, 'UTC')}
GROUP BY source, fingerprint
