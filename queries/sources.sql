-- The sources with episodes overlapping [from, to) (matchers apply).
WITH {{template "episode_ctes" .}}
SELECT source AS value, toUInt32(count()) AS episodes
FROM {{template "unlabelled" .}}
GROUP BY value
ORDER BY value
LIMIT {limit:UInt32}
