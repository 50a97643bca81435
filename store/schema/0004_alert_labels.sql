-- Every alert's labels, by source and fingerprint, kept by the engine as
-- rows arrive: an alert's labels are the same in every row about it (its
-- fingerprint is their hash), so the analyses build episodes without
-- reading each row's labels and take them from here. One row per alert
-- once merged (the latest seen wins); each insert adds at most one row per
-- alert it carries.
CREATE TABLE IF NOT EXISTS {{local "alert_labels"}} {{onCluster}}
(
    source      LowCardinality(String),
    fingerprint String,
    labels      Map(LowCardinality(String), String) CODEC(ZSTD(3)),
    seen        DateTime64(3, 'UTC')
)
ENGINE = {{engine "ReplacingMergeTree(seen)" "alert_labels"}}
ORDER BY (source, fingerprint)
{{ttl "seen"}};

{{distributed "alert_labels"}}

CREATE MATERIALIZED VIEW IF NOT EXISTS {{local "alert_labels_from_notifications"}} {{onCluster}}
TO {{local "alert_labels"}} AS
SELECT source, fingerprint, any(labels) AS labels, max(received_at) AS seen
FROM {{local "notifications"}}
GROUP BY source, fingerprint;

CREATE MATERIALIZED VIEW IF NOT EXISTS {{local "alert_labels_from_alert_states"}} {{onCluster}}
TO {{local "alert_labels"}} AS
SELECT source, fingerprint, any(labels) AS labels, max(observed_at) AS seen
FROM {{local "alert_states"}}
GROUP BY source, fingerprint;

CREATE MATERIALIZED VIEW IF NOT EXISTS {{local "alert_labels_from_events"}} {{onCluster}}
TO {{local "alert_labels"}} AS
SELECT source, fingerprint, any(labels) AS labels, max(at) AS seen
FROM {{local "events"}}
WHERE fingerprint != ''
GROUP BY source, fingerprint;

-- The alerts stored before this version. (On a cluster these run on the
-- node the migration runs on: the other shards need the same three
-- statements run on them once, see docs/scaling.md.)
INSERT INTO {{local "alert_labels"}}
SELECT source, fingerprint, any(labels), max(received_at) FROM {{local "notifications"}} GROUP BY source, fingerprint;

INSERT INTO {{local "alert_labels"}}
SELECT source, fingerprint, any(labels), max(observed_at) FROM {{local "alert_states"}} GROUP BY source, fingerprint;

INSERT INTO {{local "alert_labels"}}
SELECT source, fingerprint, any(labels), max(at) FROM {{local "events"}} WHERE fingerprint != '' GROUP BY source, fingerprint;
