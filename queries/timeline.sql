-- One alert's story in [from, to): its notifications (HA duplicates
-- excluded) and every state change the poller saw, in time order.
SELECT at, kind, status, state, receiver, silenced_by, inhibited_by
FROM (
    SELECT received_at AS at, 'notification' AS kind, toString(status) AS status, '' AS state,
           toString(receiver) AS receiver, CAST([], 'Array(String)') AS silenced_by, CAST([], 'Array(String)') AS inhibited_by
    FROM {{db}}.notifications
    WHERE fingerprint = {fingerprint:String} AND ha_duplicate = 0
      AND received_at >= {from:DateTime64(3, 'UTC')} AND received_at < {to:DateTime64(3, 'UTC')}
      AND {{template "source"}}
    UNION ALL
    SELECT observed_at AS at, 'state' AS kind, '' AS status, toString(state) AS state,
           arrayStringConcat(arrayMap(r -> toString(r), receivers), ',') AS receiver, silenced_by, inhibited_by
    FROM {{db}}.alert_states
    WHERE fingerprint = {fingerprint:String} AND kind != 'checkpoint'
      AND observed_at >= {from:DateTime64(3, 'UTC')} AND observed_at < {to:DateTime64(3, 'UTC')}
      AND {{template "source"}}
)
ORDER BY at, kind
