-- Episodes overlapping [from, to) that had fired longer than {age_ms} by
-- {to} (or by their end).
WITH {{.Episodes}}
SELECT fingerprint, alertname, labels, source, starts_at, ends_at,
       dateDiff('millisecond', starts_at, least(coalesce(ends_at, {to:DateTime64(3, 'UTC')}), {to:DateTime64(3, 'UTC')})) / 1000 AS firing_seconds
FROM eps
WHERE dateDiff('millisecond', starts_at, least(coalesce(ends_at, {to:DateTime64(3, 'UTC')}), {to:DateTime64(3, 'UTC')})) > {age_ms:Int64}
ORDER BY firing_seconds DESC, source, fingerprint
