-- The active parts of the summaries' months before {sealed_to}: what a
-- new seal is built from, listed before it is built (a part that lands
-- while it is built is then not listed, and the seal is not read).
SELECT arraySort(groupArray(name)) AS parts
FROM system.parts
WHERE database = {db:String} AND table = 'episode_days' AND active
  AND partition_id < toString(toYYYYMM({sealed_to:Date}))
