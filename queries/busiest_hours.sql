-- Notifications of [from, to) by weekday (1 = Monday) and hour in {tz}.
SELECT toDayOfWeek(toTimeZone(received_at, {tz:String})) AS weekday, toHour(toTimeZone(received_at, {tz:String})) AS hour, count() AS notifications
FROM {{db}}.notifications
WHERE received_at >= {from:DateTime64(3, 'UTC')} AND received_at < {to:DateTime64(3, 'UTC')} AND ha_duplicate = 0
  AND ({source:String} = '' OR source = {source:String})
  AND ({receiver:String} = '' OR receiver = {receiver:String})
  AND {{.Match}}
GROUP BY weekday, hour
ORDER BY weekday, hour
