-- Every (target, inhibitor) pair the poller's rows name, once per day,
-- kept by the engine as rows arrive. Loops are cycles of such pairs, so
-- they read these first (a day holds each pair once, however many polls
-- named it) and the poller's rows only of the alerts on a cycle. A view's
-- part lands apart from the raw rows' part: the store's recovery names the
-- pairs of a batch's rows again, and naming a pair twice is harmless (the
-- table keeps one row per key once merged, and the reads group anyway).
-- Sorted by the pair, so loops group a window's pairs in the table's
-- order (a week at a big Alertmanager's scale: 0.034-0.051 s against
-- 0.036-0.150 s sorted by day first, 90 days 0.08-0.12 s against
-- 0.10-0.19 s; a month's partition is read whole either way or nearly).
-- Kept one day longer than the raw rows, like the day summaries.
CREATE TABLE IF NOT EXISTS {{local "inhibition_pairs"}} {{onCluster}}
(
    source    LowCardinality(String),
    day       Date,
    target    String CODEC(ZSTD(3)),
    inhibitor String CODEC(ZSTD(3))
)
ENGINE = {{engine "ReplacingMergeTree" "inhibition_pairs"}}
PARTITION BY toYYYYMM(day)
ORDER BY (source, target, inhibitor, day)
{{ttl "day + 1"}};

{{distributed "inhibition_pairs"}}

CREATE MATERIALIZED VIEW IF NOT EXISTS {{local "inhibition_pairs_from_alert_states"}} {{onCluster}}
TO {{local "inhibition_pairs"}} AS
{{pairs "alert_states"}};

-- The rows stored before this version, grouped in the table's order (an
-- alert at a time, not a year's pairs in memory at once). (On a cluster
-- this runs on the node the migration runs on: the other shards need it
-- run on them once, see docs/scaling.md.)
INSERT INTO {{local "inhibition_pairs"}}
{{pairs "alert_states"}}
SETTINGS optimize_aggregation_in_order = 1;
