-- One alert's story in [from, to): its notifications (HA duplicates
-- excluded), every state change the poller saw, and every event the
-- recorder sent about it, in time order. The notifications come from the
-- folded deliveries (the same ones "counted" keeps), each key's rows read
-- once instead of twice as "counted" reads them (that took 23-34 ms of an
-- alert's week at a big Alertmanager's scale).
SELECT at, kind, status, state, event, receiver, silenced_by, inhibited_by
FROM (
    SELECT received_at AS at, 'notification' AS kind, toString(status) AS status, '' AS state, '' AS event,
           toString(receiver) AS receiver, CAST([], 'Array(String)') AS silenced_by, CAST([], 'Array(String)') AS inhibited_by
    FROM {{template "deliveries" (scan . "from" "to" true)}}
    WHERE fingerprint = {fingerprint:String}
      AND received_at >= {from:DateTime64(3, 'UTC')} AND received_at < {to:DateTime64(3, 'UTC')}
      AND {{template "source"}}
    UNION ALL
    SELECT observed_at AS at, 'state' AS kind, '' AS status, toString(state) AS state, '' AS event,
           arrayStringConcat(arrayMap(r -> toString(r), receivers), ',') AS receiver, silenced_by, inhibited_by
    FROM {{db}}.alert_states
    WHERE fingerprint = {fingerprint:String} AND kind != 'checkpoint'
      AND observed_at >= {from:DateTime64(3, 'UTC')} AND observed_at < {to:DateTime64(3, 'UTC')}
      AND {{template "source"}}
    UNION ALL
    -- (columns qualified: kind and status are also this query's aliases)
    SELECT e.at AS at, 'event' AS kind, if(e.kind IN ('notification', 'alert_resolved'), toString(e.status), '') AS status, '' AS state,
           toString(e.kind) AS event, toString(e.receiver) AS receiver,
           if(e.silence_id = '', CAST([], 'Array(String)'), [e.silence_id]) AS silenced_by, e.inhibiting AS inhibited_by
    FROM {{db}}.events AS e
    WHERE e.fingerprint = {fingerprint:String}
      AND e.at >= {from:DateTime64(3, 'UTC')} AND e.at < {to:DateTime64(3, 'UTC')}
      AND (empty({sources:Array(String)}) OR has({sources:Array(String)}, e.source))
)
ORDER BY at, kind
