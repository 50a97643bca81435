-- Episodes overlapping [from, to) that noise lists by name:
--   unrouted:     reached only black-hole receivers ({null_receivers});
--   long_running: had fired longer than {age_ms} by {to} (or their end).
WITH {{template "episode_ctes" .}},
flagged AS (
    SELECT fingerprint, alertname, labels, source, starts_at, ends_at, notifications, receivers,
           dateDiff('millisecond', starts_at, least(coalesce(ends_at, {to:DateTime64(3, 'UTC')}), {to:DateTime64(3, 'UTC')})) AS firing_ms,
           notEmpty(receivers) AND hasAll({null_receivers:Array(String)}, receivers) AS unrouted,
           firing_ms > {age_ms:Int64} AS long_running
    FROM eps
)
SELECT fingerprint, alertname, labels, source, starts_at, ends_at, notifications, receivers,
       firing_ms / 1000 AS firing_seconds, toBool(unrouted) AS unrouted, toBool(long_running) AS long_running
FROM flagged
WHERE unrouted OR long_running
ORDER BY starts_at, source, fingerprint
