-- Flapping alerts (docs/definitions.md, "Flapping"). eps is built from {from} =
-- window start - flap_gap, so the episode before the first one in the window
-- is there to measure its gap. A flap is an episode that starts less than
-- {flap_gap_ms} after the previous episode of the same fingerprint (and
-- source) ended; a fingerprint is flapping when at least {min_flaps} of its
-- flaps start in [win_from, to).
-- Suggestions, from the episodes and flaps starting in the window:
--   suggested_for_seconds: the smallest whole number of minutes longer than
--   at least 80% of the ended episodes (an open episode's length is not
--   known yet), in seconds: with k = ceil(0.8 n), floor(d_k / 60 s) + 1
--   minutes, d_k the k-th shortest;
--   suggested_keep_firing_for_seconds: the same over the flap gaps (gaps
--   shorter than flap_gap);
--   median_gap_seconds: the median of all gaps before episodes that start in
--   the window, flaps or not.
-- The episodes are sequenced without their labels (an alert's labels are
-- the same in all its episodes); the flapping alerts take theirs at the
-- end, and their name from them (an alert's alertname is its alertname
-- label): naming every episode was a third of the statement's time at a
-- big Alertmanager's scale. Without label matchers the caller reads them
-- for the flapping alerts alone (alertnames.sql), as the alerts list does:
-- joining every alert's labels here was a sixth of a week's statement at
-- that scale. With matchers the join is what selects the alerts.
WITH {{template "episode_ctes" .}},
seq AS (
    SELECT source, fingerprint, starts_at, ends_at,
           lagInFrame(ends_at) OVER w AS prev_end,
           row_number() OVER w AS n
    FROM {{template "unlabelled" .}}
    WINDOW w AS (PARTITION BY source, fingerprint ORDER BY starts_at ROWS BETWEEN 1 PRECEDING AND CURRENT ROW)
),
marked AS (
    SELECT *,
           starts_at >= {win_from:DateTime64(3, 'UTC')} AS in_window,
           n > 1 AND prev_end IS NOT NULL AND dateDiff('millisecond', prev_end, starts_at) < {flap_gap_ms:Int64} AS is_flap,
           greatest(dateDiff('millisecond', prev_end, starts_at), 0) / 1000 AS gap_seconds,
           dateDiff('millisecond', starts_at, ends_at) / 1000 AS episode_seconds
    FROM seq
),
per_alert AS (
    SELECT source, fingerprint,
           countIf(in_window) AS episodes,
           countIf(in_window AND is_flap) AS flaps,
           arraySort(groupArrayIf(assumeNotNull(episode_seconds), in_window AND episode_seconds IS NOT NULL)) AS durations,
           arraySort(groupArrayIf(assumeNotNull(gap_seconds), in_window AND is_flap)) AS gaps,
           arraySort(groupArrayIf(assumeNotNull(gap_seconds), in_window AND n > 1 AND prev_end IS NOT NULL)) AS all_gaps
    FROM marked
    GROUP BY source, fingerprint
)
SELECT p.fingerprint AS fingerprint,
{{- if eq .Match "1"}} '' AS alertname, CAST(map(), 'Map(String, String)') AS labels,
{{- else}} l.labels['alertname'] AS alertname, l.labels AS labels,
{{- end}} p.source AS source, episodes, flaps,
       -- exact medians: the middle value, or the mean of the two middle ones
       if(empty(durations), NULL, (durations[intDiv(length(durations) + 1, 2)] + durations[intDiv(length(durations), 2) + 1]) / 2) AS median_episode_seconds,
       if(empty(all_gaps), NULL, (all_gaps[intDiv(length(all_gaps) + 1, 2)] + all_gaps[intDiv(length(all_gaps), 2) + 1]) / 2) AS median_gap_seconds,
       -- ceil(0.8 n) in integers: intDiv(4 n + 4, 5)
       if(empty(durations), NULL, (floor(durations[intDiv(4 * length(durations) + 4, 5)] / 60) + 1) * 60) AS suggested_for_seconds,
       if(empty(gaps), NULL, (floor(gaps[intDiv(4 * length(gaps) + 4, 5)] / 60) + 1) * 60) AS suggested_keep_firing_for_seconds
FROM per_alert AS p
{{- if ne .Match "1"}}
INNER JOIN labelled AS l ON l.source = p.source AND l.fingerprint = p.fingerprint
{{- end}}
WHERE flaps >= {min_flaps:UInt32}
ORDER BY flaps DESC, source, fingerprint
