-- The latest Alertmanager configuration stored for each source (as of {to}).
SELECT source, argMax(config, observed_at) AS config
FROM {{db}}.alertmanager_status
WHERE observed_at < {to:DateTime64(3, 'UTC')} AND {{template "source"}}
GROUP BY source
ORDER BY source
