-- The "join everything" formulation of noise by alertname: the window's
-- notifications counted per alertname (out of hours: outside Monday to
-- Friday, 09:00-18:00 UTC); each firing one joined with every notification
-- of its episode (same alert, same startsAt) for the episode's end, then
-- per alertname the episodes, their firing time in the window and the
-- self-resolving ones (ended within five minutes).
WITH
notes AS (
    SELECT alertname, count() AS notifications,
           countIf(toDayOfWeek(received_at) > 5 OR toHour(received_at) < 9 OR toHour(received_at) >= 18) AS out_of_hours
    FROM {{db}}.notifications
    WHERE ha_duplicate = 0 AND received_at >= {from:DateTime64(3, 'UTC')} AND received_at < {to:DateTime64(3, 'UTC')}
    GROUP BY alertname
),
eps AS (
    SELECT f.alertname AS alertname, f.fingerprint AS fingerprint, f.starts_at AS starts_at,
           min(if(r.status = 'resolved', r.ends_at, NULL)) AS ends_at
    FROM {{db}}.notifications AS f
    INNER JOIN {{db}}.notifications AS r ON r.fingerprint = f.fingerprint AND r.starts_at = f.starts_at
    WHERE f.status = 'firing' AND f.received_at >= {from:DateTime64(3, 'UTC')} AND f.received_at < {to:DateTime64(3, 'UTC')}
    GROUP BY alertname, fingerprint, starts_at
),
by_eps AS (
    SELECT alertname, count() AS episodes,
           sum(dateDiff('second', greatest(starts_at, {from:DateTime64(3, 'UTC')}),
                        least(coalesce(ends_at, {to:DateTime64(3, 'UTC')}), {to:DateTime64(3, 'UTC')}))) AS firing_seconds,
           countIf(ends_at IS NOT NULL AND dateDiff('second', starts_at, assumeNotNull(ends_at)) < 300) AS self_resolving
    FROM eps
    GROUP BY alertname
)
SELECT n.alertname AS alertname, n.notifications AS notifications, e.episodes AS episodes,
       e.firing_seconds AS firing_seconds, e.self_resolving AS self_resolving, n.out_of_hours AS out_of_hours
FROM notes AS n
LEFT JOIN by_eps AS e ON e.alertname = n.alertname
ORDER BY notifications DESC, episodes DESC, alertname
LIMIT 20
