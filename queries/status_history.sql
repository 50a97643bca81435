-- Every status change stored for the sources in {sources}, oldest first:
-- restarts (uptime) and configuration reloads (a new config hash).
SELECT source, observed_at, uptime, config_hash
FROM {{db}}.alertmanager_status
WHERE has({sources:Array(String)}, toString(source)) AND observed_at < {to:DateTime64(3, 'UTC')}
ORDER BY source, observed_at
