-- Inhibited stretches sealed: every stretch the poller's rows of the
-- finished months show (an alert inhibited from a row until its next row),
-- found once, so that an answer reaching back past the current month runs
-- its window only over the rows since (queries/_stretches.sql). Written
-- by the compactor with the sealed episodes, in the same generations
-- (seal, one partition each); a generation's stretches are read only
-- while episode_seals' state_rows is the number of poller rows stored in
-- those months (rows are only ever added or dropped there, never merged
-- away, so a late row or a retention drop changes it, and a merge does
-- not). end is NULL for a stretch still open at the seal.
CREATE TABLE IF NOT EXISTS {{local "stretches_sealed"}} {{onCluster}}
(
    seal         UInt64,
    source       LowCardinality(String),
    fingerprint  String CODEC(ZSTD(3)),
    start        DateTime64(3, 'UTC') CODEC(T64, ZSTD(3)),
    end          Nullable(DateTime64(3, 'UTC')) CODEC(T64, ZSTD(3)),
    inhibited_by Array(String) CODEC(ZSTD(3))
)
ENGINE = {{engine "MergeTree" "stretches_sealed"}}
PARTITION BY seal
ORDER BY (source, fingerprint, start);

-- The poller's rows of the months before sealed_to when the seal was
-- built (0 in seals made before stretches were sealed: those have none,
-- and are read for episodes only until the next seal).
ALTER TABLE {{local "episode_seals"}} {{onCluster}} ADD COLUMN IF NOT EXISTS state_rows UInt64;
