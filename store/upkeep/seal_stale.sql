-- The generations of sealed episodes no read can use any more: all but the
-- two newest recorded seals (a read that found the newest current just
-- before a newer one was recorded reads the one before it), and any left
-- by a build that did not finish (never recorded).
SELECT DISTINCT partition_id
FROM system.parts
WHERE database = {db:String} AND table = 'episodes_sealed' AND active
  AND partition_id NOT IN (SELECT toString(seal) FROM (SELECT seal FROM {{local "episode_seals"}} ORDER BY seal DESC LIMIT 2))
ORDER BY partition_id
