-- The active parts of the summaries' months before {sealed_to}, and the
-- poller's rows stored in those months: what a new seal is built from,
-- listed before it is built (a part or row that lands while it is built
-- is then not listed, and the seal is not read).
SELECT (SELECT arraySort(groupArray(name)) FROM system.parts
        WHERE database = {db:String} AND table = 'episode_days' AND active
          AND partition_id < toString(toYYYYMM({sealed_to:Date}))) AS parts,
       toString((SELECT sum(rows) FROM system.parts
                 WHERE database = {db:String} AND table = 'alert_states' AND active
                   AND partition_id < toString(toYYYYMM({sealed_to:Date})))) AS state_rows
