-- The "join everything" formulation of failed inhibitions: every firing
-- notification in the window joined with every poller row of the same
-- alert, the rows after the notification dropped after the join; the
-- latest row left says whether the alert was inhibited when it was
-- notified. (It answers less: no poll after the notification, no check
-- that an inhibitor still fired, no causes, rules or labels.)
SELECT n.source AS source, n.fingerprint AS fingerprint, n.receiver AS receiver, n.received_at AS notified_at,
       argMax(s.inhibited_by, s.observed_at) AS inhibitors
FROM {{db}}.notifications AS n
INNER JOIN {{db}}.alert_states AS s ON n.source = s.source AND n.fingerprint = s.fingerprint
WHERE n.status = 'firing' AND n.ha_duplicate = 0
  AND n.received_at >= {from:DateTime64(3, 'UTC')} AND n.received_at < {to:DateTime64(3, 'UTC')}
  AND s.observed_at <= n.received_at
GROUP BY source, fingerprint, receiver, notified_at
HAVING notEmpty(inhibitors)
ORDER BY notified_at
