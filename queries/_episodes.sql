-- The episode CTEs (labelled, agg, ended, core, eps), shared by every
-- analysis that needs episodes: the "episode_ctes" template after WITH.
-- eps holds the episodes overlapping [from, to). agg sums up each episode
-- from the day summaries kept at ingest (.FromDays) or from the raw rows
-- (obs); both give the same episodes.
-- An episode is (source, fingerprint, startsAt), seen in notifications, in
-- the poller's alert_states and in the event recorder's events. It ends at
-- the earliest of: the endsAt of a resolved notification, the first poll
-- that found the alert gone (the poller writes that as a 'resolved' row,
-- also when endsAt had passed), an alert_resolved event, and the start of
-- the alert's next episode (a new startsAt); otherwise it is open.
-- Rows are read from {scan_from} on, a midnight (UTC) a week or so before
-- the window: an episode still open in the window has a row there (the
-- poller checkpoints every open alert at least hourly, and Alertmanager
-- re-sends firing alerts every repeat_interval).
-- Filters: {source} and {receiver} ('' = any) and the label matchers
-- (.Match, bound parameters only).
{{define "episode_ctes"}}-- An alert's labels are the same in every row about it (its fingerprint is
-- their hash): they come from alert_labels, kept at ingest, not from every
-- row; the label matchers select alerts there. alert_labels is written by
-- materialized views whose parts land apart from the raw rows' (a read in
-- between, or a crash in between whose retry the store deduplicates, finds
-- an alert's rows but not its labels): such alerts take their labels from
-- their raw rows, read only for them.
{{- if .FromDays}}
-- The alerts the episodes are built from (those with day summaries) that
-- have no row in alert_labels: only their raw rows are read for labels
-- (looking for them among every raw row of the scan was a third of a
-- statement's time at a big Alertmanager's scale). The summaries' alerts
-- are looked up by alert_key, not the two strings (a twentieth of a 7-day
-- statement's time at that scale). The alerts are listed first and looked
-- up once each: the LIMIT, which removes nothing, keeps the engine from
-- moving the lookup into the read, where it hashed every summary of the
-- scan (over 90 days at that scale 0.40 s against 0.09 s).
labels_missing AS MATERIALIZED (
    SELECT source, fingerprint
    FROM (
        SELECT DISTINCT source, fingerprint
        FROM {{db}}.episode_days
        WHERE day >= {{template "scan_day"}} AND {{template "source"}}
        LIMIT 18446744073709551615
    )
    WHERE {{template "alert_key"}} NOT IN (SELECT {{template "alert_key"}} FROM {{db}}.alert_labels)
),
{{- end}}
labelled AS (
    SELECT source, fingerprint, latest AS labels
    FROM (
        -- FINAL keeps each alert's row with the latest seen (the table is
        -- a ReplacingMergeTree on it), what argMax over the rows gave, in
        -- a twentieth of the time: it merges parts in key order instead
        -- of grouping every row.
        SELECT source, fingerprint, labels AS latest
        FROM {{db}}.alert_labels FINAL
        WHERE {{template "source"}}
        UNION ALL
        SELECT source, fingerprint, any(labels) AS latest
        FROM (
            SELECT source, fingerprint, labels FROM {{db}}.notifications
            WHERE received_at >= {scan_from:DateTime64(3, 'UTC')} AND {{template "source"}}
              AND {{template "labels_missing" .}}
            UNION ALL
            SELECT source, fingerprint, labels FROM {{db}}.alert_states
            WHERE observed_at >= {scan_from:DateTime64(3, 'UTC')} AND {{template "source"}}
              AND {{template "labels_missing" .}}
            UNION ALL
            SELECT source, fingerprint, labels FROM {{db}}.events
            WHERE at >= {scan_from:DateTime64(3, 'UTC')} AND fingerprint != '' AND {{template "source"}}
              AND {{template "labels_missing" .}}
        )
        GROUP BY source, fingerprint
    )
    WHERE {{.Match}}
),
{{- if .Kept}}
-- core as a statement before this one kept it, for these filters and
-- this window or one starting earlier with the same scan (see
-- episodes_kept.sql): those that overlap this window.
core AS (
    SELECT * FROM {{db}}.{{.Kept}}
    WHERE ends_at IS NULL OR ends_at >= {from:DateTime64(3, 'UTC')}
),
{{- else}}
{{- if .FromDays}}
{{- if .Sealed}}
-- The episodes that cannot be read sealed (see episodes_seal.sql): those
-- with summaries from {sealed_to} on as well (of the episodes with such
-- summaries, only those starting no later than the last sealed start,
-- {sealed_last_start}, can be sealed: the others are left out of this
-- set, which they need not be in), and those with summaries on both sides
-- of the scan's first day (the scan sums up only its own days). Not
-- materialized: built once and read from memory, it made the 90-day
-- alerts list of one team at a big Alertmanager's scale twice as slow
-- (7.2–8.1 s against 3.8–4.4 s), and it is small (the episodes open at the
-- month's or the scan's start).
unsealed AS (
    SELECT source, fingerprint, starts_at FROM {{db}}.episode_days
    WHERE day >= {sealed_to:Date} AND {{template "source"}}
      AND starts_at <= {sealed_last_start:DateTime64(3, 'UTC')}
    UNION DISTINCT
    SELECT source, fingerprint, starts_at FROM {{db}}.sealed_episodes
    WHERE seal = {seal:UInt64} AND first_day < {{template "scan_day"}} AND last_day >= {{template "scan_day"}}
      AND {{template "source"}}
),
{{- end}}
-- The per-day summaries kept at ingest (see _episode_days.sql) from
-- {scan_from} on, merged into one row per episode.{{if .Sealed}} With a seal,
-- every episode of the scan all of whose summaries are sealed is read as
-- sealed (the sums of the same rows), the others merged from the
-- summaries: those of the days from {sealed_to} on, and all of the scan's
-- days of the unsealed ones.{{end}}
agg AS (
{{- if .Sealed}}
    SELECT source, fingerprint, starts_at, first_alertname, end_n, end_p, end_e,
           notifications, receivers, last_generator_url{{if .NullReceivers}},
           -- "unrouted" over the rows: a row names a receiver, and every
           -- row's receivers are black holes, which is what the union of
           -- the rows' receivers says.
           notEmpty(receivers) AND hasAll({null_receivers:Array(String)}, receivers) AS unrouted{{end}}
    FROM {{db}}.sealed_episodes
    WHERE seal = {seal:UInt64} AND first_day >= {{template "scan_day"}} AND {{template "source"}}
      AND starts_at < {to:DateTime64(3, 'UTC')}
      AND (source, fingerprint, starts_at) NOT IN unsealed
    UNION ALL
{{- end}}
    SELECT source, fingerprint, starts_at, {{template "summed" .}}
    FROM {{db}}.episode_days AS days
    WHERE day >= {{template "scan_day"}} AND {{template "source"}}
      AND starts_at < {to:DateTime64(3, 'UTC')}
{{- if .Sealed}}
      AND (day >= {sealed_to:Date} OR (source, fingerprint, starts_at) IN unsealed)
{{- end}}
    GROUP BY source, fingerprint, starts_at
    -- Only episodes starting before {to} are answered (core), but every
    -- row of each counts, wherever its day: so the rows of later episodes
    -- are left out before they are merged, and of those episodes each
    -- alert's first start alone is kept, where the episode before it ends
    -- if nothing ended it earlier (see ended). A week long ago otherwise
    -- merged every summary after it (a January week of a big
    -- Alertmanager's year: 8.6-10.1 s against 0.8-1.1 s, the same answer).
    UNION ALL
    SELECT source, fingerprint, min(later) AS starts_at, '' AS first_alertname,
           {{template "no_end"}} AS end_n, {{template "no_end"}} AS end_p, {{template "no_end"}} AS end_e,
           toUInt64(0) AS notifications, CAST([], 'Array(String)') AS receivers, '' AS last_generator_url{{if .NullReceivers}},
           toUInt8(0) AS unrouted{{end}}
    FROM (
        SELECT source, fingerprint, starts_at AS later
        FROM {{db}}.episode_days
        WHERE day >= {{template "scan_day"}} AND {{template "source"}}
          AND starts_at >= {to:DateTime64(3, 'UTC')}
    )
    GROUP BY source, fingerprint
),
{{- else}}
obs AS (
    SELECT source, fingerprint, starts_at, received_at AS at, alertname,
           'n' AS src, status AS what, ends_at, [toString(receiver)] AS recvs, generator_url,
           cityHash64(receiver, group_key, status) AS dkey
    FROM {{db}}.notifications
    WHERE received_at >= {scan_from:DateTime64(3, 'UTC')}
      AND {{template "source"}}
    UNION ALL
    SELECT source, fingerprint, starts_at, observed_at AS at, alertname,
           's' AS src, kind AS what, CAST(NULL, 'Nullable(DateTime64(3, \'UTC\'))') AS ends_at,
           arrayMap(r -> toString(r), receivers) AS recvs, generator_url, toUInt64(0) AS dkey
    FROM {{db}}.alert_states
    WHERE observed_at >= {scan_from:DateTime64(3, 'UTC')}
      AND {{template "source"}}
    UNION ALL
    SELECT source, fingerprint, assumeNotNull(starts_at) AS starts_at, at, alertname,
           'e' AS src, toString(kind) AS what, CAST(NULL, 'Nullable(DateTime64(3, \'UTC\'))') AS ends_at,
           if(receiver = '', CAST([], 'Array(String)'), [toString(receiver)]) AS recvs, '' AS generator_url, toUInt64(0) AS dkey
    FROM {{db}}.events
    WHERE at >= {scan_from:DateTime64(3, 'UTC')} AND starts_at IS NOT NULL AND fingerprint != ''
      AND kind IN ('alert_created', 'alert_grouped', 'alert_resolved', 'notification')
      AND {{template "source"}}
),
agg AS (
    SELECT source, fingerprint, starts_at,
           argMin(alertname, at) AS first_alertname,
           minIf(ends_at, src = 'n' AND what = 'resolved') AS end_n,
           minIf(toNullable(at), src = 's' AND what = 'resolved') AS end_p,
           minIf(toNullable(at), src = 'e' AND what = 'alert_resolved') AS end_e,
           -- HA duplicates once, as the "counted" fragment decides (the
           -- episode fixes the rest of its key). (HA duplicates repeat a
           -- start or an end, so the rest of the episode reads every row.)
           {{template "fold_deliveries" .}} AS notifications,
           {{template "receivers_merged" .}} AS receivers,
           argMax(generator_url, at) AS last_generator_url{{template "unrouted" .}}
    FROM obs
    GROUP BY source, fingerprint, starts_at
),
{{- end}}
ended AS (
    -- An episode with no end seen ends where the next one (a new
    -- startsAt) begins.
    SELECT *, arrayFilter(x -> x IS NOT NULL, [end_n, end_p, end_e,
               leadInFrame(toNullable(starts_at)) OVER (PARTITION BY source, fingerprint ORDER BY starts_at
                                                       ROWS BETWEEN CURRENT ROW AND 1 FOLLOWING)]) AS ends
    FROM agg
),
-- core is eps without the labels, before the label matchers: a statement
-- that narrows the episodes by anything but their labels does so on core
-- and joins labelled to what is left. eps = core joined to labelled. A
-- statement that reads no labels takes its episodes from the "unlabelled"
-- template: core when there are no matchers (every alert in core is in
-- labelled, which takes the alerts missing from alert_labels from the
-- same raw rows core is built from), eps otherwise.
core AS (
    SELECT source, fingerprint, starts_at, first_alertname AS alertname,
           notifications, receivers, last_generator_url AS generator_url,{{if .NullReceivers}} unrouted,{{end}}
           if(empty(ends), NULL, arrayMin(ends)) AS ends_at
    FROM ended
    WHERE starts_at < {to:DateTime64(3, 'UTC')}
      AND (ends_at IS NULL OR ends_at >= {from:DateTime64(3, 'UTC')})
      AND {{template "routed_to"}}
),
{{- end}}
eps AS (
    SELECT c.source AS source, c.fingerprint AS fingerprint, c.starts_at AS starts_at, c.alertname AS alertname,
           l.labels AS labels,{{if not .Kept}} c.notifications AS notifications,{{end}} c.receivers AS receivers,
           c.generator_url AS generator_url, c.ends_at AS ends_at
    FROM core AS c
    INNER JOIN labelled AS l ON l.source = c.source AND l.fingerprint = c.fingerprint
){{end}}

-- The HA-dedup fold over an episode's deliveries (receiver, group key and
-- status hashed; time in ms), collected from the day summaries or the raw
-- rows: per key in time order, a delivery counts when it is the first, is
-- another key's, or comes at least the dedup window after the last that
-- counted. The day summaries' sets are concatenated, not merged into one
-- set: a delivery in two summaries (parts not merged yet, a batch summed
-- up again) is the same key at the same millisecond as its copy, which the
-- fold never counts again when the window is positive (the only case read
-- from the summaries). Merging the sets took two thirds of building a
-- week's episodes at a big Alertmanager's scale. Each delivery is packed
-- into one number ("delivery") before it is collected: the engine gathers
-- numbers per episode several times faster than tuples.
{{define "fold_deliveries"}}arrayFold((acc, x) -> if({{template "counts" .}}, (x, acc.2 + 1), acc),
                     arraySort({{if .FromDays}}groupArrayArray(arrayMap(d -> {{template "delivery" "d"}}, deliveries)){{else}}groupArrayIf({{template "delivery" "(dkey, toUnixTimestamp64Milli(at))"}}, src = 'n'){{end}}),
                     (toUInt128(0), toUInt64(0))).2{{end}}

