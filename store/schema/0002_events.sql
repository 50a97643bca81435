-- What Alertmanager's event recorder (0.33+) said, one row per event and
-- alert it concerns: a notification of three alerts is three rows; events
-- about no alert (start, stop, silence created or updated) have an empty
-- fingerprint. Fingerprints are the 16-hex-digit form of the webhook and the
-- API (the recorder writes them as decimal numbers). Sorted for
-- per-fingerprint and per-time lookups, like the other tables.
CREATE TABLE IF NOT EXISTS {{local "events"}} {{onCluster}}
(
    at               DateTime64(3, 'UTC') CODEC(DoubleDelta, ZSTD(1)),
    received_at      DateTime64(3, 'UTC') CODEC(DoubleDelta, ZSTD(1)),
    source           LowCardinality(String),
    instance         LowCardinality(String),
    kind             LowCardinality(String),
    fingerprint      String,
    alertname        LowCardinality(String),
    labels           Map(LowCardinality(String), String) CODEC(ZSTD(1)),
    status           LowCardinality(String),
    starts_at        Nullable(DateTime64(3, 'UTC')),
    ends_at          Nullable(DateTime64(3, 'UTC')),
    receiver         LowCardinality(String),
    group_key        String CODEC(ZSTD(1)),
    integration      LowCardinality(String),
    reason           LowCardinality(String),
    silence_id       String,
    silence_matchers Array(String),
    created_by       String,
    comment          String CODEC(ZSTD(3)),
    rule_names       Array(String),
    rule_source_matchers Array(String),
    rule_target_matchers Array(String),
    rule_equal       Array(String),
    inhibiting       Array(String),
    version          LowCardinality(String)
)
ENGINE = {{engine "MergeTree" "events"}}
PARTITION BY toYYYYMM(at)
ORDER BY (source, fingerprint, at)
{{ttl "at"}}
SETTINGS non_replicated_deduplication_window = 1000;

{{distributed "events"}}
