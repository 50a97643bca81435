-- Every inhibited stretch that started before {sealed_to} (the first day
-- of the current month), from the poller's rows before then, into the
-- generation {seal} of sealed_stretches: the "inhibited_stretches"
-- fragment over those rows, so each ends at the alert's next row before
-- {sealed_to}, or NULL (open at the seal: a read ends it at the alert's
-- first row from {sealed_to} on). One slice of the alerts ("seal_slice"),
-- as the episodes' are sealed.
-- (No limit on the partitions one insert writes: see episodes_seal.sql.)
INSERT INTO {{db}}.sealed_stretches (seal, source, fingerprint, start, end, inhibited_by)
SETTINGS max_partitions_per_insert_block = 0
SELECT {seal:UInt64} AS seal, source, fingerprint, start, end, inhibited_by
FROM ({{template "inhibited_stretches" (sealingStretches .)}})
