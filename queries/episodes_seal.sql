-- Every episode of the summaries' days before {sealed_to} (the first day
-- of the current month) summed up once into the generation {seal} of
-- episodes_sealed, with the first and last day it has summaries on: the
-- same sums agg merges from the same rows (the "summed" fragment), so an
-- episode all of whose summaries are sealed and in a scan reads the same
-- from either (see agg in _episodes.sql). In the table's order, one
-- episode at a time: a year at a big Alertmanager's scale (19 million
-- episodes) in about 40 s, memory bounded.
INSERT INTO {{db}}.episodes_sealed
    (seal, source, fingerprint, starts_at, first_day, last_day, first_alertname, end_n, end_p, end_e,
     notifications, receivers, last_generator_url)
SELECT {seal:UInt64} AS seal, source, fingerprint, starts_at, min(day) AS first_day, max(day) AS last_day,
       {{template "summed" .}}
FROM {{db}}.episode_days AS days
WHERE day < {sealed_to:Date}
GROUP BY source, fingerprint, starts_at
