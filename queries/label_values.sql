-- The values of the label {name} on the alerts with episodes overlapping
-- [from, to).
WITH {{template "episode_ctes" .}}
SELECT labels[{name:String}] AS value, toUInt32(count()) AS episodes
FROM eps
WHERE mapContains(labels, {name:String})
GROUP BY value
ORDER BY value
LIMIT {limit:UInt32}
