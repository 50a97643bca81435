-- Whether any of the requested sources sent events from {scan_from} on:
-- only then can a notification be judged by events, and the statement that
-- judges them (whose own gate still builds every firing notification
-- first) is worth running.
SELECT toBool(count() > 0) AS has_events
FROM (
    SELECT 1 FROM {{db}}.events
    WHERE at >= {scan_from:DateTime64(3, 'UTC')} AND {{template "source"}}
    LIMIT 1
)
