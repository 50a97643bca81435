-- Episodes overlapping [from, to) that noise lists by name:
--   unrouted:     reached only black-hole receivers ({null_receivers});
--   long_running: had fired longer than {age_ms} by {to} (or their end).
-- Flagged on core, labelled and counted after: few episodes are flagged.
WITH {{template "episode_ctes" .}},
flagged AS MATERIALIZED (
    SELECT source, fingerprint, alertname, starts_at, ends_at, receivers,
           dateDiff('millisecond', starts_at, least(coalesce(ends_at, {to:DateTime64(3, 'UTC')}), {to:DateTime64(3, 'UTC')})) AS firing_ms,
           notEmpty(receivers) AND hasAll({null_receivers:Array(String)}, receivers) AS unrouted,
           firing_ms > {age_ms:Int64} AS long_running
    FROM core
    WHERE unrouted OR long_running
)
SELECT f.fingerprint AS fingerprint, f.alertname AS alertname, l.labels AS labels, f.source AS source,
       f.starts_at AS starts_at, f.ends_at AS ends_at, coalesce(n.notifications, 0) AS notifications, f.receivers AS receivers,
       f.firing_ms / 1000 AS firing_seconds, toBool(f.unrouted) AS unrouted, toBool(f.long_running) AS long_running
FROM flagged AS f
INNER JOIN labelled AS l ON l.source = f.source AND l.fingerprint = f.fingerprint
LEFT JOIN {{template "notifications_of" (only . "flagged")}} AS n
    ON n.source = f.source AND n.fingerprint = f.fingerprint AND n.starts_at = f.starts_at
ORDER BY starts_at, source, fingerprint
