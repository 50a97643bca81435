-- Every (target, inhibitor) pair a poller row of the scan names, once: the
-- pairs whose stretches inhibition_stretches.sql reads, and perhaps more (a
-- resolved alert's row, a stretch that ends where it starts). A loop is a
-- cycle of pairs, so the caller reads the stretches only of the alerts on
-- a cycle of these, and none when there is no cycle: reading the
-- inhibitors column of the rows that name one costs a fraction of the
-- window over every poller row the stretches need (a week at a big
-- Alertmanager's scale, with no loop: 0.15-0.18 s for 50,000 pairs).
SELECT source, fingerprint AS target, inhibitor
FROM {{db}}.alert_states
ARRAY JOIN inhibited_by AS inhibitor
WHERE observed_at >= {scan_from:DateTime64(3, 'UTC')} AND observed_at < {to:DateTime64(3, 'UTC')} AND {{template "source"}}
GROUP BY source, target, inhibitor
