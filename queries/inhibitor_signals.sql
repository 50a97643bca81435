-- What the history says of the episodes of the alerts {fingerprints} of
-- {source} up to {to}: per alert, its episodes' starts (startsAt, in ms,
-- ascending) and, aligned with them, each episode's earliest end (ms, or
-- null when none is known): the endsAt of a resolved notification, the
-- poll that found the alert resolved, an alert_resolved event, a resolved
-- notification event's endsAt. Any row of an episode (a notification, a
-- poll, an event) says it started. The caller decides from them whether an
-- inhibitor was still firing at a moment: whether an episode had started,
-- and whether it had ended, by then. One row per alert with its episodes
-- as arrays: an inhibitor's rows can be most of the history, and one row
-- per episode start and end made the answer a hundred megabytes at a big
-- Alertmanager's scale. (HA duplicates are read too: they repeat a start
-- or an end, never add one.)
-- With .FromDays the notifications and the poller's rows of the whole days
-- [{days_from}, {days_to}) come from the day summaries kept at ingest,
-- whose starts and earliest ends per day are those of the same rows, and
-- only the partial days at either end from the raw rows (for a week's
-- failed inhibitions at a big Alertmanager's scale, 0.8 s instead of
-- 1.2–1.5 s). The events stay raw: their summaries end an episode at an
-- alert_resolved event only, not at a resolved notification's. With
-- .NoEvents (the source sent none from {scan_from} on) they are not read.
-- The alerts' set is built once for all the tables read: a week of failed
-- inhibitions at a big Alertmanager's scale wants some 44,000 inhibitors,
-- and building their set for each table read took a fifth of the statement.
-- The caller asks about moments from {since} on only: each alert's
-- episodes before the latest one to start by {since}, but the one just
-- before it, are left out. From {since} on, the latest episode started by
-- a moment is that one or a later one, and whether an earlier one came
-- before it is told by the one kept before it (a week's failed
-- inhibitions at a big Alertmanager's scale: 13.5 MB of histories instead
-- of 20.9 MB).
WITH wanted AS MATERIALIZED {{template "listed" "fingerprints"}}
SELECT fingerprint, arrayMap(e -> e.1, eps) AS starts, arrayMap(e -> e.2, eps) AS ends
FROM (
    SELECT fingerprint, arraySort(groupArray((toUnixTimestamp64Milli(starts_at), end_ms))) AS all_eps,
           arraySlice(all_eps, greatest(arrayLastIndex(e -> e.1 <= toUnixTimestamp64Milli({since:DateTime64(3, 'UTC')}), all_eps) - 1, 1)) AS eps
    FROM (
        SELECT fingerprint, starts_at, min(toUnixTimestamp64Milli(end_at)) AS end_ms
        FROM (
            SELECT fingerprint, starts_at, if(status = 'resolved', ends_at, NULL) AS end_at
            FROM {{db}}.notifications
            WHERE source = {source:String} AND fingerprint IN wanted
              AND received_at >= {scan_from:DateTime64(3, 'UTC')} AND received_at < {to:DateTime64(3, 'UTC')}
{{- if .FromDays}}
              AND (received_at < {days_from:DateTime64(3, 'UTC')} OR received_at >= {days_to:DateTime64(3, 'UTC')})
{{- end}}
            UNION ALL
            SELECT fingerprint, starts_at,
                   if(kind = 'resolved', toNullable(observed_at), CAST(NULL, 'Nullable(DateTime64(3, \'UTC\'))')) AS end_at
            FROM {{db}}.alert_states
            WHERE source = {source:String} AND fingerprint IN wanted
              AND observed_at >= {scan_from:DateTime64(3, 'UTC')} AND observed_at < {to:DateTime64(3, 'UTC')}
{{- if .FromDays}}
              AND (observed_at < {days_from:DateTime64(3, 'UTC')} OR observed_at >= {days_to:DateTime64(3, 'UTC')})
            UNION ALL
            -- (a summary's end_n and end_p are the minima of the raw rows'
            -- ends above; either may be NULL)
            SELECT fingerprint, starts_at, coalesce(least(end_n, end_p), end_n, end_p) AS end_at
            FROM {{db}}.episode_days
            WHERE source = {source:String} AND fingerprint IN wanted
              AND day >= toDate({days_from:DateTime64(3, 'UTC')}) AND day < toDate({days_to:DateTime64(3, 'UTC')})
{{- end}}
{{- if not .NoEvents}}
            UNION ALL
            SELECT fingerprint, assumeNotNull(starts_at) AS starts_at,
                   multiIf(kind = 'alert_resolved', toNullable(at), status = 'resolved', coalesce(ends_at, at),
                           CAST(NULL, 'Nullable(DateTime64(3, \'UTC\'))')) AS end_at
            FROM {{db}}.events
            WHERE source = {source:String} AND fingerprint IN wanted
              AND at >= {scan_from:DateTime64(3, 'UTC')} AND at < {to:DateTime64(3, 'UTC')}
              AND kind IN ('alert_created', 'alert_grouped', 'alert_resolved', 'notification') AND starts_at IS NOT NULL
{{- end}}
        )
        GROUP BY fingerprint, starts_at
    )
    GROUP BY fingerprint
)
ORDER BY fingerprint
