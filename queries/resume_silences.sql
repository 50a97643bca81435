-- The newest version of every silence of one source that Alertmanager may
-- still list (it drops expired silences after its retention, 5 days by
-- default; 30 days back covers longer settings). Re-storing a version
-- already stored is harmless: silences is a ReplacingMergeTree on it.
SELECT *
FROM {{db}}.silences FINAL
WHERE source = {source:String} AND ends_at >= {since:DateTime64(3, 'UTC')} - INTERVAL 30 DAY
ORDER BY id, updated_at DESC
LIMIT 1 BY id
