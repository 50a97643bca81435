-- Whether {receiver} was ever notified or routed to.
SELECT toBool(
    (SELECT count() FROM {{db}}.notifications WHERE receiver = {receiver:String}) > 0
    OR (SELECT count() FROM {{db}}.alert_states WHERE has(receivers, {receiver:String})) > 0) AS seen
