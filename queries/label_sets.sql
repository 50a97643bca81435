-- Distinct label sets of alerts seen in [from, to) (both sources of
-- history), up to {limit}: what inhibit rules are evaluated against.
SELECT DISTINCT source, labels
FROM (
    SELECT source, labels FROM {{db}}.alert_states
    WHERE observed_at >= {from:DateTime64(3, 'UTC')} AND observed_at < {to:DateTime64(3, 'UTC')}
      AND {{template "source"}}
    UNION ALL
    SELECT source, labels FROM {{db}}.notifications
    WHERE received_at >= {from:DateTime64(3, 'UTC')} AND received_at < {to:DateTime64(3, 'UTC')}
      AND {{template "source"}}
)
ORDER BY source
LIMIT {limit:UInt32}
