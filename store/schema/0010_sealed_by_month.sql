-- The sealed tables partitioned by month as well as by generation, under
-- new names: the sealed episodes by the month of their first day, the
-- stretches by the month they start in, the muted time by its day's month.
-- A read keeps the sealed rows from its scan's first day on (first_day,
-- start, day): with one partition per generation it read every sealed row
-- of the year to find them; with one per month it skips the months before
-- its scan. A generation is now a partition per month, with the ID
-- "<seal>-<YYYYMM>" (seal_stale.sql).
--
-- A partition key cannot be altered, so the tables are made anew, empty.
-- Seals are derived data: the record of the newest is forgotten first (no
-- read takes a seal whose rows are gone, whichever statement a crash
-- stops before), reads merge the summaries until the compactor's next run
-- seals again (about two minutes for a year of a big Alertmanager), and the
-- answers stay the same. New names, and the old tables dropped, so that an
-- older alertlens started on this store (which would take the new
-- generations' partitions for stale ones and drop them, then read an empty
-- seal it still found recorded) fails on the missing tables instead of
-- answering without the sealed months.
TRUNCATE TABLE IF EXISTS {{local "episode_seals"}} {{onCluster}};
DROP TABLE IF EXISTS {{local "episodes_sealed"}} {{onCluster}} SYNC;
DROP TABLE IF EXISTS {{local "stretches_sealed"}} {{onCluster}} SYNC;
DROP TABLE IF EXISTS {{local "muted_sealed"}} {{onCluster}} SYNC;

CREATE TABLE IF NOT EXISTS {{local "sealed_episodes"}} {{onCluster}}
(
    seal               UInt64,
    source             LowCardinality(String),
    fingerprint        String CODEC(ZSTD(3)),
    starts_at          DateTime64(3, 'UTC') CODEC(T64, ZSTD(3)),
    first_day          Date CODEC(ZSTD(3)),
    last_day           Date CODEC(ZSTD(3)),
    first_alertname    LowCardinality(String) CODEC(ZSTD(3)),
    end_n              Nullable(DateTime64(3, 'UTC')) CODEC(T64, ZSTD(3)),
    end_p              Nullable(DateTime64(3, 'UTC')) CODEC(T64, ZSTD(3)),
    end_e              Nullable(DateTime64(3, 'UTC')) CODEC(T64, ZSTD(3)),
    notifications      UInt64 CODEC(ZSTD(3)),
    receivers          Array(LowCardinality(String)) CODEC(ZSTD(3)),
    last_generator_url LowCardinality(String) CODEC(ZSTD(3))
)
ENGINE = {{engine "MergeTree" "sealed_episodes"}}
PARTITION BY (seal, toYYYYMM(first_day))
ORDER BY (source, fingerprint, starts_at);

CREATE TABLE IF NOT EXISTS {{local "sealed_stretches"}} {{onCluster}}
(
    seal         UInt64,
    source       LowCardinality(String),
    fingerprint  String CODEC(ZSTD(3)),
    start        DateTime64(3, 'UTC') CODEC(T64, ZSTD(3)),
    end          Nullable(DateTime64(3, 'UTC')) CODEC(T64, ZSTD(3)),
    inhibited_by Array(String) CODEC(ZSTD(3))
)
ENGINE = {{engine "MergeTree" "sealed_stretches"}}
PARTITION BY (seal, toYYYYMM(start))
ORDER BY (source, fingerprint, start);

CREATE TABLE IF NOT EXISTS {{local "sealed_muted"}} {{onCluster}}
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
ENGINE = {{engine "MergeTree" "sealed_muted"}}
PARTITION BY (seal, toYYYYMM(day))
ORDER BY (source, fingerprint, starts_at, day);
