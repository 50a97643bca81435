-- The latest start among the episodes of generation {seal} of
-- sealed_episodes: reads merge from the summaries the episodes starting
-- after it (see the "episode_ctes" fragment). A generation never changes
-- once recorded, so the store reads this once per generation instead of
-- every sealed read reading it (75-100 ms each at a big Alertmanager's
-- scale: every sealed episode's start).
SELECT toString(max(starts_at)) AS last_start
FROM {{local "sealed_episodes"}}
WHERE seal = {seal:UInt64}
