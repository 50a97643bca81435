-- Failed inhibitions from polls: a firing notification of F at t while the
-- poller saw F inhibited at t, judged from the last observation at or before
-- t and the first after it: both inhibited, or one of them inhibited and
-- within one poll interval of t. The interval is the observed one: that
-- poll's distance to the source's previous successful poll (so recordings
-- and live polling judge alike; {poll_interval_ms} only for a source's first
-- poll). An observation is a successful poll of the notification's source (a
-- failed poll observes nothing); F's state at a poll is its last
-- alert_states row at or before that poll, since rows are written only on
-- change. Of several rows at one time (the poller's record of an alert
-- that re-fired between two polls: the old episode resolved, the new one
-- appeared), the state is a firing one's, inhibited when one of them names
-- inhibitors. Whether an inhibitor was still firing at t is checked by the
-- caller (inhibitor_signals.sql).
-- States are joined to notifications by alert_key, not the two strings
-- (a week at a big Alertmanager's scale: 2.16-2.38 s against 2.31-2.73 s).
WITH
notes AS MATERIALIZED (
    SELECT *, {{template "alert_key"}} AS alert FROM ({{template "firing_notes" .}})
),
-- What is read of the polls and of the alerts' rows ends at {through}:
-- the first successful poll at or after {to} of every source notified
-- (the latest of them), or, without one for one of them, nowhere (see
-- inhibitions_failed_bounds.sql, which the caller runs first). A
-- notification at t is judged by the poll after t, which is at the latest
-- that one, by the stretches holding it or the poll before t, which start
-- by then, and by whether those end after those polls, which a stretch cut
-- there does (it ends NULL); a stretch starting later is no more the last
-- one starting by t + G below than it was. Before, a week long ago read
-- every row after it (2026-01-15 - 01-22 at a big Alertmanager's scale:
-- 10.4 s and more memory than a read is allowed, against 3.2 s).
ok_polls AS MATERIALIZED (
    SELECT source, polled_at,
           {{template "prev_poll"}} AS prev_at
    FROM {{db}}.polls
    WHERE ok AND polled_at >= {scan_from:DateTime64(3, 'UTC')} AND polled_at <= {through:DateTime64(3, 'UTC')}
      AND source IN (SELECT source FROM notes)
),
-- F's inhibited stretches (the "inhibited_stretches" fragment): the state
-- at a poll is inhibited when a stretch holds the poll, so the states are
-- looked up among these few rows instead of every row. Of several rows at
-- one time the stretch is the last one's: a firing one, with inhibitors
-- when one has them. Every alert's, not only the notified ones': then
-- they are found while the notifications are read, not after (at a big
-- Alertmanager's scale, where every alert is notified, the statement over
-- 30 days 5.7 s against 6.4-7.0 s, over a week 1.6 s against 1.7-1.8 s);
-- where few alerts are notified the window reads more rows, as many as
-- loops reads over the same scan. Two windows, one per half of the
-- alerts ("alert_half"), which the engine computes at once (a week at a
-- big Alertmanager's scale: the stretches 0.34-0.40 s against 0.45-0.59
-- s, the statement 1.21-1.32 s against 1.33-2.05 s).
-- Of them only those lasting past {from} - G, G as below: a notification
-- at t >= {from} is judged by a stretch holding the poll before t (b) or
-- the one after it (a) only when that poll is within G of t (see
-- candidates), and a stretch holding such a poll lasts past it; one that
-- ended earlier is never the last one starting by t + G, nor by b or a,
-- with a later one left out. (A week at a big Alertmanager's scale: half
-- the stretches, the statement 1.07-1.16 s against 1.13-1.34 s.)
stretches AS MATERIALIZED (
    SELECT {{template "alert_key"}} AS alert, start, end, inhibited_by
    FROM (
        {{template "inhibited_stretches" (through (stretches . 0 false) "through")}}
        UNION ALL
        {{template "inhibited_stretches" (through (stretches . 1 false) "through")}}
    )
    WHERE end IS NULL OR end > {from:DateTime64(3, 'UTC')} - toIntervalMillisecond({gap_ms:Int64})
),
-- Only the notifications that can have failed are judged. A failure needs
-- F inhibited at the poll before t (b) or at the one after it (a), and the
-- judgement below counts either only within G of t, G ({gap_ms}) being at
-- least the interval of every poll judged by, and {poll_interval_ms}
-- (inhibitions_failed_bounds.sql): inhibited at b counts when t - b is at
-- most b's interval, or when a is inhibited too (then t - b < a - b);
-- inhibited at a when a - t is at most a's interval. A G longer than that
-- judges more notifications, the same way.
-- So F has an inhibited stretch starting by t + G (it starts by the poll it
-- holds) and lasting past t - G (it lasts past that poll). F's stretches
-- follow each other without overlapping, so the last one starting by
-- t + G is the one to look at. (A week at a big Alertmanager's scale: a
-- tenth of the notifications are left, and the statement takes 1.50-1.55 s
-- against 1.80-1.95 s.)
candidates AS (
    SELECT n.source AS source, n.fingerprint AS fingerprint, n.alert AS alert, n.receiver AS receiver, n.t AS t
    FROM notes AS n
    ASOF INNER JOIN (SELECT alert, start, end FROM stretches) AS s
        ON n.alert = s.alert AND s.start <= n.t + toIntervalMillisecond({gap_ms:Int64})
    WHERE s.end IS NULL OR s.end > n.t - toIntervalMillisecond({gap_ms:Int64})
),
with_polls AS (
    SELECT n.source AS source, n.fingerprint AS fingerprint, n.alert AS alert, n.receiver AS receiver, n.t AS t, b.polled_at AS before_at, a.polled_at AS after_at,
           b.prev_at AS before_prev, a.prev_at AS after_prev
    FROM candidates AS n
    ASOF LEFT JOIN ok_polls AS b ON n.source = b.source AND b.polled_at <= n.t
    ASOF LEFT JOIN ok_polls AS a ON n.source = a.source AND a.polled_at > n.t
),
with_states AS (
    SELECT w.source AS source, w.fingerprint AS fingerprint, w.receiver AS receiver, w.t AS t, w.before_at AS before_at, w.after_at AS after_at,
           w.before_prev AS before_prev, w.after_prev AS after_prev,
           sb.start AS before_start, sb.end AS before_end, sb.inhibited_by AS before_inh,
           sa.start AS after_start, sa.end AS after_end, sa.inhibited_by AS after_inh
    FROM with_polls AS w
    ASOF LEFT JOIN stretches AS sb ON w.alert = sb.alert
        AND sb.start <= coalesce(w.before_at, toDateTime64(0, 3, 'UTC'))
    ASOF LEFT JOIN stretches AS sa ON w.alert = sa.alert
        AND sa.start <= coalesce(w.after_at, toDateTime64(0, 3, 'UTC'))
),
judged AS (
    SELECT *,
           before_at IS NOT NULL AND before_start IS NOT NULL AND (before_end IS NULL OR before_at < before_end) AS inh_before,
           after_at IS NOT NULL AND after_start IS NOT NULL AND (after_end IS NULL OR after_at < after_end) AS inh_after
    FROM with_states
)
SELECT fingerprint, receiver, source, t AS notified_at,
       if(inh_before, coalesce(before_inh, []), coalesce(after_inh, [])) AS inhibitors
FROM judged
WHERE (inh_before AND inh_after)
   OR (inh_before AND dateDiff('millisecond', assumeNotNull(before_at), t)
       <= coalesce(dateDiff('millisecond', before_prev, before_at), {poll_interval_ms:Int64}))
   OR (inh_after AND dateDiff('millisecond', t, assumeNotNull(after_at))
       <= coalesce(dateDiff('millisecond', after_prev, after_at), {poll_interval_ms:Int64}))
ORDER BY notified_at, source, fingerprint, receiver
