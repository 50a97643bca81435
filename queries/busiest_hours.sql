-- Notifications of [from, to) by weekday (1 = Monday) and hour in {tz}.
SELECT toDayOfWeek(toTimeZone(received_at, {tz:String})) AS weekday, toHour(toTimeZone(received_at, {tz:String})) AS hour, count() AS notifications
FROM {{template "counted" (scan . "from" "to" false)}}
WHERE {{template "notified_in_window"}}
  AND {{.Match}}
GROUP BY weekday, hour
ORDER BY weekday, hour
