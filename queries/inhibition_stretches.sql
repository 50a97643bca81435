-- Every stretch of time in which the poller saw {target} inhibited by
-- {inhibitor}, overlapping [from, to): from the row that showed it until the
-- target's next row (or {to} while it lasts), one row per edge (target,
-- inhibitor) with its stretches' starts and ends (ms, in order; a row per
-- stretch repeated the edge's names, 40% more bytes to decode at a big
-- Alertmanager's scale). Loops are cycles of these edges whose stretches
-- overlap (analysis/loops.go).
-- Each alert's rows are collected in the table's order into one array,
-- and each row's next row is the next element: a window over every row
-- (each row's next one) took a third longer at a big Alertmanager's scale
-- (90 days: 4.6-5.3 s against 3.4-4.1 s, the same answer), though only
-- one row in fifteen names inhibitors. Rows of one time are ordered
-- resolved first, then by their inhibitors, as failed inhibitions order
-- them: the last of them, whose stretch is the one not empty, is a firing
-- one, with inhibitors when one has them.
WITH per_alert AS (
    SELECT source, fingerprint, any(alertname) AS alertname,
           arraySort(groupArray((toUnixTimestamp64Milli(observed_at), kind != 'resolved', inhibited_by))) AS rs
    FROM {{db}}.alert_states
    WHERE observed_at >= {scan_from:DateTime64(3, 'UTC')} AND observed_at < {to:DateTime64(3, 'UTC')}
      AND {{template "source"}}
    GROUP BY source, fingerprint
),
-- Each row that names inhibitors and is not 'resolved', with the time of
-- its alert's next row ({to} for the last), as one (inhibitor, start, end)
-- per inhibitor, when it lasts past {from}. (The rows' times, their next
-- rows' times, whether they fire and their inhibitors go into the lambda
-- as arrays of their own: an array captured by a lambda is copied for
-- every element, which ran out of memory.)
spans AS (
    SELECT source, fingerprint, alertname,
           arrayFlatten(arrayMap((t, next, firing, inhibitors) ->
                                     if(firing AND next > toUnixTimestamp64Milli({from:DateTime64(3, 'UTC')}), arrayMap(i -> (i, t, next), inhibitors), []),
                                 rs.1, arrayPushBack(arrayPopFront(rs.1), toUnixTimestamp64Milli({to:DateTime64(3, 'UTC')})), rs.2, rs.3)) AS edges
    FROM per_alert
)
SELECT source, target, target_alertname, inhibitor,
       arrayMap(s -> s.1, stretches) AS starts, arrayMap(s -> s.2, stretches) AS ends
FROM (
    SELECT source, fingerprint AS target, any(alertname) AS target_alertname, e.1 AS inhibitor,
           arraySort(groupArray((e.2, e.3))) AS stretches
    FROM spans
    ARRAY JOIN edges AS e
    GROUP BY source, target, inhibitor
)
ORDER BY source, target, inhibitor