-- An episode's day summaries merged (the columns of agg after its key):
-- what reads merge from the scan's days and a seal from the finished
-- months' (episodes_seal.sql).
{{define "summed"}}argMinMerge(first_alertname) AS first_alertname,
           min(end_n) AS end_n, min(end_p) AS end_p, min(end_e) AS end_e,
           {{template "fold_deliveries" .}} AS notifications,
           {{template "receivers_merged" .}} AS receivers,
           argMaxMerge(generator_url) AS last_generator_url{{template "unrouted" .}}{{end}}

-- The deliveries that count (as "deliveries" decides them from the raw
-- rows), read from the day summaries' deliveries instead, given a Scan
-- with a Lower and an Upper: each key's deliveries of [lower - lookback,
-- upper) folded, the ones from lower on that count, one row each with the
-- alert's source and name ({by}'s value with .ByLabel, as "label") and
-- when it was received. A summary's delivery is its key hashed (receiver,
-- group key and status; the episode fixes the rest) and its time, so a row
-- here has no receiver: for statements that read none (noise without
-- per-receiver hours or a receiver filter; receiver is '' here). About
-- twice as fast as folding the raw rows (noise's notifications over 90
-- days at a big Alertmanager's scale: 5.5 s against 10.6 s), the same
-- count: the same deliveries, keyed alike, folded alike (copies of a
-- delivery in two summaries are one key at one millisecond, which never
-- counts twice). An alert's name is its alertname label, as in its raw
-- rows' alertname column.
--
-- With .SealedNotes, an episode of the seal is read from its sealed row
-- (its counted notifications' minutes, see episodes_seal.sql) when its
-- deliveries all come after lower's minute (its earliest counted one
-- does: the earliest delivery always counts), none of its counted ones
-- falls in upper's minute, and it has no summaries the seal left out (not
-- in unsealed): its fold there started at its first delivery, as the fold
-- here would, a delivery counts by the deliveries before it only, and a
-- minute other than lower's and upper's lies wholly inside the window or
-- outside it. Each is then received at the start of its minute, which
-- working hours starting and ending on whole minutes count alike (the
-- caller sets SealedNotes only then). The seal's other episodes are folded
-- from their summaries as before: those in unsealed, those with a counted
-- delivery in upper's minute, and those with one at or before lower's
-- minute and summaries from lower's day on (which may have deliveries
-- after lower whose fold here starts at lower - lookback). A sealed
-- episode whose deliveries all come before lower has none here either.
-- (Noise over 90 days at a big Alertmanager's scale: 4.2-4.5 s against
-- 7.3-9.0 s.)
{{define "day_deliveries"}}(
    SELECT d.source AS source, '' AS receiver,{{if .ByLabel}} l.labels[{by:String}] AS label,{{else}} d.alertname AS alertname,{{end}}
           fromUnixTimestamp64Milli(d.ms, 'UTC') AS received_at
    FROM (
        SELECT source, fingerprint, alertname, {{template "delivery_ms" "x"}} AS ms
        FROM (
            SELECT source, fingerprint, argMinMerge(first_alertname) AS alertname,
                   {{template "fold_counted" .}} AS counted
            FROM {{db}}.episode_days
            WHERE day >= toDate({ {{- .Lower -}} :DateTime64(3, 'UTC')} - toIntervalMillisecond({{.LookbackMillis}}))
              AND day <= toDate({ {{- .Upper -}} :DateTime64(3, 'UTC')}) AND {{template "source"}}
{{- if ne .Match "1"}}
              AND (source, fingerprint) IN (SELECT source, fingerprint FROM labelled)
{{- end}}
{{- if .SealedNotes}}
              AND (day >= {sealed_to:Date} OR (source, fingerprint, starts_at) IN unsealed
                   OR (source, fingerprint, starts_at) IN (
                       SELECT source, fingerprint, starts_at
                       FROM (
                           SELECT source, fingerprint, starts_at, last_day, {{template "sealed_minutes"}} AS mins
                           FROM {{db}}.sealed_episodes
                           WHERE seal = {seal:UInt64} AND first_day <= toDate({ {{- .Upper -}} :DateTime64(3, 'UTC')}) AND {{template "source"}}
                             AND notEmpty(counted_minutes)
                       )
                       WHERE (mins[1] <= {{template "minute_of" .Lower}} AND last_day >= toDate({ {{- .Lower -}} :DateTime64(3, 'UTC')}))
                          OR has(mins, {{template "minute_of" .Upper}})))
{{- end}}
            GROUP BY source, fingerprint, starts_at
        )
        ARRAY JOIN counted AS x
        WHERE ms >= toUnixTimestamp64Milli({ {{- .Lower -}} :DateTime64(3, 'UTC')})
{{- if .SealedNotes}}
        UNION ALL
        SELECT source, fingerprint, first_alertname AS alertname, m * 60000 AS ms
        FROM (
            SELECT source, fingerprint, starts_at, first_alertname, {{template "sealed_minutes"}} AS mins
            FROM {{db}}.sealed_episodes
            WHERE seal = {seal:UInt64} AND first_day <= toDate({ {{- .Upper -}} :DateTime64(3, 'UTC')}) AND last_day >= toDate({ {{- .Lower -}} :DateTime64(3, 'UTC')})
              AND {{template "source"}} AND notEmpty(counted_minutes)
{{- if ne .Match "1"}}
              AND (source, fingerprint) IN (SELECT source, fingerprint FROM labelled)
{{- end}}
        )
        ARRAY JOIN mins AS m
        WHERE mins[1] > {{template "minute_of" .Lower}} AND NOT has(mins, {{template "minute_of" .Upper}})
          AND m < {{template "minute_of" .Upper}}
          AND (source, fingerprint, starts_at) NOT IN unsealed
{{- end}}
    ) AS d
{{- if .ByLabel}}
    INNER JOIN labelled AS l ON l.source = d.source AND l.fingerprint = d.fingerprint
{{- end}}
){{end}}

