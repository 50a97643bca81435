-- Every stretch of time in which the poller saw {target} inhibited by
-- {inhibitor}, overlapping [from, to): from the row that showed it until the
-- target's next row (or {to} while it lasts), one row per edge (target,
-- inhibitor) with its stretches' starts and ends (ms, in order; a row per
-- stretch repeated the edge's names, 40% more bytes to decode at a big
-- Alertmanager's scale). Loops are cycles of these edges whose stretches
-- overlap (analysis/loops.go), and their alerts are named there, not
-- carried through the windows with every row (over 90 days at a big
-- Alertmanager's scale, 26.5M rows: 2.86–3.38 s against 3.11–3.64 s).
-- The stretches come from two windows, one per half of the alerts
-- ("alert_half"), so that the engine computes both at once.
WITH stretches AS (
    {{template "inhibited_stretches" (stretches . 0 true)}}
    UNION ALL
    {{template "inhibited_stretches" (stretches . 1 true)}}
)
SELECT source, target, inhibitor,
       arrayMap(s -> s.1, spans) AS starts, arrayMap(s -> s.2, spans) AS ends
FROM (
    SELECT source, fingerprint AS target, inhibitor,
           arraySort(groupArray((toUnixTimestamp64Milli(start),
                                 toUnixTimestamp64Milli(coalesce(end, {to:DateTime64(3, 'UTC')}))))) AS spans
    FROM stretches
    ARRAY JOIN inhibited_by AS inhibitor
    WHERE coalesce(end, {to:DateTime64(3, 'UTC')}) > {from:DateTime64(3, 'UTC')}
    GROUP BY source, target, inhibitor
)
ORDER BY source, target, inhibitor
