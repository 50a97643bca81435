-- The silences that muted the most alerts in [from, to). A silence muted an
-- alert in the window when a poller state naming it in silencedBy held at
-- some moment of the window: a state row inside it, or the last row before
-- it (a stored state holds until the alert's next row). Rows are read from
-- {scan_from} on: the poller checkpoints every open alert, so a state still
-- holding at the window's start has a row there.
WITH states AS (
    SELECT source, fingerprint, silenced_by,
           leadInFrame(observed_at, 1, toDateTime64('2299-12-31 00:00:00', 3, 'UTC')) OVER
               (PARTITION BY source, fingerprint ORDER BY observed_at ROWS BETWEEN CURRENT ROW AND 1 FOLLOWING) AS until
    FROM {{db}}.alert_states
    WHERE observed_at >= {scan_from:DateTime64(3, 'UTC')} AND observed_at < {to:DateTime64(3, 'UTC')}
      AND {{template "source"}}
      AND {{template "routed_to"}}
      AND {{.Match}}
),
muted AS (
    SELECT source, id, uniqExact(fingerprint) AS alerts
    FROM states ARRAY JOIN silenced_by AS id
    WHERE until > {from:DateTime64(3, 'UTC')}
    GROUP BY source, id
)
SELECT m.source AS source, m.id AS id, m.alerts AS alerts, s.created_by AS created_by, s.comment AS comment
FROM muted AS m
LEFT JOIN (
    SELECT source, id, argMax(created_by, updated_at) AS created_by, argMax(comment, updated_at) AS comment
    FROM {{db}}.silences
    WHERE {{template "source"}}
    GROUP BY source, id
) AS s ON s.source = m.source AND s.id = m.id
ORDER BY alerts DESC, source, id
LIMIT {limit:UInt32}
