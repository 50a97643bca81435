-- Every episode of the summaries' days before {sealed_to} (the first day
-- of the current month) summed up once into the generation {seal} of
-- sealed_episodes, with the first and last day it has summaries on: the
-- same sums agg merges from the same rows (the "summed" fragment), so an
-- episode all of whose summaries are sealed and in a scan reads the same
-- from either (see agg in _episodes.sql); and the minutes of the
-- notifications counted, in order, as steps: the first from the minute
-- the episode started in, each next from the one before (small numbers
-- that repeat; "sealed_minutes" adds them up again), for noise (see
-- "day_deliveries"). The alerts whose fingerprint is in [{lo}, {hi}) (''
-- bounds nothing), so that a seal is built in slices the table's index
-- finds, each within a read's memory: the year of a big Alertmanager (19
-- million episodes) at once needed more than 2 GiB, also aggregated in
-- the table's order (each month's part is a stream of its own, and the
-- streams are joined in memory).
-- (A generation is a partition per month: a store keeping more than 100
-- months would exceed the engine's default limit of partitions one insert
-- may write, which the seal lifts.)
INSERT INTO {{db}}.sealed_episodes
    (seal, source, fingerprint, starts_at, first_day, last_day, first_alertname, end_n, end_p, end_e,
     notifications, receivers, last_generator_url, counted_minutes)
SETTINGS max_partitions_per_insert_block = 0
SELECT {seal:UInt64} AS seal, source, fingerprint, starts_at, min(day) AS first_day, max(day) AS last_day,
       {{template "summed" .}},
       arrayFold((acc, m) -> (m, arrayPushBack(acc.2, toInt32(m - acc.1))),
                 arraySort(arrayMap(ms -> {{template "ms_minute" "ms"}}, arrayMap(x -> {{template "delivery_ms" "x"}}, {{template "fold_counted" (scan . "" "" false)}}))),
                 ({{template "ms_minute" "toUnixTimestamp64Milli(starts_at)"}}, CAST([], 'Array(Int32)'))).2 AS counted_minutes
FROM {{db}}.episode_days AS days
WHERE day < {sealed_to:Date}
  AND {{template "seal_slice"}}
GROUP BY source, fingerprint, starts_at
