-- The receivers the episodes overlapping [from, to) reached or were routed
-- to (notifications, polls and events; matchers apply).
WITH {{template "episode_ctes" .}}
SELECT arrayJoin(receivers) AS value, toUInt32(count()) AS episodes
FROM {{template "unlabelled" .}}
GROUP BY value
ORDER BY value
LIMIT {limit:UInt32}
