-- The last status stored for one source, and the last checkpoint time.
SELECT
    (SELECT config_hash FROM {{db}}.alertmanager_status WHERE source = {source:String} ORDER BY observed_at DESC LIMIT 1) AS config_hash,
    (SELECT toString(uptime) FROM {{db}}.alertmanager_status WHERE source = {source:String} ORDER BY observed_at DESC LIMIT 1) AS uptime,
    (SELECT toString(max(observed_at)) FROM {{db}}.alert_states
      WHERE source = {source:String} AND kind = 'checkpoint' AND observed_at >= {since:DateTime64(3, 'UTC')}) AS last_checkpoint
