-- What the poller last saw of {fingerprint} at or before {at}, and whether
-- it could see: the last poll of that source at or before {at} (ok or
-- failed) and the last successful one.
WITH last_row AS (
    SELECT source, observed_at, kind, state, alertname, labels, silenced_by, inhibited_by, receivers, starts_at
    FROM {{db}}.alert_states
    WHERE fingerprint = {fingerprint:String} AND observed_at <= {at:DateTime64(3, 'UTC')}
      AND {{template "source"}}
    ORDER BY observed_at DESC, kind = 'resolved'
    LIMIT 1
)
SELECT r.source AS source, r.observed_at AS observed_at, r.kind AS kind, r.state AS state, r.alertname AS alertname,
       r.labels AS labels, r.silenced_by AS silenced_by, r.inhibited_by AS inhibited_by,
       arrayMap(x -> toString(x), r.receivers) AS receivers, r.starts_at AS starts_at,
       (SELECT max(polled_at) FROM {{db}}.polls WHERE source = r.source AND polled_at <= {at:DateTime64(3, 'UTC')}) AS last_poll_at,
       (SELECT max(polled_at) FROM {{db}}.polls WHERE source = r.source AND ok AND polled_at <= {at:DateTime64(3, 'UTC')}) AS last_ok_poll_at
FROM last_row AS r
