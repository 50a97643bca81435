-- The episodes of the inhibitors in the set "wanted" ((source, fingerprint)
-- pairs, a table of the statement): per episode its start (startsAt) and
-- its earliest end in ms (NULL when none is known) as the history up to
-- {history_to} tells them: the endsAt of a resolved notification, the poll
-- that found the alert resolved, an alert_resolved event, a resolved
-- notification event's endsAt. Any row of an episode (a notification, a
-- poll, an event) says it started. (HA duplicates are read too: they
-- repeat a start or an end, never add one.)
-- With .FromDays the notifications and the poller's rows of the whole days
-- [{days_from}, {days_to}) come from the day summaries kept at ingest,
-- whose starts and earliest ends per day are those of the same rows, and
-- only the partial days at either end from the raw rows. The events stay
-- raw: their summaries end an episode at an alert_resolved event only, not
-- at a resolved notification's; only the sources in {event_sources} are
-- read, and none with .NoEvents.
{{define "inhibitor_episodes"}}
SELECT source, fingerprint, starts_at, min(toUnixTimestamp64Milli(end_at)) AS end_ms
FROM (
    SELECT source, fingerprint, starts_at, if(status = 'resolved', ends_at, NULL) AS end_at
    FROM {{db}}.notifications
    WHERE (source, fingerprint) IN wanted
      AND received_at >= {scan_from:DateTime64(3, 'UTC')} AND received_at < {history_to:DateTime64(3, 'UTC')}
{{- if .FromDays}}
      AND (received_at < {days_from:DateTime64(3, 'UTC')} OR received_at >= {days_to:DateTime64(3, 'UTC')})
{{- end}}
    UNION ALL
    SELECT source, fingerprint, starts_at,
           if(kind = 'resolved', toNullable(observed_at), CAST(NULL, 'Nullable(DateTime64(3, \'UTC\'))')) AS end_at
    FROM {{db}}.alert_states
    WHERE (source, fingerprint) IN wanted
      AND observed_at >= {scan_from:DateTime64(3, 'UTC')} AND observed_at < {history_to:DateTime64(3, 'UTC')}
{{- if .FromDays}}
      AND (observed_at < {days_from:DateTime64(3, 'UTC')} OR observed_at >= {days_to:DateTime64(3, 'UTC')})
    UNION ALL
    -- (a summary's end_n and end_p are the minima of the raw rows' ends
    -- above; either may be NULL)
    SELECT source, fingerprint, starts_at, coalesce(least(end_n, end_p), end_n, end_p) AS end_at
    FROM {{db}}.episode_days
    WHERE (source, fingerprint) IN wanted
      AND day >= toDate({days_from:DateTime64(3, 'UTC')}) AND day < toDate({days_to:DateTime64(3, 'UTC')})
{{- end}}
{{- if not .NoEvents}}
    UNION ALL
    SELECT source, fingerprint, assumeNotNull(starts_at) AS starts_at,
           multiIf(kind = 'alert_resolved', toNullable(at), status = 'resolved', coalesce(ends_at, at),
                   CAST(NULL, 'Nullable(DateTime64(3, \'UTC\'))')) AS end_at
    FROM {{db}}.events
    WHERE (source, fingerprint) IN wanted AND has({event_sources:Array(String)}, toString(source))
      AND at >= {scan_from:DateTime64(3, 'UTC')} AND at < {history_to:DateTime64(3, 'UTC')}
      AND kind IN ('alert_created', 'alert_grouped', 'alert_resolved', 'notification') AND starts_at IS NOT NULL
{{- end}}
)
GROUP BY source, fingerprint, starts_at
{{end}}
