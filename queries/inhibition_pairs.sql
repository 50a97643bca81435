-- Every (target, inhibitor) pair a poller row of the scan names, once: the
-- pairs whose stretches inhibition_stretches.sql reads, and perhaps more (a
-- resolved alert's row, a stretch that ends where it starts, a row of the
-- scan's last day after {to}). A loop is a cycle of pairs, so the caller
-- reads the stretches only of the alerts on a cycle of these, and none when
-- there is no cycle. The pairs come from inhibition_pairs, a few rows per
-- day kept at ingest, instead of the inhibitors column of every poller row
-- of the scan (a week at a big Alertmanager's scale, with no loop, 50,000
-- pairs: 0.03-0.05 s against 0.15-0.31 s; 90 days 0.08-0.12 s against
-- 0.66-0.76 s). The scan starts at a midnight, so its first day is whole;
-- more pairs than the scan's can only put more alerts on a cycle, whose
-- stretches are then read and found on none (every edge of a loop is a
-- stretch, which starts at a row of the scan naming its inhibitor).
-- Without .FromDays (store.episodes_from_raw, or no dedup window) the
-- pairs come from the poller's rows of the scan themselves: the reference
-- the kept pairs are checked against.
{{- if .FromDays}}
SELECT source, target, inhibitor
FROM {{db}}.inhibition_pairs
WHERE day >= toDate({scan_from:DateTime64(3, 'UTC')}) AND day <= toDate({to:DateTime64(3, 'UTC')} - toIntervalMillisecond(1))
  AND {{template "source"}}
GROUP BY source, target, inhibitor
{{- else}}
SELECT source, fingerprint AS target, inhibitor
FROM {{db}}.alert_states
ARRAY JOIN inhibited_by AS inhibitor
WHERE observed_at >= {scan_from:DateTime64(3, 'UTC')} AND observed_at < {to:DateTime64(3, 'UTC')} AND {{template "source"}}
GROUP BY source, target, inhibitor
{{- end}}