-- The deliveries of an episode's summaries that count, in a GROUP BY of
-- its summaries, given a Scan: with a Lower and an Upper those of [lower -
-- lookback, upper) folded, without them all of them (a seal). Packed
-- ("delivery"), sorted by key and then time; "delivery_ms" unpacks a
-- delivery's time.
{{define "fold_counted"}}arrayFold((acc, x) -> if({{template "counts" .}}, (x, acc.2 + 1, arrayPushBack(acc.3, x)), acc),
                             arraySort(groupArrayArray(arrayMap(d -> {{template "delivery" "d"}},
{{- if .Lower}}
                                 arrayFilter(d -> d.2 >= toUnixTimestamp64Milli({ {{- .Lower -}} :DateTime64(3, 'UTC')}) - {{.LookbackMillis}}
                                              AND d.2 < toUnixTimestamp64Milli({ {{- .Upper -}} :DateTime64(3, 'UTC')}), deliveries)))),
{{- else}}
                                 deliveries))),
{{- end}}
                             (toUInt128(0), toUInt64(0), CAST([], 'Array(UInt128)'))).3{{end}}

{{define "delivery_ms"}}toInt64(bitXor(toUInt64(bitAnd({{.}}, 18446744073709551615)), 9223372036854775808)){{end}}

-- The minute (since 1970-01-01 00:00 UTC, rounded down) of a DateTime64
-- parameter, given its name; "ms_minute" that of milliseconds since then.
{{define "minute_of"}}{{template "ms_minute" (print "toUnixTimestamp64Milli({" . ":DateTime64(3, 'UTC')})")}}{{end}}
{{define "ms_minute"}}toInt64(floor({{.}} / 60000)){{end}}

