-- The generations of the sealed tables ({tables}) but the newest recorded
-- one, and any left by a build that did not finish (never
-- recorded): listed at the start of a compactor's run, one interval after
-- the newest replaced the one before it (a read that found that one
-- current has long started, and a started read keeps its parts).
SELECT DISTINCT partition_id
FROM system.parts
WHERE database = {db:String} AND table IN {tables:Array(String)} AND active
  AND partition_id NOT IN (SELECT toString(seal) FROM (SELECT seal FROM {{local "episode_seals"}} ORDER BY seal DESC LIMIT 1))
ORDER BY partition_id
