-- What dates restarts and configuration reloads of the sources in {sources}
-- up to {until}, oldest first: each stored status (its uptime is when that
-- Alertmanager started; a new config hash was loaded after the last
-- successful poll before it, prev_poll_at, when the old status still
-- stood), and the event recorder's startup events.
SELECT * FROM (
    SELECT s.source AS source, s.observed_at AS observed_at, s.uptime AS uptime, s.config_hash AS config_hash,
           'status' AS what, p.polled_at AS prev_poll_at
    FROM {{db}}.alertmanager_status AS s
    ASOF LEFT JOIN (SELECT source, polled_at FROM {{db}}.polls WHERE ok AND has({sources:Array(String)}, toString(source))) AS p
        ON s.source = p.source AND p.polled_at < s.observed_at
    WHERE has({sources:Array(String)}, toString(s.source)) AND s.observed_at < {until:DateTime64(3, 'UTC')}
    UNION ALL
    SELECT source, at AS observed_at, at AS uptime, '' AS config_hash, 'startup' AS what,
           CAST(NULL, 'Nullable(DateTime64(3, \'UTC\'))') AS prev_poll_at
    FROM {{db}}.events
    WHERE has({sources:Array(String)}, toString(source)) AND at < {until:DateTime64(3, 'UTC')} AND kind = 'alertmanager_startup'
)
ORDER BY source, observed_at
