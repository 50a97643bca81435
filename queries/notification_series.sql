-- Notifications of [from, to) per {step_s}-second bucket and value of the
-- label {by} (HA duplicates once).
SELECT toDateTime64(toStartOfInterval(received_at, toIntervalSecond({step_s:UInt32})), 3, 'UTC') AS t, labels[{by:String}] AS key, count() AS notifications
FROM {{db}}.notifications
WHERE received_at >= {from:DateTime64(3, 'UTC')} AND received_at < {to:DateTime64(3, 'UTC')} AND ha_duplicate = 0
  AND ({source:String} = '' OR source = {source:String})
  AND ({receiver:String} = '' OR receiver = {receiver:String})
  AND {{.Match}}
GROUP BY t, key
ORDER BY t, key
