-- The requested sources that sent events from {scan_from} on: only their
-- notifications can have an event within 5 minutes, so the events path of
-- failed inhibitions reads only theirs (and nothing when there are none).
SELECT DISTINCT toString(source) AS source
FROM {{db}}.events
WHERE at >= {scan_from:DateTime64(3, 'UTC')} AND {{template "source"}}
ORDER BY source
