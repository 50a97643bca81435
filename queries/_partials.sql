-- Fragments shared by the statements in this folder, used as
-- the "name" template. Each binds parameters only.

-- Any of the sources in {sources}, or all when it is empty.
{{define "source"}}(empty({sources:Array(String)}) OR source IN {sources:Array(String)}){{end}}

-- Any of the receivers in {receivers}, or all when it is empty.
{{define "receiver"}}(empty({receivers:Array(String)}) OR receiver IN {receivers:Array(String)}){{end}}

-- The same for rows routed to several receivers (a "receivers" array).
{{define "routed_to"}}(empty({receivers:Array(String)}) OR hasAny(receivers, {receivers:Array(String)})){{end}}

-- A bound Array(String) as the set an IN reads, given the parameter's name
-- (x IN, then this template with "fingerprints"). The engine builds a
-- subquery's hash set once; a bare array parameter after IN took it
-- minutes with tens of thousands of values.
{{define "listed"}}(SELECT arrayJoin({ {{- . -}} :Array(String)})){{end}}

-- The notifications that count, as a table expression taking a Scan (the
-- "scan" function: data, lower and upper bound parameter names, '' for
-- none, and whether to read only {fingerprint}): HA duplicates left out.
-- Per key (source, receiver, group key, fingerprint, status, startsAt) a
-- delivery counts when it comes at least the dedup window after the last
-- delivery of its key that counted. Decided here, from the stored rows, so
-- that it holds across restarts of alertlens and across replicas writing
-- one store (a writer alone cannot know what another replica stored a
-- second ago). "dropped" folds each key's delivery times, read from a
-- lookback before the scan, into the times that count, and lists the
-- times that do not; a row counts unless its key and time are listed. Only
-- a key with two deliveries less than the window apart can have a time
-- that does not count (each delivery at least the window after the one
-- before it is at least that far from the last that counted), so only
-- those keys are folded, and the list is as long as the duplicates are
-- (listing the times that count instead made the set as big as the scan:
-- 2× slower at 90 days and over the memory bound at ten times the
-- synthetic year). A key re-delivered at intervals under the window,
-- without a pause of a window, for longer than the lookback is followed
-- back only that far. Rows received in the same millisecond as one that
-- counts are the same delivery stored twice, kept once (LIMIT 1 BY): only
-- the keys "dropped" marks with the time "same_ms" have such rows, and
-- only their rows go through LIMIT 1 BY (the engine runs it in one thread
-- over every column the caller reads; over every row it was a third of
-- this fragment's time at a big Alertmanager's scale). One alert's scan
-- still takes LIMIT 1 BY over all its rows. With no dedup window every
-- stored row counts.
{{define "counted"}}(
{{- if not .DedupMillis}}
    SELECT * FROM {{db}}.notifications
    WHERE {{template "scan_rows" .}}
{{- else if .Fingerprint}}
    -- One alert's rows: few enough that LIMIT 1 BY over all of them costs
    -- less than reading them twice.
    SELECT * FROM {{db}}.notifications
    WHERE {{template "scan_rows" .}}
      AND ({{template "delivery_key"}}, toUnixTimestamp64Milli(received_at)) NOT IN ({{template "dropped" .}})
    LIMIT 1 BY {{template "delivery_key"}}, received_at
{{- else}}
    WITH dropped AS MATERIALIZED ({{template "dropped" .}})
    SELECT * FROM {{db}}.notifications
    WHERE {{template "scan_rows" .}}
      AND ({{template "delivery_key"}}, toUnixTimestamp64Milli(received_at)) NOT IN (SELECT key, ms FROM dropped)
      AND {{template "delivery_key"}} NOT IN (SELECT key FROM dropped WHERE ms = {{template "same_ms"}})
    UNION ALL
    SELECT * FROM (
        SELECT * FROM {{db}}.notifications
        WHERE {{template "scan_rows" .}}
          AND ({{template "delivery_key"}}, toUnixTimestamp64Milli(received_at)) NOT IN (SELECT key, ms FROM dropped)
          AND {{template "delivery_key"}} IN (SELECT key FROM dropped WHERE ms = {{template "same_ms"}})
        LIMIT 1 BY {{template "delivery_key"}}, received_at
    )
{{- end}}
){{end}}

