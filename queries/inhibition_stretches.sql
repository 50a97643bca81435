-- Every stretch of time in which the poller saw {target} inhibited by
-- {inhibitor}, overlapping [from, to): from the row that showed it until the
-- target's next row (or {to} while it lasts). Loops are cycles of these
-- edges whose stretches overlap (analysis/loops.go).
WITH steps AS (
    SELECT source, fingerprint, alertname, observed_at, kind, inhibited_by, {{template "next_at"}} AS next_at
    FROM (
        SELECT source, fingerprint, alertname, observed_at, kind, inhibited_by, {{template "next_row"}}
        FROM {{db}}.alert_states
        WHERE observed_at >= {scan_from:DateTime64(3, 'UTC')} AND observed_at < {to:DateTime64(3, 'UTC')}
          AND {{template "source"}}
        {{template "by_alert"}}
    )
)
SELECT source, fingerprint AS target, alertname AS target_alertname, inhibitor,
       observed_at AS start, coalesce(next_at, {to:DateTime64(3, 'UTC')}) AS end
FROM steps
ARRAY JOIN inhibited_by AS inhibitor
WHERE kind != 'resolved' AND coalesce(next_at, {to:DateTime64(3, 'UTC')}) > {from:DateTime64(3, 'UTC')}
ORDER BY source, target, inhibitor, start
