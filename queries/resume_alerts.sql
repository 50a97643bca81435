-- The newest row of every fingerprint of one source since {since}. Every
-- alert still open at the last poll has a row in that window, because the
-- poller writes a checkpoint of all alerts every checkpoint interval and
-- {since} reaches two intervals back. At equal times a re-fire's "appeared"
-- row wins over the "resolved" row of the episode before it.
SELECT *
FROM {{db}}.alert_states
WHERE source = {source:String} AND observed_at >= {since:DateTime64(3, 'UTC')}
ORDER BY fingerprint, observed_at DESC, kind = 'resolved'
LIMIT 1 BY fingerprint
