-- Notifications of [from, to) (HA duplicates once) per receiver: all, out
-- of the receiver's working hours (wh) and in its sleep hours (sh) — UTC
-- intervals per receiver and day, see the "in_hours" fragment —
-- and per weekday (1 = Monday) and hour in {tz}, as (weekday, hour,
-- notifications): the busiest hours are the receivers' hours summed up.
-- One read of the notifications for both.
SELECT receiver, sum(n) AS notifications, sum(out_n) AS out_of_hours, sum(sleep_n) AS sleep_hours,
       groupArray((weekday, hour, n)) AS hours
FROM (
    SELECT toString(receiver) AS receiver,
           toDayOfWeek(toTimeZone(received_at, {tz:String})) AS weekday, toHour(toTimeZone(received_at, {tz:String})) AS hour,
           count() AS n,
           countIf(NOT {{template "in_hours" "wh"}}) AS out_n,
           countIf({{template "in_hours" "sh"}}) AS sleep_n
    FROM {{template "notes_from" (scan . "from" "to" false)}}
    WHERE {{template "notified_in_window"}}
    GROUP BY receiver, weekday, hour
)
GROUP BY receiver
ORDER BY notifications DESC, receiver
