-- State changes of matching alerts in [from, to) for a state timeline:
-- firing, silenced, inhibited or resolved. Each alert's state at {from}
-- (its last poller row before, when not resolved) opens its line; then every
-- poller change and every notification (firing or resolved) in the window.
SELECT at, source, fingerprint, alertname, state
FROM (
    SELECT {from:DateTime64(3, 'UTC')} AS at, source, fingerprint,
           argMax(alertname, observed_at) AS alertname,
           argMax(multiIf(kind = 'resolved', 'resolved', notEmpty(silenced_by), 'silenced', notEmpty(inhibited_by), 'inhibited', 'firing'), observed_at) AS state
    FROM {{db}}.alert_states
    WHERE observed_at >= {scan_from:DateTime64(3, 'UTC')} AND observed_at < {from:DateTime64(3, 'UTC')}
      AND {{template "source"}}
      AND {{template "routed_to"}}
      AND {{.Match}}
    GROUP BY source, fingerprint
    HAVING state != 'resolved'
    UNION ALL
    SELECT observed_at AS at, source, fingerprint, alertname,
           multiIf(kind = 'resolved', 'resolved', notEmpty(silenced_by), 'silenced', notEmpty(inhibited_by), 'inhibited', 'firing') AS state
    FROM {{db}}.alert_states
    WHERE observed_at >= {from:DateTime64(3, 'UTC')} AND observed_at < {to:DateTime64(3, 'UTC')} AND kind != 'checkpoint'
      AND {{template "source"}}
      AND {{template "routed_to"}}
      AND {{.Match}}
    UNION ALL
    SELECT received_at AS at, source, fingerprint, alertname, if(status = 'resolved', 'resolved', 'firing') AS state
    FROM {{template "deliveries" (scan . "from" "to" false)}}
    WHERE {{template "notified_in_window"}}
)
ORDER BY at, source, fingerprint, state
