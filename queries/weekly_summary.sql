-- The weekly review's figures over the window's episodes: how many alerts
-- (source and fingerprint) had one, how many of the episodes ended, and
-- the lower and upper middle of the ended ones' durations in milliseconds
-- (their mean is the median). With .Totals also how many episodes and
-- notifications (HA duplicates once) the window had: the totals noise
-- sums up over its keys, for a window that needs nothing else of noise
-- (the previous week's).
WITH {{template "episode_ctes" .}}
SELECT uniqExact(source, fingerprint) AS alerts,
       countIf(ends_at IS NOT NULL) AS ended,
       quantileExactLowIf(0.5)(dateDiff('millisecond', starts_at, ends_at), ends_at IS NOT NULL) AS median_low_ms,
       quantileExactHighIf(0.5)(dateDiff('millisecond', starts_at, ends_at), ends_at IS NOT NULL) AS median_high_ms
{{- if .Totals}},
       count() AS episodes,
       (SELECT count()
        FROM {{template "notes_from" (scan . "from" "to" false)}}
        WHERE {{template "notified_in_window"}}) AS notifications
{{- end}}
FROM {{template "unlabelled" .}}
