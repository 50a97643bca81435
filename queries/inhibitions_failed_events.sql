-- Failed inhibitions from events, for firing notifications whose source
-- sent events within 5 minutes of the notification (has_events): failed
-- when the last mute decision for F before t and the first after it (each
-- within 5 minutes of t) were both inhibitionMutedAlert. A mute decision is
-- a silence_muted_alert or inhibition_muted_alert event. The rule and the
-- inhibitors come from the decision before t.
-- {sources} are the sources that sent events in the scan (event_sources.sql):
-- only their notifications can have one within 5 minutes, and reading the
-- others' was most of this statement's time.
WITH
notes AS MATERIALIZED ({{template "firing_notes" .}}),
src_events AS MATERIALIZED (
    SELECT source, at
    FROM {{db}}.events
    WHERE at >= {scan_from:DateTime64(3, 'UTC')} AND source IN (SELECT source FROM notes)
),
mutes AS MATERIALIZED (
    SELECT source, fingerprint, at, kind, rule_names, rule_source_matchers, rule_target_matchers, rule_equal, inhibiting
    FROM {{db}}.events
    WHERE at >= {scan_from:DateTime64(3, 'UTC')} AND kind IN ('silence_muted_alert', 'inhibition_muted_alert')
      AND fingerprint IN (SELECT fingerprint FROM notes)
),
near AS (
    SELECT n.source AS source, n.fingerprint AS fingerprint, n.receiver AS receiver, n.t AS t, eb.at AS ev_before, ea.at AS ev_after
    FROM notes AS n
    ASOF LEFT JOIN src_events AS eb ON n.source = eb.source AND eb.at <= n.t
    ASOF LEFT JOIN src_events AS ea ON n.source = ea.source AND ea.at > n.t
),
judged AS (
    SELECT n.source AS source, n.fingerprint AS fingerprint, n.receiver AS receiver, n.t AS t, n.ev_before AS ev_before, n.ev_after AS ev_after,
           mb.at AS mb_at, mb.kind AS mb_kind, ma.at AS ma_at, ma.kind AS ma_kind,
           mb.rule_names AS rule_names, mb.rule_source_matchers AS rule_source_matchers,
           mb.rule_target_matchers AS rule_target_matchers, mb.rule_equal AS rule_equal, mb.inhibiting AS inhibiting
    FROM near AS n
    ASOF LEFT JOIN mutes AS mb ON n.source = mb.source AND n.fingerprint = mb.fingerprint AND mb.at < n.t
    ASOF LEFT JOIN mutes AS ma ON n.source = ma.source AND n.fingerprint = ma.fingerprint AND ma.at > n.t
)
SELECT fingerprint, receiver, source, t AS notified_at,
       toBool(coalesce(mb_kind = 'inhibition_muted_alert' AND ma_kind = 'inhibition_muted_alert'
                AND dateDiff('millisecond', mb_at, t) <= 300000 AND dateDiff('millisecond', t, ma_at) <= 300000, false)) AS failed,
       coalesce(inhibiting, []) AS inhibitors,
       coalesce(rule_names, []) AS rule_names, coalesce(rule_source_matchers, []) AS rule_source_matchers,
       coalesce(rule_target_matchers, []) AS rule_target_matchers, coalesce(rule_equal, []) AS rule_equal
FROM judged
WHERE coalesce(dateDiff('millisecond', ev_before, t) <= 300000, false)
   OR coalesce(dateDiff('millisecond', t, ev_after) <= 300000, false)
ORDER BY notified_at, source, fingerprint, receiver
