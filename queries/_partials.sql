-- Fragments shared by the statements in this folder, used as
-- the "name" template. Each binds parameters only.

-- One source, or all when {source} is empty.
{{define "source"}}({source:String} = '' OR source = {source:String}){{end}}

-- One receiver, or all when {receiver} is empty.
{{define "receiver"}}({receiver:String} = '' OR receiver = {receiver:String}){{end}}

-- The notifications that count, as a table expression taking a Scan (the
-- "scan" function: data, lower and upper bound parameter names, '' for
-- none, and whether to read only {fingerprint}): HA duplicates left out. Per key (source, receiver,
-- group key, fingerprint, status, startsAt) a delivery counts when it comes
-- at least the dedup window after the last delivery of its key that
-- counted. Decided here, from the stored rows, so that it holds across
-- restarts of alertlens and across replicas writing one store (a writer
-- alone cannot know what another replica stored a second ago).
-- last_counted folds the key's deliveries of the last lookback (the frame)
-- into the time of the last one that counted; a row counts when that is
-- its own time and it is the first of rows received in the same
-- millisecond (nth = peers: row_number equals rank only for the first).
-- A key re-delivered at intervals under the window without a pause of a
-- window for longer than the lookback is followed back only that far.
{{define "counted"}}(
    SELECT * EXCEPT (ms, last_counted, nth, peers)
    FROM (
        SELECT *, toUnixTimestamp64Milli(received_at) AS ms,
               arrayFold((acc, t) -> if(t - acc >= {{.DedupMillis}}, t, acc),
                         groupArray(ms) OVER (PARTITION BY source, receiver, group_key, fingerprint, status, starts_at ORDER BY ms
                                              RANGE BETWEEN {{.LookbackMillis}} PRECEDING AND CURRENT ROW),
                         toInt64(0)) AS last_counted,
               row_number() OVER (PARTITION BY source, receiver, group_key, fingerprint, status, starts_at ORDER BY ms) AS nth,
               rank() OVER (PARTITION BY source, receiver, group_key, fingerprint, status, starts_at ORDER BY ms) AS peers
        FROM {{db}}.notifications
        WHERE {{template "source"}}
          {{- if .Lower}} AND received_at >= { {{- .Lower -}} :DateTime64(3, 'UTC')} - toIntervalMillisecond({{.LookbackMillis}}){{end}}
          {{- if .Upper}} AND received_at < { {{- .Upper -}} :DateTime64(3, 'UTC')}{{end}}
          {{- if .Fingerprint}} AND fingerprint = {fingerprint:String}{{end}}
    )
    WHERE last_counted = ms AND (nth = peers OR {{.DedupMillis}} = 0)
){{end}}

-- Notifications received in [from, to) of the requested source and
-- receiver (read from the "counted" fragment: HA duplicates once).
{{define "notified_in_window"}}received_at >= {from:DateTime64(3, 'UTC')} AND received_at < {to:DateTime64(3, 'UTC')}
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
    FROM {{template "counted" (scan . "from" "to" false)}}
    WHERE received_at >= {from:DateTime64(3, 'UTC')} AND received_at < {to:DateTime64(3, 'UTC')}
      AND status = 'firing'
      AND {{template "source"}}
      AND {{template "receiver"}}
      AND {{.Match}}
{{end}}