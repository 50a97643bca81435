-- The newest seal of the episodes (see the schema's sealed_episodes), and
-- whether the summaries' active parts of the months it covers are still
-- those it was built from: a part added, merged or dropped there since
-- (a late row, a retention drop) means some episode may sum up otherwise
-- now, and reads merge the summaries instead until the next seal. Its
-- stretches (sealed_stretches) are current while the poller's rows of
-- those months number what they did when it was built: rows there are
-- only added (a late row) or dropped (retention), never merged away. Its
-- muted time (sealed_muted) likewise, in a seal that has it. Its counted
-- notifications' minutes (sealed_episodes' counted_minutes) with its
-- episodes, in a seal that has them.
WITH newest AS (
    SELECT seal, sealed_to, dedup_ms, parts, state_rows, muted, notes FROM {{local "episode_seals"}} ORDER BY seal DESC LIMIT 1
)
SELECT toString(seal) AS seal, sealed_to, dedup_ms,
       parts = (SELECT arraySort(groupArray(name)) FROM system.parts
                WHERE database = {db:String} AND table = 'episode_days' AND active
                  AND partition_id < (SELECT toString(toYYYYMM(sealed_to)) FROM newest)) AS episodes_current,
       state_rows = (SELECT sum(rows) FROM system.parts
                     WHERE database = {db:String} AND table = 'alert_states' AND active
                       AND partition_id < (SELECT toString(toYYYYMM(sealed_to)) FROM newest)) AS stretches_current,
       stretches_current AND muted = 1 AS muted_current,
       episodes_current AND notes = 1 AS notes_current
FROM newest
