-- Inhibited stretches: each poller row of an alert that is not 'resolved'
-- and names inhibitors holds from its time until the alert's next row
-- (end; NULL while none is stored yet, or with .Until none before {to}).
-- Rows of one time are ordered resolved first, then by their inhibitors,
-- so the last of them (the one whose stretch is not empty) is a firing
-- one, with inhibitors when one has them; empty stretches are left out.
-- The argument (Stretches) picks the rows: from {scan_from} on, of the
-- sources in {sources}, .Half of the alerts (-1 all), with .OnCycles
-- only those in {fingerprints}, with .Through only those up to the time
-- that parameter binds (a stretch whose next row is later ends NULL);
-- or, .Sealing, those a seal is built from.
--
-- With .SealedStretches the stretches that started before {sealed_to}
-- come from generation {seal} of sealed_stretches (stretches_seal.sql: the
-- same window over every row before {sealed_to}), so the window reads only
-- the rows from {sealed_to} on. A sealed stretch still open at {sealed_to}
-- ends at the alert's first row from then on: it goes into that window as
-- a row of its own, before the alert's later rows. (Loops over 90 days at
-- a big Alertmanager's scale, 21 of the 97 days scanned after the seal:
-- the window over every row 3.6 s, over those 21 days 0.7 s.) The sealed
-- end is renamed where it is cut at {to}: the engine reads an alias in
-- WHERE, so "end IS NOT NULL" would test the cut one.
{{define "inhibited_stretches"}}
SELECT source, fingerprint, start, end, inhibited_by
FROM (
{{- if .SealedStretches}}
    SELECT source, fingerprint, start, {{if .Until}}if(sealed_end < {to:DateTime64(3, 'UTC')}, sealed_end, NULL){{else}}sealed_end{{end}} AS end, inhibited_by
    FROM (
        SELECT source, fingerprint, start, end AS sealed_end, inhibited_by
        FROM {{db}}.sealed_stretches
        WHERE seal = {seal:UInt64} AND end IS NOT NULL AND {{template "stretch_rows" (stretchRows . "start")}}
    )
    UNION ALL
{{- end}}
    SELECT source, fingerprint, observed_at AS start, {{template "next_at"}} AS end, inhibited_by
    FROM (
        SELECT source, fingerprint, observed_at, kind, inhibited_by, {{template "next_row"}}
        FROM (
            SELECT source, fingerprint, observed_at, kind, inhibited_by
            FROM {{db}}.alert_states
            WHERE {{if .SealedStretches}}observed_at >= toDateTime64({sealed_to:Date}, 3, 'UTC') AND {{end}}{{template "stretch_rows" (stretchRows . "observed_at")}}
{{- if .SealedStretches}}
            UNION ALL
            SELECT source, fingerprint, start AS observed_at, 'sealed' AS kind, inhibited_by
            FROM {{db}}.sealed_stretches
            WHERE seal = {seal:UInt64} AND end IS NULL AND {{template "stretch_rows" (stretchRows . "start")}}
{{- end}}
        )
        {{template "by_state"}}
    )
    WHERE kind != 'resolved' AND notEmpty(inhibited_by)
)
WHERE end IS NULL OR end > start
{{end}}

-- The rows a stretch is read from (their time column named by .Column).
{{define "stretch_rows"}}
{{- if .Sealing}}{{.Column}} < toDateTime64({sealed_to:Date}, 3, 'UTC')
    AND {{template "seal_slice"}}
{{- else}}{{.Column}} >= {scan_from:DateTime64(3, 'UTC')}
{{- if .Until}} AND {{.Column}} < {to:DateTime64(3, 'UTC')}{{end}}
{{- if .Through}} AND {{.Column}} <= { {{- .Through -}} :DateTime64(3, 'UTC')}{{end}} AND {{template "source"}}
{{- if .OnCycles}} AND fingerprint IN {{template "listed" "fingerprints"}}{{end}}
{{- if ge .Half 0}} AND {{template "alert_half" .Half}}{{end}}
{{- end}}{{end}}

-- Each alert's rows in time order, those of one time resolved first, then
-- by their inhibitors (see "next_row").
{{define "by_state"}}WINDOW by_alert AS (ORDER BY source, fingerprint, observed_at, kind != 'resolved', inhibited_by
                                ROWS BETWEEN CURRENT ROW AND 1 FOLLOWING){{end}}
