-- Every stretch of time in which the poller saw {target} inhibited by
-- {inhibitor}, overlapping [from, to): from the row that showed it until the
-- target's next row (or {to} while it lasts), one row per edge (target,
-- inhibitor) with its stretches' starts and ends (ms, in order; a row per
-- stretch repeated the edge's names, 40% more bytes to decode at a big
-- Alertmanager's scale). Loops are cycles of these edges whose stretches
-- overlap (analysis/loops.go).
-- Rows of one time: see "alert_rows".
WITH per_alert AS (
    SELECT source, fingerprint, any(alertname) AS alertname, {{template "alert_rows"}} AS rs
    FROM {{db}}.alert_states
    WHERE observed_at >= {scan_from:DateTime64(3, 'UTC')} AND observed_at < {to:DateTime64(3, 'UTC')}
      AND {{template "source"}}
    GROUP BY source, fingerprint
),
-- Each row that names inhibitors and is not 'resolved', with the time of
-- its alert's next row ({to} for the last), as one (inhibitor, start, end)
-- per inhibitor, when it lasts past {from}.
spans AS (
    SELECT source, fingerprint, alertname,
           arrayFlatten(arrayMap((t, next, firing, inhibitors) ->
                                     if(firing AND next > {from:DateTime64(3, 'UTC')}, arrayMap(i -> (i, t, next), inhibitors), []),
                                 rs.1, {{template "next_times" "{to:DateTime64(3, 'UTC')}"}}, rs.2, rs.3)) AS edges
    FROM per_alert
)
SELECT source, target, target_alertname, inhibitor,
       arrayMap(s -> s.1, stretches) AS starts, arrayMap(s -> s.2, stretches) AS ends
FROM (
    SELECT source, fingerprint AS target, any(alertname) AS target_alertname, e.1 AS inhibitor,
           arraySort(groupArray((toUnixTimestamp64Milli(e.2), toUnixTimestamp64Milli(e.3)))) AS stretches
    FROM spans
    ARRAY JOIN edges AS e
    GROUP BY source, target, inhibitor
)
ORDER BY source, target, inhibitor
