-- Every analysis reads one source's alerts over a time window and walks each
-- fingerprint's history in time order (episodes, gaps, "state at T"), so data
-- tables sort by (source, fingerprint, time): one fingerprint's rows are
-- adjacent and already ordered for window functions, and a source or
-- fingerprint filter skips granules. Monthly partitions let a window prune
-- whole months, and retention drops whole parts.

CREATE TABLE IF NOT EXISTS {{local "notifications"}} {{onCluster}}
(
    received_at         DateTime64(3, 'UTC') CODEC(DoubleDelta, ZSTD(1)),
    source              LowCardinality(String),
    receiver            LowCardinality(String),
    group_key           String CODEC(ZSTD(3)),
    group_labels        Map(LowCardinality(String), String) CODEC(ZSTD(3)),
    notification_reason LowCardinality(String),
    route_labels        Map(LowCardinality(String), String) CODEC(ZSTD(3)),
    status              LowCardinality(String),
    fingerprint         String,
    alertname           LowCardinality(String),
    severity            LowCardinality(String),
    labels              Map(LowCardinality(String), String) CODEC(ZSTD(3)),
    annotations         Map(LowCardinality(String), String) CODEC(ZSTD(3)),
    starts_at           DateTime64(3, 'UTC') CODEC(DoubleDelta, ZSTD(1)),
    ends_at             Nullable(DateTime64(3, 'UTC')),
    generator_url       String CODEC(ZSTD(3)),
    external_url        LowCardinality(String),
    truncated_alerts    UInt32,
    -- 1 when the receiving process had seen the same (receiver, group key,
    -- fingerprint, status, startsAt) within the dedup window: what that
    -- process saw, for audit. The analyses decide what counts from all
    -- stored deliveries (the "counted" query fragment).
    ha_duplicate        UInt8
)
ENGINE = {{engine "MergeTree" "notifications"}}
PARTITION BY toYYYYMM(received_at)
ORDER BY (source, fingerprint, received_at)
{{ttl "received_at"}}
SETTINGS non_replicated_deduplication_window = 1000;

{{distributed "notifications"}}

-- One row per change the poller saw for a fingerprint, plus periodic
-- checkpoints, so "state at T" never needs an unbounded look-back.
CREATE TABLE IF NOT EXISTS {{local "alert_states"}} {{onCluster}}
(
    observed_at   DateTime64(3, 'UTC') CODEC(DoubleDelta, ZSTD(1)),
    source        LowCardinality(String),
    fingerprint   String,
    -- appeared | changed | resolved | checkpoint
    kind          LowCardinality(String),
    -- active | suppressed | unprocessed | resolved
    state         LowCardinality(String),
    alertname     LowCardinality(String),
    severity      LowCardinality(String),
    labels        Map(LowCardinality(String), String) CODEC(ZSTD(3)),
    annotations   Map(LowCardinality(String), String) CODEC(ZSTD(3)),
    silenced_by   Array(String),
    inhibited_by  Array(String),
    muted_by      Array(String),
    receivers     Array(LowCardinality(String)),
    starts_at     DateTime64(3, 'UTC'),
    ends_at       Nullable(DateTime64(3, 'UTC')),
    updated_at    Nullable(DateTime64(3, 'UTC')),
    generator_url String CODEC(ZSTD(3))
)
ENGINE = {{engine "MergeTree" "alert_states"}}
PARTITION BY toYYYYMM(observed_at)
ORDER BY (source, fingerprint, observed_at)
{{ttl "observed_at"}}
SETTINGS non_replicated_deduplication_window = 1000;

{{distributed "alert_states"}}

-- One row per silence version. A version is (source, id, updated_at); seeing
-- the same version again (after a restart, or when it expires by time) keeps
-- the latest observation.
CREATE TABLE IF NOT EXISTS {{local "silences"}} {{onCluster}}
(
    source      LowCardinality(String),
    id          String,
    updated_at  DateTime64(3, 'UTC'),
    observed_at DateTime64(3, 'UTC'),
    matchers    Array(Tuple(name String, value String, is_regex Bool, is_equal Bool)),
    created_by  String,
    comment     String CODEC(ZSTD(3)),
    starts_at   DateTime64(3, 'UTC'),
    ends_at     DateTime64(3, 'UTC'),
    -- active | pending | expired
    state       LowCardinality(String)
)
ENGINE = {{engine "ReplacingMergeTree(observed_at)" "silences"}}
PARTITION BY toYYYYMM(updated_at)
ORDER BY (source, id, updated_at)
{{ttl "updated_at"}}
SETTINGS non_replicated_deduplication_window = 1000;

{{distributed "silences"}}

-- One row per poll, failed ones included: where ok = 0 or rows are missing,
-- the poller was blind and state-based answers must say so.
CREATE TABLE IF NOT EXISTS {{local "polls"}} {{onCluster}}
(
    polled_at        DateTime64(3, 'UTC') CODEC(DoubleDelta, ZSTD(1)),
    source           LowCardinality(String),
    duration_seconds Float64,
    ok               Bool,
    error            String,
    alerts           UInt32,
    silences         UInt32,
    changes          UInt32
)
ENGINE = {{engine "MergeTree" "polls"}}
PARTITION BY toYYYYMM(polled_at)
ORDER BY (source, polled_at)
{{ttl "polled_at"}}
SETTINGS non_replicated_deduplication_window = 1000;

{{distributed "polls"}}

-- What /api/v2/status said, stored when uptime or config changed (first
-- observation kept, so observed_at dates a reload): the inhibit
-- rules for static loop checks, and restarts and reloads as causes of failed
-- inhibitions.
CREATE TABLE IF NOT EXISTS {{local "alertmanager_status"}} {{onCluster}}
(
    observed_at    DateTime64(3, 'UTC'),
    source         LowCardinality(String),
    uptime         DateTime64(3, 'UTC'),
    config_hash    String,
    config         String CODEC(ZSTD(3)),
    version        String,
    cluster_status LowCardinality(String),
    peers          Array(String)
)
ENGINE = {{engine "MergeTree" "alertmanager_status"}}
PARTITION BY toYYYYMM(uptime)
ORDER BY (source, uptime, config_hash)
SETTINGS non_replicated_deduplication_window = 1000;

{{distributed "alertmanager_status"}}
