-- What the history says of the episodes of the alerts {fingerprints} of
-- {source} up to {to}: each row a start (an episode's startsAt, seen in a
-- notification, a poll or an event) or an end (a resolved notification's
-- endsAt, the poll that found the alert resolved, an alert_resolved event),
-- tagged with the episode's startsAt. The caller decides from them whether
-- an inhibitor was still firing at a moment: whether an episode had
-- started, and whether it had ended, by then. So one start per episode and
-- its earliest end are all it needs: every row of an alert is a start of
-- its episode, and an inhibitor's rows can be most of the history.
-- (HA duplicates are read too: they repeat a start or an end, never add one.)
SELECT fingerprint, starts_at, what, min(at) AS at FROM (
SELECT fingerprint, starts_at, 'start' AS what, starts_at AS at
FROM {{db}}.notifications
WHERE source = {source:String} AND fingerprint IN {{template "listed" "fingerprints"}}
  AND received_at >= {scan_from:DateTime64(3, 'UTC')} AND received_at < {to:DateTime64(3, 'UTC')}
UNION ALL
SELECT fingerprint, starts_at, 'end' AS what, assumeNotNull(ends_at) AS at
FROM {{db}}.notifications
WHERE source = {source:String} AND fingerprint IN {{template "listed" "fingerprints"}}
  AND received_at >= {scan_from:DateTime64(3, 'UTC')} AND received_at < {to:DateTime64(3, 'UTC')}
  AND status = 'resolved' AND ends_at IS NOT NULL
UNION ALL
SELECT fingerprint, starts_at, if(kind = 'resolved', 'end', 'start') AS what, if(kind = 'resolved', observed_at, starts_at) AS at
FROM {{db}}.alert_states
WHERE source = {source:String} AND fingerprint IN {{template "listed" "fingerprints"}}
  AND observed_at >= {scan_from:DateTime64(3, 'UTC')} AND observed_at < {to:DateTime64(3, 'UTC')}
UNION ALL
SELECT fingerprint, assumeNotNull(starts_at) AS starts_at,
       if(kind = 'alert_resolved' OR status = 'resolved', 'end', 'start') AS what,
       multiIf(kind = 'alert_resolved', at, status = 'resolved', coalesce(ends_at, at), assumeNotNull(starts_at)) AS at
FROM {{db}}.events
WHERE source = {source:String} AND fingerprint IN {{template "listed" "fingerprints"}}
  AND at >= {scan_from:DateTime64(3, 'UTC')} AND at < {to:DateTime64(3, 'UTC')}
  AND kind IN ('alert_created', 'alert_grouped', 'alert_resolved', 'notification') AND starts_at IS NOT NULL
)
GROUP BY fingerprint, starts_at, what
ORDER BY fingerprint, starts_at, at, what