-- A sealed episode's counted notifications' minutes (see "ms_minute"),
-- from its steps (counted_minutes, written by episodes_seal.sql).
{{define "sealed_minutes"}}arrayMap(g -> g + {{template "ms_minute" "toUnixTimestamp64Milli(starts_at)"}}, arrayCumSum(counted_minutes)){{end}}

-- Whether the delivery x (see "delivery") counts, in a fold over an
-- episode's deliveries in order whose accumulator holds the last delivery
-- that counted (acc.1) and how many did (acc.2): it is the first, another
-- key's, or at least the dedup window after the last that counted.
{{define "counts"}}acc.2 = 0 OR bitShiftRight(x, 64) != bitShiftRight(acc.1, 64) OR bitAnd(x, 18446744073709551615) - bitAnd(acc.1, 18446744073709551615) >= {{.DedupMillis}}{{end}}

-- A delivery, a (key, ms) tuple, as one UInt128 that sorts as the pair
-- does: the key in the high half, the time in the low half with its sign
-- bit flipped (signed order as unsigned). Within a key, times subtract in
-- the low half; the fold compares keys first, so a subtraction across keys
-- is never what decides.
{{define "delivery"}}bitOr(bitShiftLeft(toUInt128(tupleElement({{.}}, 1)), 64), toUInt128(bitXor(toUInt64(tupleElement({{.}}, 2)), 9223372036854775808))){{end}}

