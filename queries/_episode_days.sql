-- An episode's rows summed up per day: the part of the episode definition
-- (see _episodes.sql) that each row contributes to on its own, kept by the
-- engine as rows arrive (table episode_days, filled by materialized views
-- running these SELECTs) so that the analyses merge one row per episode and
-- day instead of grouping every raw row. Every summary is idempotent (a
-- minimum, a first or last value, a set): the same rows summed up twice
-- merge into the same episode, which is what lets a crash recovery sum up
-- again rows whose summaries may be lost. The HA-dedup fold reads each
-- episode's deliveries from these sets, which gives the raw rows' count
-- whenever the dedup window is positive (a delivery repeated in the same
-- millisecond, or read from two summaries, never counts twice then); with
-- no window the episodes come from the raw rows.
--
-- "day_summaries" takes a DaySummaries: which table (.Table: notifications,
-- alert_states or events), read from where (.From: a qualified table
-- name), and which rows: all of them (.Rows ""), or the days of the alerts
-- a recovered batch holds ("batch": {from}, {to}, {keys}).
{{define "day_summaries"}}
{{- if eq .Table "notifications"}}
SELECT source, fingerprint, starts_at, toDate(received_at) AS day,
       argMinState(toString(alertname), received_at) AS first_alertname,
       minIf(ends_at, status = 'resolved') AS end_n,
       CAST(NULL, 'Nullable(DateTime64(3, \'UTC\'))') AS end_p,
       CAST(NULL, 'Nullable(DateTime64(3, \'UTC\'))') AS end_e,
       groupUniqArray((cityHash64(receiver, group_key, status), toUnixTimestamp64Milli(received_at))) AS deliveries,
       groupUniqArray(toString(receiver)) AS receivers,
       argMaxState(toString(generator_url), received_at) AS generator_url
FROM {{.From}}
{{- template "day_rows" (dayRows . "received_at")}}
{{- else if eq .Table "alert_states"}}
SELECT source, fingerprint, starts_at, toDate(observed_at) AS day,
       argMinState(toString(alertname), observed_at) AS first_alertname,
       CAST(NULL, 'Nullable(DateTime64(3, \'UTC\'))') AS end_n,
       minIf(toNullable(observed_at), kind = 'resolved') AS end_p,
       CAST(NULL, 'Nullable(DateTime64(3, \'UTC\'))') AS end_e,
       CAST([], 'Array(Tuple(UInt64, Int64))') AS deliveries,
       groupUniqArrayArray(arrayMap(r -> toString(r), receivers)) AS receivers,
       argMaxState(toString(generator_url), observed_at) AS generator_url
FROM {{.From}}
{{- template "day_rows" (dayRows . "observed_at")}}
{{- else if eq .Table "events"}}
SELECT source, fingerprint, assumeNotNull(starts_at) AS starts_at, toDate(at) AS day,
       argMinState(toString(alertname), at) AS first_alertname,
       CAST(NULL, 'Nullable(DateTime64(3, \'UTC\'))') AS end_n,
       CAST(NULL, 'Nullable(DateTime64(3, \'UTC\'))') AS end_p,
       minIf(toNullable(at), kind = 'alert_resolved') AS end_e,
       CAST([], 'Array(Tuple(UInt64, Int64))') AS deliveries,
       groupUniqArrayArray(if(receiver = '', CAST([], 'Array(String)'), [toString(receiver)])) AS receivers,
       argMaxState('', at) AS generator_url
FROM {{.From}}
{{- template "day_rows" (dayRows . "at")}}
  AND starts_at IS NOT NULL AND fingerprint != ''
  AND kind IN ('alert_created', 'alert_grouped', 'alert_resolved', 'notification')
{{- end}}
GROUP BY source, fingerprint, starts_at, day
{{- end}}

-- The (target, inhibitor) pairs a table's poller rows name, per day (table
-- inhibition_pairs, filled by a materialized view running this SELECT):
-- loops are cycles of pairs, and a day's pairs are a few rows where its
-- polls are millions. Naming a pair twice is harmless, so a recovered
-- batch's days are named again like its summaries. Takes a DaySummaries
-- whose .Table is alert_states.
{{define "day_pairs"}}
SELECT source, toDate(observed_at) AS day, fingerprint AS target, inhibitor
FROM {{.From}}
ARRAY JOIN inhibited_by AS inhibitor
{{- template "day_rows" (dayRows . "observed_at")}}
GROUP BY source, fingerprint, day, inhibitor
{{- end}}

-- When each alert was last seen silenced by each silence, per day (table
-- silence_pairs, filled by a materialized view running this SELECT): stale
-- silences want each (alert, silence)'s latest poller row naming it, and a
-- day's latest is one row where its polls are millions. Resolved rows copy
-- an alert's last state and are left out, as stale silences leave them
-- out. Taking a day's latest twice is harmless. Takes a DaySummaries whose
-- .Table is alert_states.
{{define "day_silences"}}
SELECT source, fingerprint, sid, toDate(observed_at) AS day, max(observed_at) AS last
FROM {{.From}}
ARRAY JOIN silenced_by AS sid
{{- template "day_rows" (dayRows . "observed_at")}}
  AND kind != 'resolved'
GROUP BY source, fingerprint, sid, day
{{- end}}

-- The WHERE of day_summaries, day_pairs and day_silences, given a DayRows
-- (the DaySummaries and its table's time column).
{{define "day_rows"}}
WHERE 1
{{- if eq .Rows "batch"}}
  AND {{.TimeCol}} >= toStartOfDay({from:DateTime64(3, 'UTC')}) AND {{.TimeCol}} < toStartOfDay({to:DateTime64(3, 'UTC')}) + toIntervalDay(1)
  AND fingerprint IN {{template "listed" "keys"}}
{{- end}}
{{- end}}

-- The first day of the scan: the analyses start their scans at a midnight
-- (UTC), so that whole days are read from episode_days and no raw row is
-- summed up at read time.
{{define "scan_day"}}toDate({scan_from:DateTime64(3, 'UTC')}){{end}}
