-- Codecs chosen on realistic rows (Kubernetes-shaped alerts: random pod
-- names, IPs and UIDs, descriptions and runbook links, HA pairs; the
-- storage benchmark of the importer package). An alert's labels and
-- annotations repeat in every row about it, and rows are sorted by alert:
-- ZSTD from level 7 on finds those repeats, level 3 and 5 mostly do not
-- (labels 12.3 → 6.4 bytes per notification row). Timestamps sorted within
-- an alert compress better as plain deltas than double deltas; strings and
-- the low-cardinality columns' indexes with ZSTD rather than LZ4. Together
-- 52 → 38 bytes per notification row with the summaries and labels kept
-- beside it. Existing parts keep their codec until the engine merges them.
ALTER TABLE {{local "notifications"}} {{onCluster}}
    MODIFY COLUMN received_at CODEC(Delta, ZSTD(3)),
    MODIFY COLUMN receiver CODEC(ZSTD(3)),
    MODIFY COLUMN group_key CODEC(ZSTD(7)),
    MODIFY COLUMN group_labels CODEC(ZSTD(7)),
    MODIFY COLUMN status CODEC(ZSTD(3)),
    MODIFY COLUMN fingerprint CODEC(ZSTD(3)),
    MODIFY COLUMN alertname CODEC(ZSTD(3)),
    MODIFY COLUMN severity CODEC(ZSTD(3)),
    MODIFY COLUMN labels CODEC(ZSTD(7)),
    MODIFY COLUMN annotations CODEC(ZSTD(7)),
    MODIFY COLUMN starts_at CODEC(Delta, ZSTD(3)),
    MODIFY COLUMN ends_at CODEC(ZSTD(3)),
    MODIFY COLUMN generator_url CODEC(ZSTD(7)),
    MODIFY COLUMN external_url CODEC(ZSTD(3)),
    MODIFY COLUMN ha_duplicate CODEC(ZSTD(3));

ALTER TABLE {{local "alert_states"}} {{onCluster}}
    MODIFY COLUMN observed_at CODEC(Delta, ZSTD(3)),
    MODIFY COLUMN fingerprint CODEC(ZSTD(3)),
    MODIFY COLUMN kind CODEC(ZSTD(3)),
    MODIFY COLUMN state CODEC(ZSTD(3)),
    MODIFY COLUMN alertname CODEC(ZSTD(3)),
    MODIFY COLUMN severity CODEC(ZSTD(3)),
    MODIFY COLUMN labels CODEC(ZSTD(7)),
    MODIFY COLUMN annotations CODEC(ZSTD(7)),
    MODIFY COLUMN starts_at CODEC(Delta, ZSTD(3)),
    MODIFY COLUMN ends_at CODEC(ZSTD(3)),
    MODIFY COLUMN updated_at CODEC(ZSTD(3)),
    MODIFY COLUMN generator_url CODEC(ZSTD(7));

-- The events' labels stay at ZSTD 1: level 7 cost the event intake about
-- a tenth of its throughput in its benchmark, and the events are not what
-- the notifications' budget counts.
ALTER TABLE {{local "events"}} {{onCluster}}
    MODIFY COLUMN fingerprint CODEC(ZSTD(3));

ALTER TABLE {{local "alert_labels"}} {{onCluster}}
    MODIFY COLUMN fingerprint CODEC(ZSTD(3)),
    MODIFY COLUMN labels CODEC(ZSTD(7)),
    MODIFY COLUMN seen CODEC(ZSTD(3));

ALTER TABLE {{local "episode_days"}} {{onCluster}}
    MODIFY COLUMN starts_at CODEC(Delta, ZSTD(3)),
    MODIFY COLUMN first_alertname CODEC(ZSTD(7)),
    MODIFY COLUMN end_n CODEC(ZSTD(7)),
    MODIFY COLUMN deliveries CODEC(ZSTD(7)),
    MODIFY COLUMN generator_url CODEC(ZSTD(7)),
    MODIFY COLUMN receivers CODEC(ZSTD(7));
