-- The notifications (HA duplicates once) of the requested sources that
-- match the label matchers, received in [from, to) or, later, of episodes
-- that started in it, for a table of their own: the statements of one
-- answer that count a window's notifications (the weekly review's noise,
-- busiest hours and what-if) read it through "notes_from" instead of each
-- deciding the duplicates again. Every receiver's: a statement narrows
-- them to its receivers. Duplicates are decided from {from} on, as each
-- of those statements decides them: a delivery counts or not by the
-- deliveries of its key before it only, so the rows before {to} are
-- theirs whatever comes after. (The tail reads no other rows: every row
-- it leaves counts here.)
SELECT source, fingerprint, starts_at, status, receiver, received_at, alertname
FROM {{template "deliveries" (tail (scan . "from" "" false) "to")}}
