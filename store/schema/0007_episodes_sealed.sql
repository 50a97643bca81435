-- Episodes sealed: every episode of the summaries' finished months
-- (days before {sealed_to}, the first day of a month) summed up once, to
-- its final values, so that an answer reaching back past the current
-- month reads one row per episode there instead of merging its
-- summaries again. Written by the compactor, in generations (seal, one
-- partition each): a generation is read only while episode_seals lists
-- the summaries' parts it was built from as the parts there are (a late
-- row, a retention drop or a merge in those months makes a new part, and
-- the episodes are built from the summaries again until the next seal).
-- What a sealed episode holds, and how reads combine it with the current
-- month, is with the reads (queries/_episodes.sql). Chosen on realistic
-- alerts (the importer's storage benchmark, a month of a Kubernetes
-- fleet): names, receivers and generator URLs repeat across alerts but
-- not from one row to the next (rows are in fingerprint order), which a
-- dictionary finds and ZSTD mostly does not (3.5 → 2.3 bytes per
-- notification); times in that order compress best as plain numbers
-- (T64), not as deltas.
CREATE TABLE IF NOT EXISTS {{local "episodes_sealed"}} {{onCluster}}
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
ENGINE = {{engine "MergeTree" "episodes_sealed"}}
PARTITION BY seal
ORDER BY (source, fingerprint, starts_at);

-- One row per generation: the first day it does not cover, the HA dedup
-- window its notifications were counted with, and the summaries' active
-- parts (of the months before sealed_to) it was built from.
CREATE TABLE IF NOT EXISTS {{local "episode_seals"}} {{onCluster}}
(
    seal      UInt64,
    sealed_to Date,
    dedup_ms  Int64,
    parts     Array(String),
    sealed_at DateTime64(3, 'UTC')
)
ENGINE = {{engine "MergeTree" "episode_seals"}}
ORDER BY seal;
