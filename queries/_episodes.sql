-- The episode CTEs (obs, agg, eps), shared by every analysis that needs
-- episodes: the "episode_ctes" template after WITH. eps holds the episodes overlapping [from, to).
-- An episode is (source, fingerprint, startsAt), seen in notifications and in
-- the poller's alert_states. It ends at the endsAt of a resolved
-- notification or at the first poll that found the alert gone (the poller
-- writes that as a 'resolved' row, also when endsAt had passed), whichever
-- comes first; otherwise it is open.
-- Rows are read from {scan_from} on: an episode still open in the window has
-- a row there (the poller checkpoints every open alert at least hourly, and
-- Alertmanager re-sends firing alerts every repeat_interval).
-- Filters: {source} and {receiver} ('' = any) and the label matchers
-- (.Match, bound parameters only).
{{define "episode_ctes"}}obs AS (
    SELECT source, fingerprint, starts_at, received_at AS at, alertname, labels,
           'n' AS src, status AS what, ends_at, [toString(receiver)] AS recvs, generator_url
    FROM {{db}}.notifications
    WHERE received_at >= {scan_from:DateTime64(3, 'UTC')} AND ha_duplicate = 0
      AND {{template "source"}}
    UNION ALL
    SELECT source, fingerprint, starts_at, observed_at AS at, alertname, labels,
           's' AS src, kind AS what, CAST(NULL, 'Nullable(DateTime64(3, \'UTC\'))') AS ends_at,
           arrayMap(r -> toString(r), receivers) AS recvs, generator_url
    FROM {{db}}.alert_states
    WHERE observed_at >= {scan_from:DateTime64(3, 'UTC')}
      AND {{template "source"}}
),
agg AS (
    SELECT source, fingerprint, starts_at,
           argMin(alertname, at) AS first_alertname,
           argMin(labels, at) AS first_labels,
           minIf(ends_at, src = 'n' AND what = 'resolved') AS end_n,
           minIf(toNullable(at), src = 's' AND what = 'resolved') AS end_p,
           countIf(src = 'n') AS notifications,
           groupUniqArrayArray(recvs) AS receivers,
           argMax(generator_url, at) AS last_generator_url
    FROM obs
    WHERE {{.Match}}
    GROUP BY source, fingerprint, starts_at
),
eps AS (
    -- (the aggregates are named first_* so that the label filter above
    -- reads the rows' labels, not an alias)
    SELECT source, fingerprint, starts_at, first_alertname AS alertname, first_labels AS labels, notifications, receivers,
           last_generator_url AS generator_url,
           multiIf(end_n IS NULL, end_p, end_p IS NULL, end_n, least(end_n, end_p)) AS ends_at
    FROM agg
    WHERE starts_at < {to:DateTime64(3, 'UTC')}
      AND (ends_at IS NULL OR ends_at >= {from:DateTime64(3, 'UTC')})
      AND ({receiver:String} = '' OR has(receivers, {receiver:String}))
){{end}}
