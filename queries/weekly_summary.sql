-- The weekly review's figures over the window's episodes: how many alerts
-- (source and fingerprint) had one, how many of the episodes ended, and
-- the lower and upper middle of the ended ones' durations in milliseconds
-- (their mean is the median).
WITH {{template "episode_ctes" .}}
SELECT uniqExact(source, fingerprint) AS alerts,
       countIf(ends_at IS NOT NULL) AS ended,
       quantileExactLowIf(0.5)(dateDiff('millisecond', starts_at, ends_at), ends_at IS NOT NULL) AS median_low_ms,
       quantileExactHighIf(0.5)(dateDiff('millisecond', starts_at, ends_at), ends_at IS NOT NULL) AS median_high_ms
FROM {{template "unlabelled" .}}