-- The notifications (HA duplicates once) received from {from} on that
-- match the label matchers, given a Scan whose Lower is "from": the table
-- notes_kept.sql left for the same window and filters (.KeptNotes), else
-- decided from the stored rows. The kept rows received after {to} are only
-- those of episodes that started in the window, all a statement reading
-- past {to} (what-if) asks for.
{{define "notes_from"}}
{{- if .KeptNotes}}{{db}}.{{.KeptNotes}}
{{- else}}{{template "deliveries" .}}{{end}}{{end}}

-- The deliveries that count, as "counted" decides them, given a Scan, with
-- only what every row of a key shares (the key's columns and the alert's
-- name) and when each was received: one row per delivery that counts. Each
-- key's delivery times are folded here and the times that count become the
-- rows, so the stored rows are read once ("counted" reads them twice and
-- looks every row up in the list of times that do not count: 1.8 s against
-- 0.45 s for a week's firing notifications at a big Alertmanager's scale).
-- Grouped by the delivery key, as "dropped" groups them (two keys whose
-- hashes collide would share one fold there as here): grouping by the
-- key's columns took a quarter longer, and half as long again when the
-- statement aggregates in the table's order. The label matchers are
-- applied before the fold: an alert's labels are the same in all its rows
-- (its fingerprint is their hash), so they keep or drop whole keys. With
-- .ByLabel each row also carries the value of the label {by} (as "label"),
-- the same in all rows of a key for the same reason.
{{define "deliveries"}}(
{{- if not .DedupMillis}}
    SELECT source, receiver, group_key, fingerprint, status, starts_at, alertname,{{if .ByLabel}} labels[{by:String}] AS label,{{end}} received_at
    FROM {{db}}.notifications
    WHERE {{template "scan_rows" .}} AND {{.Match}}
{{- else}}
    SELECT key_source AS source, key_receiver AS receiver, key_group AS group_key, key_fingerprint AS fingerprint,
           key_status AS status, key_starts_at AS starts_at, key_alertname AS alertname,{{if .ByLabel}} key_label AS label,{{end}}
           fromUnixTimestamp64Milli(ms, 'UTC') AS received_at
    FROM (
        SELECT any(source) AS key_source, any(receiver) AS key_receiver, any(group_key) AS key_group,
               any(fingerprint) AS key_fingerprint, any(status) AS key_status, any(starts_at) AS key_starts_at,
               any(alertname) AS key_alertname,{{if .ByLabel}} any(labels[{by:String}]) AS key_label,{{end}}
               {{template "key_times"}} AS times, {{template "fold_times" .}} AS counted
        FROM {{db}}.notifications
        WHERE {{template "fold_rows" .}} AND {{.Match}}
        GROUP BY {{template "delivery_key"}}
    )
    ARRAY JOIN arrayPopFront(counted) AS ms
    {{- if .Lower}}
    WHERE ms >= toUnixTimestamp64Milli({ {{- .Lower -}} :DateTime64(3, 'UTC')})
    {{- end}}
{{- end}}
){{end}}