-- The sums of only the episodes a CTE lists (source, fingerprint,
-- starts_at), given an Only (the "only" function: data and the CTE's
-- name): their notifications (HA duplicates once) and receivers, each as
-- agg sums it up, from the same rows. For a statement that lists a few
-- episodes out of many: the fold is most of the time building every
-- episode takes, and merging every episode's receivers much of the rest;
-- kept episodes are kept without their notifications. Every listed episode
-- has a row here (it was built from these rows); a column the statement
-- does not read is not computed. (Their names: an alert's alertname is its
-- alertname label.)
{{define "sums_of"}}(
    SELECT source, fingerprint, starts_at, {{template "fold_deliveries" .Data}} AS notifications,
           {{template "receivers_merged" .Data}} AS receivers
    FROM (
{{- if .FromDays}}
        SELECT source, fingerprint, starts_at, deliveries, receivers
        FROM {{db}}.episode_days
        WHERE day >= {{template "scan_day"}} AND {{template "source"}}
          AND (source, fingerprint) IN (SELECT source, fingerprint FROM {{.CTE}})
{{- else}}
        SELECT source, fingerprint, starts_at, at, src, dkey, recvs
        FROM obs
        WHERE (source, fingerprint) IN (SELECT source, fingerprint FROM {{.CTE}})
{{- end}}
    )
    WHERE (source, fingerprint, starts_at) IN (SELECT source, fingerprint, starts_at FROM {{.CTE}})
    GROUP BY source, fingerprint, starts_at
){{end}}

