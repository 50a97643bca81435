-- The generations of the sealed tables ({tables}) but the newest recorded
-- one, and any left by a build that did not finish (never
-- recorded): listed at the start of a compactor's run, one interval after
-- the newest replaced the one before it (a read that found that one
-- current has long started, and a started read keeps its parts). A
-- generation is a partition per month, "<seal>-<YYYYMM>": its seal is
-- what comes before the dash.
SELECT DISTINCT partition_id
FROM system.parts
WHERE database = {db:String} AND table IN {tables:Array(String)} AND active
  AND splitByChar('-', partition_id)[1] NOT IN (SELECT toString(seal) FROM (SELECT seal FROM {{local "episode_seals"}} ORDER BY seal DESC LIMIT 1))
ORDER BY partition_id
