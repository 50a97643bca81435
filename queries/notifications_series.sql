-- Notifications of [from, to) per {step_s}-second bucket and value of the
-- label {by} (HA duplicates once).
SELECT toDateTime64(toStartOfInterval(received_at, toIntervalSecond({step_s:UInt32})), 3, 'UTC') AS t,
       {{if .ByLabel}}label{{else}}alertname{{end}} AS key, count() AS notifications
FROM {{template "deliveries" (scan . "from" "to" false)}}
WHERE {{template "notified_in_window"}}
GROUP BY t, key
ORDER BY t, key
