-- The "join everything" formulation of flapping: every resolved
-- notification joined with every firing notification of the same
-- fingerprint, keeping re-fires within an hour of a resolution.
SELECT f.fingerprint AS fingerprint, count(DISTINCT f.starts_at) AS flaps
FROM {{db}}.notifications AS r
INNER JOIN {{db}}.notifications AS f ON r.fingerprint = f.fingerprint
WHERE r.status = 'resolved' AND f.status = 'firing' AND f.ha_duplicate = 0
  AND f.starts_at > r.ends_at AND f.starts_at < r.ends_at + INTERVAL 1 HOUR
  AND f.starts_at >= {from:DateTime64(3, 'UTC')} AND f.starts_at < {to:DateTime64(3, 'UTC')}
GROUP BY fingerprint
HAVING flaps >= 2
ORDER BY flaps DESC
