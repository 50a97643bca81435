-- The "join everything" formulation of stale silences at {at}: each
-- silence's latest row, kept when active at {at}, joined with every poller
-- row silenced by it; stale when active for more than 7 days, when it
-- never silenced anything, or when it last did more than 24 hours before
-- {at}.
SELECT s.source AS source, s.id AS id, s.starts_at AS starts_at, max(a.observed_at) AS last_silenced,
       dateDiff('second', s.starts_at, {at:DateTime64(3, 'UTC')}) > 7 * 86400 AS long_running,
       last_silenced < {at:DateTime64(3, 'UTC')} - INTERVAL 24 HOUR AS idle
FROM (
    SELECT source, id, argMax(starts_at, updated_at) AS starts_at, argMax(ends_at, updated_at) AS ends_at
    FROM {{db}}.silences
    WHERE updated_at <= {at:DateTime64(3, 'UTC')}
    GROUP BY source, id
) AS s
LEFT JOIN (
    SELECT source, arrayJoin(silenced_by) AS id, observed_at
    FROM {{db}}.alert_states
) AS a ON a.source = s.source AND a.id = s.id
WHERE s.starts_at <= {at:DateTime64(3, 'UTC')} AND s.ends_at > {at:DateTime64(3, 'UTC')} AND a.observed_at <= {at:DateTime64(3, 'UTC')}
GROUP BY source, id, starts_at
HAVING long_running OR idle
ORDER BY source, id
