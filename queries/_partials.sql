-- Fragments shared by the statements in this folder, used as
-- the "name" template. Each binds parameters only.

-- One source, or all when {source} is empty.
{{define "source"}}({source:String} = '' OR source = {source:String}){{end}}

-- One receiver, or all when {receiver} is empty.
{{define "receiver"}}({receiver:String} = '' OR receiver = {receiver:String}){{end}}

-- Notifications received in [from, to) that count (HA duplicates do not),
-- of the requested source and receiver.
{{define "notified_in_window"}}received_at >= {from:DateTime64(3, 'UTC')} AND received_at < {to:DateTime64(3, 'UTC')} AND ha_duplicate = 0
  AND {{template "source"}}
  AND {{template "receiver"}}{{end}}

-- The limits every analysis runs under. LEFT JOINs give NULL for "no
-- match" (the engine's default fills in zeros, which silently counts
-- unmatched rows), and the engine itself bounds the query's time and
-- memory; GROUP BY and ORDER BY spill to disk at half the memory bound
-- instead of failing. (The answer's row count is bounded by the caller:
-- the engine's max_result_rows also counts subqueries' rows, which a big
-- GROUP BY feeding a LIMIT legitimately has.)
{{define "settings"}}
SETTINGS join_use_nulls = 1, max_execution_time = {{.MaxSeconds}},
  max_memory_usage = {{.MaxMemory}}, max_bytes_before_external_group_by = {{.SpillAt}}, max_bytes_before_external_sort = {{.SpillAt}}{{end}}

-- Whether a notification's received_at falls in its receiver's hours, given
-- the name of the bound hours (wh: working hours, sh: sleep hours): a map of
-- UTC intervals per receiver, {name}_default for everyone else.
{{define "in_hours"}}arrayExists(iv -> received_at >= iv.1 AND received_at < iv.2,
    if(mapContains({ {{- . -}} :Map(String, Array(Tuple(DateTime64(3, 'UTC'), DateTime64(3, 'UTC'))))}, toString(receiver)),
       { {{- . -}} :Map(String, Array(Tuple(DateTime64(3, 'UTC'), DateTime64(3, 'UTC'))))}[toString(receiver)],
       { {{- . -}} _default:Array(Tuple(DateTime64(3, 'UTC'), DateTime64(3, 'UTC')))})){{end}}

-- The firing notifications of [from, to) (HA duplicates once) of the
-- requested source, receiver and alerts: what a failed inhibition is judged
-- for, t being when it was received.
{{define "firing_notes"}}
    SELECT source, fingerprint, alertname, labels, toString(receiver) AS receiver, received_at AS t
    FROM {{db}}.notifications
    WHERE received_at >= {from:DateTime64(3, 'UTC')} AND received_at < {to:DateTime64(3, 'UTC')}
      AND status = 'firing' AND ha_duplicate = 0
      AND {{template "source"}}
      AND {{template "receiver"}}
      AND {{.Match}}
{{end}}