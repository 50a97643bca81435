-- Silences for a handover of [from, to): created in the shift (first version
-- seen then), expired in it (ended then), and expiring within 24 hours after
-- it while still silencing a firing alert at {to}.
WITH
versions AS (
    SELECT source, id, min(updated_at) AS created_at,
           argMax(created_by, updated_at) AS created_by, argMax(comment, updated_at) AS comment,
           argMax(matchers, updated_at) AS matchers, argMax(starts_at, updated_at) AS s_starts_at,
           argMax(ends_at, updated_at) AS s_ends_at
    FROM {{db}}.silences FINAL
    WHERE updated_at < {to:DateTime64(3, 'UTC')} AND {{template "source"}}
    GROUP BY source, id
),
last_states AS (
    SELECT source, fingerprint, argMax(silenced_by, observed_at) AS silenced_by, argMax(kind, observed_at) AS kind,
           argMax(receivers, observed_at) AS receivers
    FROM {{db}}.alert_states
    WHERE observed_at >= {scan_from:DateTime64(3, 'UTC')} AND observed_at <= {to:DateTime64(3, 'UTC')}
      AND {{template "source"}}
    GROUP BY source, fingerprint
),
silencing AS MATERIALIZED (
    SELECT DISTINCT source, sid AS id
    FROM last_states
    ARRAY JOIN silenced_by AS sid
    WHERE kind != 'resolved' AND {{template "routed_to"}}
),
external AS (
    SELECT source, argMax(external_url, received_at) AS external_url
    FROM {{db}}.notifications
    WHERE received_at >= {scan_from:DateTime64(3, 'UTC')} AND received_at < {to:DateTime64(3, 'UTC')}
    GROUP BY source
)
SELECT toBool(v.created_at >= {from:DateTime64(3, 'UTC')}) AS created,
       toBool(v.s_ends_at >= {from:DateTime64(3, 'UTC')} AND v.s_ends_at < {to:DateTime64(3, 'UTC')}) AS expired,
       toBool(v.s_starts_at <= {to:DateTime64(3, 'UTC')} AND v.s_ends_at > {to:DateTime64(3, 'UTC')}
              AND v.s_ends_at <= {to:DateTime64(3, 'UTC')} + INTERVAL 1 DAY
              AND (v.source, v.id) IN (SELECT source, id FROM silencing)) AS expiring,
       v.source AS source, v.id AS id, v.created_by AS created_by, v.comment AS comment, v.matchers AS matchers,
       v.s_starts_at AS starts_at, v.s_ends_at AS ends_at, coalesce(x.external_url, '') AS external_url
FROM versions AS v
LEFT JOIN external AS x ON v.source = x.source
WHERE v.created_at >= {from:DateTime64(3, 'UTC')}
   OR (v.s_ends_at >= {from:DateTime64(3, 'UTC')} AND v.s_ends_at < {to:DateTime64(3, 'UTC')})
   OR (v.s_starts_at <= {to:DateTime64(3, 'UTC')} AND v.s_ends_at > {to:DateTime64(3, 'UTC')}
       AND v.s_ends_at <= {to:DateTime64(3, 'UTC')} + INTERVAL 1 DAY
       AND (v.source, v.id) IN (SELECT source, id FROM silencing))
ORDER BY starts_at, id
