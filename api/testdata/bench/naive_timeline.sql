-- The "everything of the alert" formulation of one alert's state
-- timeline: its notifications and its poller rows in the window, in time
-- order, read without naming its source.
SELECT at, what, state, receiver
FROM (
    SELECT received_at AS at, 'notification' AS what, toString(status) AS state, toString(receiver) AS receiver
    FROM {{db}}.notifications
    WHERE fingerprint = {fingerprint:String} AND received_at >= {from:DateTime64(3, 'UTC')} AND received_at < {to:DateTime64(3, 'UTC')}
    UNION ALL
    SELECT observed_at AS at, 'poll' AS what, toString(state) AS state, '' AS receiver
    FROM {{db}}.alert_states
    WHERE fingerprint = {fingerprint:String} AND observed_at >= {from:DateTime64(3, 'UTC')} AND observed_at < {to:DateTime64(3, 'UTC')}
)
ORDER BY at
