-- The moments in [from, to) the poller of each source began or stopped
-- seeing its Alertmanager: each poll whose outcome (ok or failed) differs
-- from the poll before it, and each source's first poll of the window.
-- (Every poll is stored; only the changes leave the engine.)
SELECT source, polled_at AS at, ok
FROM (
    SELECT source, polled_at, ok,
           lagInFrame(toNullable(ok)) OVER (PARTITION BY source ORDER BY polled_at ROWS BETWEEN 1 PRECEDING AND CURRENT ROW) AS prev
    FROM {{db}}.polls
    WHERE polled_at >= {from:DateTime64(3, 'UTC')} AND polled_at < {to:DateTime64(3, 'UTC')}
      AND {{template "source"}}
)
WHERE prev IS NULL OR prev != ok
ORDER BY source, at
