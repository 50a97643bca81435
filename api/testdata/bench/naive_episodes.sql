-- The "join everything" formulation of the episode lookup: every
-- notification joined with every poller row of the same fingerprint, the
-- window applied after the join, ends found by scanning the pairs.
SELECT n.fingerprint AS fingerprint, n.starts_at AS starts_at,
       min(if(n.status = 'resolved', n.ends_at, NULL)) AS end_n,
       min(if(s.kind = 'resolved' AND s.starts_at = n.starts_at, s.observed_at, NULL)) AS end_p,
       count(DISTINCT n.received_at) AS notifications
FROM {{db}}.notifications AS n
INNER JOIN {{db}}.alert_states AS s ON n.fingerprint = s.fingerprint
WHERE n.ha_duplicate = 0 AND n.starts_at < {to:DateTime64(3, 'UTC')} AND n.received_at >= {from:DateTime64(3, 'UTC')}
GROUP BY n.fingerprint, n.starts_at
ORDER BY starts_at