-- The times that do not count, per key, as (key, ms) rows, and the keys
-- with two rows in one millisecond marked with the time "same_ms", given
-- a Scan (see "counted").
{{define "dropped"}}
        SELECT key, arrayJoin(arrayConcat(arrayFilter(t -> NOT has(counted, t), arrayDistinct(times)),
                                          if(same_ms, [{{template "same_ms"}}], []))) AS ms
        FROM (
            SELECT key, times, {{template "fold_times" .}} AS counted,
                   arrayExists(d -> d = 0, arraySlice(arrayDifference(times), 2)) AS same_ms
            FROM (
                SELECT {{template "delivery_key"}} AS key, {{template "key_times"}} AS times
                FROM {{db}}.notifications
                WHERE {{template "fold_rows" .}}
                GROUP BY key
                HAVING arrayExists(d -> d < {{.DedupMillis}}, arraySlice(arrayDifference(times), 2))
            )
        )
{{end}}

-- The rows a Scan reads.
{{define "scan_rows"}}{{template "source"}}
      {{- if .Lower}} AND received_at >= { {{- .Lower -}} :DateTime64(3, 'UTC')}{{end}}{{template "scan_bounds" .}}{{end}}

-- The rows whose delivery times a Scan folds: its rows and, before them,
-- the lookback that follows a key's chain of counted deliveries back.
{{define "fold_rows"}}{{template "source"}}
      {{- if .Lower}} AND received_at >= { {{- .Lower -}} :DateTime64(3, 'UTC')} - toIntervalMillisecond({{.LookbackMillis}}){{end}}{{template "scan_bounds" .}}{{end}}

-- What bounds a Scan's rows after Lower. With a Tail, the rows from {Tail}
-- on of keys that started outside the window are left out (before the
-- fold, which is each key's own, so the other keys count as before): a
-- scan reaching back weeks no longer reads every row since (the weekly
-- review's notifications of a week two weeks back at a big Alertmanager's
-- scale: 3.1-4.0 s -> 0.8-1.1 s). With Firing and ToReceivers, the other
-- keys' rows are left out too (the status and the receiver are part of
-- the key).
{{define "scan_bounds"}}
      {{- if .Firing}} AND status = 'firing'{{end}}
      {{- if .ToReceivers}} AND {{template "receiver"}}{{end}}
      {{- if .Upper}} AND received_at < { {{- .Upper -}} :DateTime64(3, 'UTC')}{{end}}
      {{- if .Tail}} AND (received_at < { {{- .Tail -}} :DateTime64(3, 'UTC')}
           OR (starts_at >= { {{- .Lower -}} :DateTime64(3, 'UTC')} AND starts_at < { {{- .Tail -}} :DateTime64(3, 'UTC')})){{end}}
      {{- if .Fingerprint}} AND fingerprint = {fingerprint:String}{{end}}{{end}}

-- A delivery key's times (ms), in order, as an aggregate over its rows.
{{define "key_times"}}arraySort(groupArray(toUnixTimestamp64Milli(received_at))){{end}}

-- The times of a key's "times" that count, in order, after a first element
-- that is no time: each at least the dedup window after the last that
-- counted.
{{define "fold_times"}}arrayFold((acc, t) -> if(t - acc[-1] >= {{.DedupMillis}}, arrayPushBack(acc, t), acc), times, [toInt64(-1000000000000000)]){{end}}

-- How long an episode had fired by {to} (or by its end, if earlier), in
-- ms.
{{define "fired_by_to"}}dateDiff('millisecond', starts_at, least(coalesce(ends_at, {to:DateTime64(3, 'UTC')}), {to:DateTime64(3, 'UTC')})){{end}}

-- The key HA duplicates of one delivery share.
{{define "delivery_key"}}cityHash64(source, receiver, group_key, fingerprint, status, starts_at){{end}}

-- An alert (source and fingerprint) as one 128-bit number, for the large
-- joins and lookups by alert: one number compares faster than two strings
-- (measured with each use). Two alerts share one with a probability below
-- 10^-26 at a million alerts (delivery_key's 64 bits already decide HA
-- duplicates).
{{define "alert_key"}}sipHash128(source, fingerprint){{end}}

