-- The notifications of {fingerprint} at or before {at} (HA duplicates
-- excluded), newest first.
SELECT received_at AS at, toString(status) AS status, toString(receiver) AS receiver, source, starts_at, ends_at, alertname, labels
FROM {{template "counted" (scan . "" "" true)}}
WHERE fingerprint = {fingerprint:String} AND received_at <= {at:DateTime64(3, 'UTC')}
  AND {{template "source"}}
ORDER BY received_at DESC
LIMIT 100
