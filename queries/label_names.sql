-- The label names of the alerts with episodes overlapping [from, to).
WITH {{template "episode_ctes" .}}
SELECT arrayJoin(mapKeys(labels)) AS value, toUInt32(sum(episodes)) AS episodes
FROM {{template "labelled_alerts"}}
GROUP BY value
ORDER BY value
LIMIT {limit:UInt32}
