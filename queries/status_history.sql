-- What dates restarts and configuration reloads of the sources in {sources}
-- up to {until}, oldest first: each stored status (its uptime is when that
-- Alertmanager started; a new config hash was loaded after the last
-- successful poll before it, prev_poll_at, when the old status still
-- stood), and the event recorder's startup events.
-- The caller dates reloads observed from {since} on only, each by the
-- status that showed it, the status before it and the last successful poll
-- before it where that came after the status before it. So the polls read
-- start at the latest status before {since} ({since} itself when there is
-- none): an earlier poll dates no reload asked about (the prev_poll_at of
-- an earlier status may then be missing or earlier than it was, and is
-- never read). Reading every poll of the sources' history instead took
-- 0.23-0.66 s of a week's failed inhibitions at a big Alertmanager's
-- scale, for no status at all.
WITH statuses AS MATERIALIZED (
    SELECT source, observed_at, uptime, config_hash
    FROM {{db}}.alertmanager_status
    WHERE has({sources:Array(String)}, toString(source)) AND observed_at < {until:DateTime64(3, 'UTC')}
),
polls_from AS (
    SELECT coalesce(minOrNull(p), {since:DateTime64(3, 'UTC')}) AS at
    FROM (
        SELECT coalesce(maxOrNullIf(observed_at, observed_at < {since:DateTime64(3, 'UTC')}), {since:DateTime64(3, 'UTC')}) AS p
        FROM statuses
        GROUP BY source
    )
)
SELECT * FROM (
    SELECT s.source AS source, s.observed_at AS observed_at, s.uptime AS uptime, s.config_hash AS config_hash,
           'status' AS what, p.polled_at AS prev_poll_at
    FROM statuses AS s
    ASOF LEFT JOIN (
        SELECT source, polled_at FROM {{db}}.polls
        WHERE ok AND has({sources:Array(String)}, toString(source)) AND polled_at >= (SELECT at FROM polls_from)
          AND polled_at < {until:DateTime64(3, 'UTC')}
    ) AS p
        ON s.source = p.source AND p.polled_at < s.observed_at
    UNION ALL
    SELECT source, at AS observed_at, at AS uptime, '' AS config_hash, 'startup' AS what,
           CAST(NULL, 'Nullable(DateTime64(3, \'UTC\'))') AS prev_poll_at
    FROM {{db}}.events
    WHERE has({sources:Array(String)}, toString(source)) AND at < {until:DateTime64(3, 'UTC')} AND kind = 'alertmanager_startup'
)
ORDER BY source, observed_at
