-- The event recorder's decisions about {fingerprint} at or before {at}
-- (within the day before), newest first: grouped, muted by a silence or an
-- inhibition, notified, resolved.
SELECT at, source, kind, alertname, labels, status, starts_at, receiver, integration, reason, silence_id, silence_matchers,
       created_by, comment, rule_names, rule_source_matchers, rule_target_matchers, rule_equal, inhibiting
FROM {{db}}.events
WHERE fingerprint = {fingerprint:String} AND at <= {at:DateTime64(3, 'UTC')}
  AND at > {at:DateTime64(3, 'UTC')} - INTERVAL 1 DAY
  AND {{template "source"}}
  AND kind IN ('alert_created', 'alert_grouped', 'alert_resolved', 'notification', 'silence_muted_alert', 'inhibition_muted_alert')
ORDER BY at DESC, kind = 'alert_resolved' DESC
LIMIT 200