-- The mark in "dropped" of a key with two rows in the same millisecond: a
-- time no row has (DateTime64's earliest is in 1900).
{{define "same_ms"}}toInt64(-9223372036854775808){{end}}

-- Notifications received in [from, to) of the requested source and
-- receiver (read from the "counted" fragment: HA duplicates once).
{{define "notified_in_window"}}received_at >= {from:DateTime64(3, 'UTC')} AND received_at < {to:DateTime64(3, 'UTC')}
  AND {{template "source"}}
  AND {{template "receiver"}}{{end}}

-- The limits every analysis runs under. LEFT JOINs give NULL for "no
-- match" (the engine's default fills in zeros, which silently counts
-- unmatched rows). No JIT compilation: the engine compiles an expression
-- once it has run it a few times, and the compiled code of this engine
-- version goes wrong on LowCardinality comparisons (the fourth run of the
-- same statement failed with "Invalid cast from LowCardinality(UInt8)"
-- where the first three succeeded) — a failure that appears only after a
-- few reads, and never in a fresh process. The engine itself bounds the
-- query's time and memory; GROUP BY and ORDER BY spill to disk at half the
-- memory bound instead of failing. (The answer's row count is bounded by the caller:
-- the engine's max_result_rows also counts subqueries' rows, which a big
-- GROUP BY feeding a LIMIT legitimately has.) A CTE marked MATERIALIZED is
-- built once per statement; the engine rebuilds a plain one at every
-- reference, which for the episodes is most of a statement's time. A
-- subquery of one value (a scalar) is the exception: the engine evaluates
-- it on its own, building again every materialized CTE it reads, so what
-- such a subquery needs is bound as a parameter or gathered into the one
-- value both uses take (see inhibitions_failed_bounds.sql and
-- silences_stale.sql). The
-- engine's threads answering a read run at nice 10, so that on a busy
-- machine the intake (HTTP, the queue's fsync, the writer's inserts, all at
-- the process's own priority) goes first: the engine applies it only when
-- the process may change thread priorities (CAP_SYS_NICE, as root), and
-- does nothing otherwise. With .InOrder, GROUP BYs on a prefix of a
-- table's sorting key aggregate in that order; with .IndexSetMax, larger
-- sets are not used with the index (see Limits).
{{define "settings"}}
SETTINGS {{if .InOrder}}optimize_aggregation_in_order = 1, {{end}}{{if gt .IndexSetMax 0}}use_index_for_in_with_subqueries_max_values = {{.IndexSetMax}}, {{end}}os_thread_priority = 10, join_use_nulls = 1, enable_materialized_cte = 1, compile_expressions = 0, compile_aggregate_expressions = 0, compile_sort_description = 0,
  max_execution_time = {{.MaxSeconds}},
  max_memory_usage = {{.MaxMemory}}, max_bytes_before_external_group_by = {{.SpillAt}}, max_bytes_before_external_sort = {{.SpillAt}}{{end}}

-- Whether a notification's received_at falls in its receiver's hours, given
-- the name of the bound hours (wh: working hours, sh: sleep hours): UTC
-- intervals listed per UTC day, the default schedule's days first, then
-- each receiver's with its own ({name}_at says where those start; see
-- bindIntervals). A notification looks through its own day's intervals
-- only; a day outside the lists (index 0) has none.
{{define "in_hours"}}arrayExists(iv -> received_at >= iv.1 AND received_at < iv.2,
    arrayElement({ {{- . -}} _days:Array(Array(Tuple(DateTime64(3, 'UTC'), DateTime64(3, 'UTC'))))},
        if(toInt64(toDate32(received_at)) - { {{- . -}} _day0:Int64} BETWEEN 0 AND { {{- . -}} _ndays:Int64} - 1,
           { {{- . -}} _at:Map(String, Int64)}[toString(receiver)] + toInt64(toDate32(received_at)) - { {{- . -}} _day0:Int64} + 1,
           0))){{end}}

