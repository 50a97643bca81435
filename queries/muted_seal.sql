-- The muted time of every episode of the poller's rows before {sealed_to}
-- (the first day of the current month) into the generation {seal} of
-- sealed_muted, per day: the "muted_steps" fragment over those rows, each
-- step summed on its row's day when the episode's next row is before
-- {sealed_to}, and on the episode's last day its last row before then
-- (whose state a read holds until the episode's first row from then on).
-- Only the days that add some muted time or end on a muted row: the others
-- add nothing to any read (in the synthetic year, where every alert is
-- muted every few hours, 12.6M of 20.4M days).
-- One slice of the alerts ("seal_slice"), as the episodes' are sealed.
-- (No limit on the partitions one insert writes: see episodes_seal.sql.)
INSERT INTO {{db}}.sealed_muted
    (seal, source, fingerprint, starts_at, day, silenced_ms, inhibited_ms, last_at, last_silenced, last_inhibited)
SETTINGS max_partitions_per_insert_block = 0
SELECT {seal:UInt64} AS seal, source, fingerprint, starts_at, toDate(at) AS day,
       {{template "muted_sums"}},
       anyIf(toNullable(at), next_at IS NULL) AS last_at,
       anyIf(silenced, next_at IS NULL) AS last_silenced,
       anyIf(inhibited, next_at IS NULL) AS last_inhibited
FROM ({{template "muted_steps" (sealingMuted .)}})
GROUP BY source, fingerprint, starts_at, day
HAVING s_ms != 0 OR i_ms != 0 OR last_silenced OR last_inhibited
