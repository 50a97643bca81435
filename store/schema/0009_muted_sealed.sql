-- Muted time sealed: for every episode of the poller's rows of the
-- finished months, per day, the time its rows of that day held silenced
-- and inhibited until the episode's next row (the rows whose next row is
-- before the seal), and on the episode's last day its last row before the
-- seal, whose state holds past the seal's end. Found once, so that the
-- alerts list reaching back past the current month runs its window only
-- over the rows since (queries/_muted.sql). Written by the compactor with
-- the sealed episodes and stretches, in the same generations (seal, one
-- partition each), and read while the poller's rows of those months number
-- what they did when it was built (episode_seals' state_rows). Per day, so
-- that a scan starting at any midnight of the sealed months sums exactly
-- its own days.
CREATE TABLE IF NOT EXISTS {{local "muted_sealed"}} {{onCluster}}
(
    seal           UInt64,
    source         LowCardinality(String),
    fingerprint    String CODEC(ZSTD(3)),
    starts_at      DateTime64(3, 'UTC') CODEC(T64, ZSTD(3)),
    day            Date CODEC(T64, ZSTD(3)),
    silenced_ms    Int64 CODEC(T64, ZSTD(3)),
    inhibited_ms   Int64 CODEC(T64, ZSTD(3)),
    last_at        Nullable(DateTime64(3, 'UTC')) CODEC(T64, ZSTD(3)),
    last_silenced  Bool,
    last_inhibited Bool
)
ENGINE = {{engine "MergeTree" "muted_sealed"}}
PARTITION BY seal
ORDER BY (source, fingerprint, starts_at, day);

-- Whether the seal holds muted time (0 in seals made before it was
-- sealed: those are read for episodes and stretches only until the next
-- seal, which the compactor then builds).
ALTER TABLE {{local "episode_seals"}} {{onCluster}} ADD COLUMN IF NOT EXISTS muted UInt8;
