-- Notifications of [from, to) (HA duplicates once) per receiver: all, out
-- of the receiver's working hours ({wh}, {wh_default}) and in its sleep
-- hours ({sh}, {sh_default}) — UTC intervals per receiver, see workhours.
SELECT toString(receiver) AS receiver, count() AS notifications,
       countIf(NOT {{template "in_hours" "wh"}}) AS out_of_hours,
       countIf({{template "in_hours" "sh"}}) AS sleep_hours
FROM {{template "counted" (scan . "from" "to" false)}}
WHERE {{template "notified_in_window"}}
  AND {{.Match}}
GROUP BY receiver
ORDER BY notifications DESC, receiver
