-- Every episode summed up per day, kept by the engine as rows arrive: the
-- analyses merge these summaries (about one row per episode) instead of
-- grouping every raw row of the scan. What each summary holds, and why
-- summing rows up twice is harmless, is with the SELECTs in the queries
-- package (day_summaries). A view's part lands apart from the raw rows'
-- part: a crash in between, or an insert that failed in the view, is
-- repaired by the store's recovery, which sums up the days of the alerts
-- of that batch again. Kept one day longer than the raw rows, so a day is
-- not dropped while some of its rows are still there. ZSTD throughout: a
-- third smaller than the default LZ4 here, and as fast to read.
CREATE TABLE IF NOT EXISTS {{local "episode_days"}} {{onCluster}}
(
    source          LowCardinality(String),
    fingerprint     String CODEC(ZSTD(3)),
    starts_at       DateTime64(3, 'UTC') CODEC(DoubleDelta, ZSTD(1)),
    day             Date,
    first_alertname AggregateFunction(argMin, String, DateTime64(3, 'UTC')) CODEC(ZSTD(3)),
    end_n           SimpleAggregateFunction(min, Nullable(DateTime64(3, 'UTC'))) CODEC(ZSTD(3)),
    end_p           SimpleAggregateFunction(min, Nullable(DateTime64(3, 'UTC'))) CODEC(ZSTD(3)),
    end_e           SimpleAggregateFunction(min, Nullable(DateTime64(3, 'UTC'))) CODEC(ZSTD(3)),
    deliveries      SimpleAggregateFunction(groupUniqArrayArray, Array(Tuple(UInt64, Int64))) CODEC(ZSTD(3)),
    receivers       SimpleAggregateFunction(groupUniqArrayArray, Array(String)) CODEC(ZSTD(3)),
    generator_url   AggregateFunction(argMax, String, DateTime64(3, 'UTC')) CODEC(ZSTD(3))
)
ENGINE = {{engine "AggregatingMergeTree" "episode_days"}}
PARTITION BY toYYYYMM(day)
ORDER BY (source, fingerprint, starts_at, day)
{{ttl "day + 1"}};

{{distributed "episode_days"}}

CREATE MATERIALIZED VIEW IF NOT EXISTS {{local "episode_days_from_notifications"}} {{onCluster}}
TO {{local "episode_days"}} AS
{{summaries "notifications"}};

CREATE MATERIALIZED VIEW IF NOT EXISTS {{local "episode_days_from_alert_states"}} {{onCluster}}
TO {{local "episode_days"}} AS
{{summaries "alert_states"}};

CREATE MATERIALIZED VIEW IF NOT EXISTS {{local "episode_days_from_events"}} {{onCluster}}
TO {{local "episode_days"}} AS
{{summaries "events"}};

-- The rows stored before this version, read in the tables' order so the
-- grouping holds one alert at a time. (On a cluster these run on the node
-- the migration runs on: the other shards need the same three statements
-- run on them once, see docs/scaling.md.)
INSERT INTO {{local "episode_days"}}
{{summaries "notifications"}}
SETTINGS optimize_aggregation_in_order = 1;

INSERT INTO {{local "episode_days"}}
{{summaries "alert_states"}}
SETTINGS optimize_aggregation_in_order = 1;

INSERT INTO {{local "episode_days"}}
{{summaries "events"}}
SETTINGS optimize_aggregation_in_order = 1;
