-- The label names of the alerts with episodes overlapping [from, to).
WITH {{template "episode_ctes" .}}
SELECT arrayJoin(mapKeys(labels)) AS value, toUInt32(count()) AS episodes
FROM eps
GROUP BY value
ORDER BY value
LIMIT {limit:UInt32}
