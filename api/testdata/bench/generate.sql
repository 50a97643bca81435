-- A synthetic year for the analysis benchmarks (api/bench_test.go):
-- {fps} fingerprints (5,000 at scale 1: 300 alertnames, {fps}/2.5
-- instances, 4 severities, 20 teams, 7 receivers), {rows}/5 episodes spread
-- over the year before {end} (400 per fingerprint), each with 5
-- notifications (firing, an HA duplicate, two repeats, resolved) and 5
-- poller rows (appeared, changed to silenced or inhibited, back, a
-- checkpoint, resolved): {rows} rows in each table (10M at scale 1). With
-- {long_annotations} = 1 the notifications carry a description of about
-- 200 bytes with the pod's name and address, as real alerts do. Durations
-- and gaps come from hashes, so the data is the same on every run.
INSERT INTO {{db}}.notifications
SELECT
    -- (the HA duplicate, k = 1, comes 2 s after the first delivery)
    toDateTime64(e_start + multiIf(k = 4, dur, k = 1, 2, k * intDiv(dur, 4)) + 5, 3, 'UTC') AS received_at,
    'prod' AS source,
    concat('team-', toString(fp % 7)) AS receiver,
    concat('{}:{alertname="', alertname, '"}') AS group_key,
    map('alertname', alertname) AS group_labels,
    '' AS notification_reason,
    map() AS route_labels,
    if(k = 4, 'resolved', 'firing') AS status,
    lower(hex(cityHash64(fp))) AS fingerprint,
    alertname,
    severity,
    map('alertname', alertname, 'severity', severity, 'instance', concat('host-', toString(fp % intDiv({fps:UInt32} * 2, 5)), ':9100'),
        'job', 'node', 'team', concat('team-', toString(fp % 20))) AS labels,
    map('summary', concat(alertname, ' on host-', toString(fp % intDiv({fps:UInt32} * 2, 5)))) AS annotations,
    toDateTime64(e_start, 3, 'UTC') AS starts_at,
    if(k = 4, toDateTime64(e_start + dur, 3, 'UTC'), NULL) AS ends_at,
    concat('http://prometheus:9090/graph?g0.expr=', alertname) AS generator_url,
    'http://alertmanager:9093' AS external_url,
    0 AS truncated_alerts,
    k = 1 AS ha_duplicate
FROM (
    SELECT number AS n, intDiv(n, 5) AS e, n % 5 AS k, e % {fps:UInt32} AS fp,
           concat('Alert', toString(fp % 300)) AS alertname, concat('P', toString(fp % 4 + 1)) AS severity,
           -- 400 episodes a fingerprint a year, jittered; 1 minute to 4 hours
           -- every 10th fingerprint flaps: its odd episodes start ~2.5 h
           -- after the even ones
           toUInt32({end:UInt32} - 365 * 86400 + intDiv(e, {fps:UInt32}) * 78840
               - if(fp % 10 = 0, (intDiv(e, {fps:UInt32}) % 2) * 70000, 0) + cityHash64(e) % 3600) AS e_start,
           60 + cityHash64(e, 1) % 14340 AS dur
    FROM numbers({rows:UInt64})
);

INSERT INTO {{db}}.alert_states
SELECT
    toDateTime64(e_start + multiIf(k = 0, 15, k = 1, intDiv(dur, 4), k = 2, intDiv(dur, 2), k = 3, intDiv(dur * 3, 4), dur + 15), 3, 'UTC') AS observed_at,
    'prod' AS source,
    lower(hex(cityHash64(fp))) AS fingerprint,
    multiIf(k = 0, 'appeared', k = 4, 'resolved', k = 3, 'checkpoint', 'changed') AS kind,
    if(k = 1, 'suppressed', 'active') AS state,
    alertname, severity,
    map('alertname', alertname, 'severity', severity, 'instance', concat('host-', toString(fp % intDiv({fps:UInt32} * 2, 5)), ':9100'),
        'job', 'node', 'team', concat('team-', toString(fp % 20))) AS labels,
    map() AS annotations,
    if(k = 1 AND e % 3 = 0, [concat('sil-', toString(fp % 50))], []) AS silenced_by,
    if(k = 1 AND e % 3 = 1, [lower(hex(cityHash64(fp + 1)))], []) AS inhibited_by,
    [] AS muted_by,
    [concat('team-', toString(fp % 7))] AS receivers,
    toDateTime64(e_start, 3, 'UTC') AS starts_at,
    NULL AS ends_at, NULL AS updated_at, '' AS generator_url
FROM (
    SELECT number AS n, intDiv(n, 5) AS e, n % 5 AS k, e % {fps:UInt32} AS fp,
           concat('Alert', toString(fp % 300)) AS alertname, concat('P', toString(fp % 4 + 1)) AS severity,
           -- every 10th fingerprint flaps: its odd episodes start ~2.5 h
           -- after the even ones
           toUInt32({end:UInt32} - 365 * 86400 + intDiv(e, {fps:UInt32}) * 78840
               - if(fp % 10 = 0, (intDiv(e, {fps:UInt32}) % 2) * 70000, 0) + cityHash64(e) % 3600) AS e_start,
           60 + cityHash64(e, 1) % 14340 AS dur
    FROM numbers({rows:UInt64})
);

-- One successful poll every 15 s for the year.
INSERT INTO {{db}}.polls
SELECT toDateTime64({end:UInt32} - 365 * 86400 + number * 15, 3, 'UTC'), 'prod', 0.05, true, '', 1000, 50, 3
FROM numbers(intDiv(365 * 86400, 15));

-- 50 silences, one version each.
INSERT INTO {{db}}.silences
SELECT 'prod', concat('sil-', toString(number)), toDateTime64({end:UInt32} - 30 * 86400, 3, 'UTC'),
       toDateTime64({end:UInt32} - 30 * 86400, 3, 'UTC'), [('team', concat('team-', toString(number % 20)), false, true)],
       'bench', 'synthetic', toDateTime64({end:UInt32} - 30 * 86400, 3, 'UTC'), toDateTime64({end:UInt32} + 30 * 86400, 3, 'UTC'), 'active'
FROM numbers(50);