-- An episode's receivers: concatenated and made distinct, not merged as
-- sets (half the time at scale), and sorted: the same list from either
-- path.
{{define "receivers_merged"}}arraySort(arrayDistinct(groupArrayArray({{if .FromDays}}receivers{{else}}recvs{{end}}))){{end}}

-- Whether an episode reached only black-hole receivers ({null_receivers}),
-- for noise, only when there are some (queries.Data.NullReceivers): a row
-- names a receiver, and every row's receivers are black holes. Two numbers
-- per episode, not its merged list (merging every episode's receivers
-- was half of flagging a week's episodes at a big Alertmanager's scale).
-- (days.receivers: the summaries' column, not agg's merged list.)
{{define "unrouted"}}{{if .NullReceivers}},
           max(notEmpty({{template "row_receivers" .}})) AND min(hasAll({null_receivers:Array(String)}, {{template "row_receivers" .}})) AS unrouted
{{- end}}{{end}}
{{define "row_receivers"}}{{if .FromDays}}days.receivers{{else}}recvs{{end}}{{end}}

-- Which raw rows' alerts labelled reads labels from: those missing from
-- alert_labels.
{{define "labels_missing"}}
{{- if .FromDays}}(source, fingerprint) IN (SELECT source, fingerprint FROM labels_missing)
{{- else}}(source, fingerprint) NOT IN (SELECT source, fingerprint FROM {{db}}.alert_labels){{end}}
{{- end}}

{{define "unlabelled"}}{{if eq .Match "1"}}core{{else}}eps{{end}}{{end}}

{{define "no_end"}}CAST(NULL, 'Nullable(DateTime64(3, \'UTC\'))'){{end}}
