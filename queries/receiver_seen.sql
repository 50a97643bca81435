-- Whether {receiver} was ever notified or routed to: each side stops at its
-- first matching row.
SELECT toBool(
    (SELECT count() FROM (SELECT 1 FROM {{db}}.notifications WHERE receiver = {receiver:String} LIMIT 1)) > 0
    OR (SELECT count() FROM (SELECT 1 FROM {{db}}.alert_states WHERE has(receivers, {receiver:String}) LIMIT 1)) > 0) AS seen
