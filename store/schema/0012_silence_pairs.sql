-- When each alert was last seen silenced by each silence, per day: its
-- latest poller row of the day naming the silence (resolved rows left
-- out), kept by the engine as rows arrive. Stale silences read these for
-- the whole days of their scan, and the poller's rows only of the day they
-- are asked in. A view's part lands apart from the raw rows' part: the
-- store's recovery finds a batch's days' latest again, and finding one
-- twice is harmless (the table keeps the maximum once merged, and the
-- reads take it anyway). Sorted by alert and silence, which the reads
-- group by; kept one day longer than the raw rows, like the day summaries.
CREATE TABLE IF NOT EXISTS {{local "silence_pairs"}} {{onCluster}}
(
    source      LowCardinality(String),
    fingerprint String CODEC(ZSTD(3)),
    sid         String CODEC(ZSTD(3)),
    day         Date,
    last        SimpleAggregateFunction(max, DateTime64(3, 'UTC')) CODEC(ZSTD(3))
)
ENGINE = {{engine "AggregatingMergeTree" "silence_pairs"}}
PARTITION BY toYYYYMM(day)
ORDER BY (source, fingerprint, sid, day)
{{ttl "day + 1"}};

{{distributed "silence_pairs"}}

CREATE MATERIALIZED VIEW IF NOT EXISTS {{local "silence_pairs_from_alert_states"}} {{onCluster}}
TO {{local "silence_pairs"}} AS
{{silences "alert_states"}};

-- The rows stored before this version, grouped in the table's order (an
-- alert at a time). (On a cluster this runs on the node the migration runs
-- on: the other shards need it run on them once, see docs/scaling.md.)
INSERT INTO {{local "silence_pairs"}}
{{silences "alert_states"}}
SETTINGS optimize_aggregation_in_order = 1;
