-- Episodes overlapping [from, to) that noise lists by name:
--   unrouted:     reached only black-hole receivers ({null_receivers});
--   long_running: had fired longer than {age_ms} by {to} (or their end).
-- Flagged on core (see the "unrouted" fragment), then named, labelled and
-- counted: few episodes are flagged, and merging every episode's name and
-- receivers cost as much as the rest of core.
WITH {{template "episode_ctes" .}},
flagged AS MATERIALIZED (
    SELECT source, fingerprint, starts_at, ends_at,
           dateDiff('millisecond', starts_at, least(coalesce(ends_at, {to:DateTime64(3, 'UTC')}), {to:DateTime64(3, 'UTC')})) AS firing_ms,
           {{if .NullReceivers}}unrouted{{else}}false AS unrouted{{end}},
           firing_ms > {age_ms:Int64} AS long_running
    FROM core
    WHERE unrouted OR long_running
)
SELECT f.fingerprint AS fingerprint, s.first_alertname AS alertname, l.labels AS labels, f.source AS source,
       f.starts_at AS starts_at, f.ends_at AS ends_at, s.notifications AS notifications, s.receivers AS receivers,
       f.firing_ms / 1000 AS firing_seconds, toBool(f.unrouted) AS unrouted, toBool(f.long_running) AS long_running
FROM flagged AS f
INNER JOIN labelled AS l ON l.source = f.source AND l.fingerprint = f.fingerprint
INNER JOIN {{template "sums_of" (only . "flagged")}} AS s
    ON s.source = f.source AND s.fingerprint = f.fingerprint AND s.starts_at = f.starts_at
ORDER BY starts_at, source, fingerprint
