-- Muted time: each poller row's state (silenced, inhibited: a row that is
-- not 'resolved' naming silences, inhibitors) holds until the episode's
-- next row; the last row's until the episode's end, which the caller adds
-- (it knows the end). Per episode (source, fingerprint, starts_at), from
-- the rows from {scan_from} on of the episodes the statement lists (see
-- "muted_rows"):
--   silenced_ms, inhibited_ms: over the rows that have a next row;
--   last_at, last_silenced, last_inhibited: the last row.
--
-- With .SealedMuted the rows before {sealed_to} come from generation
-- {seal} of sealed_muted (muted_seal.sql: the same steps over every row
-- before {sealed_to}, summed per day), so the window reads only the rows
-- from {sealed_to} on: the days from {scan_from} (a midnight) on give
-- their sums, and each episode's last row before {sealed_to}, when it is
-- muted, goes into that window as a row of its own, so its state holds
-- until the episode's first row from then on (or, with none, it is the
-- last row). One that is not muted adds nothing either way: the seal
-- keeps only the days that add some time or end on a muted row.
{{define "muted_time"}}
SELECT source, fingerprint, starts_at,
{{- if .SealedMuted}}
       sum(s_ms) AS silenced_ms, sum(i_ms) AS inhibited_ms,
       anyIf(last_row_at, has_last) AS last_at, anyIf(last_s, has_last) AS last_silenced, anyIf(last_i, has_last) AS last_inhibited
{{- else}}
       s_ms AS silenced_ms, i_ms AS inhibited_ms, last_row_at AS last_at, last_s AS last_silenced, last_i AS last_inhibited
{{- end}}
FROM (
    SELECT source, fingerprint, starts_at,
           {{template "muted_sums"}},
           anyIf(at, next_at IS NULL) AS last_row_at, anyIf(silenced, next_at IS NULL) AS last_s, anyIf(inhibited, next_at IS NULL) AS last_i
           {{- if .SealedMuted}}, true AS has_last{{end}}
    FROM ({{template "muted_steps" (mutedSteps .)}})
    GROUP BY source, fingerprint, starts_at
{{- if .SealedMuted}}
    UNION ALL
    SELECT source, fingerprint, starts_at, silenced_ms, inhibited_ms,
           toDateTime64(0, 3, 'UTC'), false, false, false
    FROM {{db}}.sealed_muted
    WHERE seal = {seal:UInt64} AND day >= toDate({scan_from:DateTime64(3, 'UTC')}) AND {{template "source"}}
      AND {{template "muted_rows" .}}
{{- end}}
)
{{- if .SealedMuted}}
GROUP BY source, fingerprint, starts_at
{{- end}}
{{end}}

-- The time of the steps that have a next row, silenced and inhibited.
{{define "muted_sums"}}sumIf(dateDiff('millisecond', at, assumeNotNull(next_at)), next_at IS NOT NULL AND silenced) AS s_ms,
           sumIf(dateDiff('millisecond', at, assumeNotNull(next_at)), next_at IS NOT NULL AND inhibited) AS i_ms{{end}}

-- Each row with whether it is silenced and inhibited, and its episode's
-- next row's time (NULL for the last). The argument (MutedSteps) picks
-- the rows: those of the episodes the statement lists, from {scan_from}
-- on; or, .Sealing, every row before {sealed_to} of the alerts whose
-- fingerprint is in [{lo}, {hi}) (a seal's slice).
{{define "muted_steps"}}
SELECT source, fingerprint, starts_at, at, silenced, inhibited,
       leadInFrame(toNullable(at)) OVER (PARTITION BY source, fingerprint, starts_at ORDER BY at
                                         ROWS BETWEEN CURRENT ROW AND 1 FOLLOWING) AS next_at
FROM (
    SELECT source, fingerprint, starts_at, observed_at AS at,
           kind != 'resolved' AND notEmpty(silenced_by) AS silenced, kind != 'resolved' AND notEmpty(inhibited_by) AS inhibited
    FROM {{db}}.alert_states
{{- if .Sealing}}
    WHERE observed_at < toDateTime64({sealed_to:Date}, 3, 'UTC')
      AND {{template "seal_slice"}}
{{- else}}
    WHERE observed_at >= {{if .SealedMuted}}toDateTime64({sealed_to:Date}, 3, 'UTC'){{else}}{scan_from:DateTime64(3, 'UTC')}{{end}}
      AND {{template "source"}} AND {{template "muted_rows" .Data}}
{{- if .SealedMuted}}
    UNION ALL
    SELECT source, fingerprint, starts_at, assumeNotNull(last_at) AS at, last_silenced AS silenced, last_inhibited AS inhibited
    FROM {{db}}.sealed_muted
    WHERE seal = {seal:UInt64} AND last_at >= {scan_from:DateTime64(3, 'UTC')} AND (last_silenced OR last_inhibited)
      AND {{template "source"}}
      AND {{template "muted_rows" .Data}}
{{- end}}
{{- end}}
)
{{end}}

-- The episodes whose muted time a statement reads: the episodes listed
-- (picked). When only some alerts' are listed (label matchers, or the
-- longest few), their fingerprints alone narrow the rows first: the
-- table's index finds them (fingerprint is its second sorting column)
-- where the episode check reads every row (90 days of one team's alerts
-- at a big Alertmanager's scale: 4.6–4.9 s against 3.7 s). With label
-- matchers those are the matching alerts' (labelled), so the rows are read
-- while the episodes are built, not after; the rows of episodes not listed
-- are summed for nothing (the same, 2.35–2.57 s against 2.53–2.78 s),
-- but not those of episodes starting at or after {to}, which no statement
-- lists: they are every row after the window (one team's alerts over a
-- week in January at a big Alertmanager's scale: 1.46-1.50 s against
-- 1.98-2.61 s).
{{define "muted_rows"}}
{{- if .Longest}}fingerprint IN (SELECT fingerprint FROM picked)
      AND (source, fingerprint, starts_at) IN (SELECT source, fingerprint, starts_at FROM picked)
{{- else if ne .Match "1"}}fingerprint IN (SELECT fingerprint FROM labelled) AND starts_at < {to:DateTime64(3, 'UTC')}
{{- else}}(source, fingerprint, starts_at) IN (SELECT source, fingerprint, starts_at FROM picked)
{{- end}}{{end}}
