-- The last status stored for one source.
SELECT
    (SELECT config_hash FROM {{db}}.alertmanager_status WHERE source = {source:String} ORDER BY observed_at DESC LIMIT 1) AS config_hash,
    (SELECT toString(uptime) FROM {{db}}.alertmanager_status WHERE source = {source:String} ORDER BY observed_at DESC LIMIT 1) AS uptime
