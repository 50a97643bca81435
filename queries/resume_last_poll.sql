-- The last successful poll of one source: the poller resumes from the state
-- it had then.
SELECT toString(max(polled_at)) AS at, count() AS n
FROM {{db}}.polls
WHERE source = {source:String} AND ok
