-- The "join everything" formulation of inhibition loops: every poller row
-- in the window naming an inhibitor joined with every poller row of that
-- inhibitor that names the first alert among its own inhibitors, the
-- window applied to those after the join.
SELECT a.source AS source, a.fingerprint AS alert, a.inhibitor AS inhibitor, count() AS pairs
FROM (
    SELECT source, fingerprint, observed_at, arrayJoin(inhibited_by) AS inhibitor
    FROM {{db}}.alert_states
    WHERE observed_at >= {from:DateTime64(3, 'UTC')} AND observed_at < {to:DateTime64(3, 'UTC')}
) AS a
INNER JOIN (
    SELECT source, fingerprint, observed_at, arrayJoin(inhibited_by) AS inhibitor
    FROM {{db}}.alert_states
) AS b ON a.source = b.source AND a.inhibitor = b.fingerprint AND a.fingerprint = b.inhibitor
WHERE b.observed_at >= {from:DateTime64(3, 'UTC')} AND b.observed_at < {to:DateTime64(3, 'UTC')}
GROUP BY source, alert, inhibitor
ORDER BY source, alert, inhibitor