-- The same for a statement that also reads notifications received after
-- {to} (those of episodes that started in the window): each is judged by
-- the hours bound for its own span, [from, to) or after it ({name}_later,
-- see bindHoursThrough), so that a row looks through that span's intervals
-- only.
{{define "in_hours_through"}}if(received_at < {to:DateTime64(3, 'UTC')}, {{template "in_hours" .}}, {{template "in_hours" (print . "_later")}}){{end}}

-- The firing notifications of [from, to) (HA duplicates once) of the
-- requested source, receiver and alerts: what a failed inhibition is judged
-- for, t being when it was received. Without the alerts' names and labels:
-- the caller reads those once per alert, for the statements' few
-- candidates (alertnames.sql). Carried through the statements' joins for
-- every notification, they were half of the polls statement's time at a
-- big Alertmanager's scale.
{{define "firing_notes"}}
    SELECT source, fingerprint, toString(receiver) AS receiver, received_at AS t
    FROM {{template "deliveries" (toReceivers (firing (scan . "from" "to" false)))}}
{{end}}

-- A successful poll's previous one of the same source (NULL for the first
-- read), over rows of the polls table with ok: a poll's interval, by which
-- failed inhibitions are judged, is its distance to it. One definition for
-- the statement that judges and the one that bounds it.
{{define "prev_poll"}}lagInFrame(toNullable(polled_at)) OVER (PARTITION BY source ORDER BY polled_at ROWS BETWEEN 1 PRECEDING AND CURRENT ROW){{end}}

-- Each alert_states row's next row of the same alert (its observed_at, NULL
-- for the alert's last row), for a statement that reads the rows in the
-- table's order: "next_row" in the SELECT list, "by_alert" after WHERE, and
-- "next_at" in an outer SELECT. One window over the rows in the table's
-- order (source, fingerprint, observed_at) rather than one partition per
-- alert: the engine then reads them in that order instead of sorting them
-- (a third of the inhibition stretches' time at a big Alertmanager's
-- scale). Rows of one alert at the same time follow each other in either
-- order, as they did in a partition; a statement that needs them in one
-- order writes its own by_alert with more keys after those three
-- (measured as fast as the three alone, at a big Alertmanager's scale).
{{define "next_row"}}leadInFrame(source) OVER by_alert AS next_source, leadInFrame(fingerprint) OVER by_alert AS next_fingerprint,
               leadInFrame(toNullable(observed_at)) OVER by_alert AS next_observed{{end}}
{{define "by_alert"}}WINDOW by_alert AS (ORDER BY source, fingerprint, observed_at ROWS BETWEEN CURRENT ROW AND 1 FOLLOWING){{end}}
{{define "next_at"}}if(next_source = source AND next_fingerprint = fingerprint, next_observed, NULL){{end}}

-- One of two halves of the alerts, by fingerprint (0 or 1): a statement
-- whose window by alert covers every row of a long scan computes it once
-- per half, the two joined by UNION ALL. The engine runs a window without
-- PARTITION BY on one thread; two halves run on two (90 days of
-- inhibition stretches at a big Alertmanager's scale: 4.1-4.3 s against
-- 3.2-3.4 s, the same answer). Each half is a range of the table's second
-- sorting column, so its index skips the other half's granules instead of
-- reading and hashing every fingerprint. Alertmanager's fingerprints are 16
-- hex digits spread evenly, so '8' halves them; any other string still
-- falls in exactly one half, and every row of an alert in the same one.
{{define "alert_half"}}{{if eq . 0}}fingerprint < '8'{{else}}fingerprint >= '8'{{end}}{{end}}

-- One slice of the alerts a seal is built in: those whose fingerprint is
-- in [{lo}, {hi}) ('' bounds nothing), which the tables' index finds (see
-- store.buildSeal).
{{define "seal_slice"}}fingerprint >= {lo:String} AND ({hi:String} = '' OR fingerprint < {hi:String}){{end}}
