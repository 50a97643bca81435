-- What alertlens last saw of {fingerprint} up to {to} ({source}, or any):
-- its source, labels, annotations, where it comes from (generatorURL) and
-- the Alertmanager that sent or listed it (externalURL, from notifications
-- only: the poller's rows do not carry it). Only rows from {since} on are
-- read: the caller first asks from the start of its window (the latest
-- row is there whenever the alert has one there, and that is 1 or 2 of a
-- year's monthly partitions instead of all of them), then from the
-- beginning when that finds nothing or no externalURL.
SELECT source, argMax(alertname, at) AS alertname, argMax(labels, at) AS labels, argMax(annotations, at) AS annotations,
       argMax(generator_url, at) AS generator_url, argMaxIf(external_url, at, external_url != '') AS external_url
FROM (
    SELECT source, received_at AS at, alertname, labels, annotations, generator_url, toString(external_url) AS external_url
    FROM {{db}}.notifications
    WHERE fingerprint = {fingerprint:String} AND received_at >= {since:DateTime64(3, 'UTC')} AND received_at < {to:DateTime64(3, 'UTC')} AND {{template "source"}}
    UNION ALL
    SELECT source, observed_at AS at, alertname, labels, annotations, generator_url, '' AS external_url
    FROM {{db}}.alert_states
    WHERE fingerprint = {fingerprint:String} AND observed_at >= {since:DateTime64(3, 'UTC')} AND observed_at < {to:DateTime64(3, 'UTC')} AND {{template "source"}}
)
GROUP BY source
ORDER BY max(at) DESC
LIMIT 1
