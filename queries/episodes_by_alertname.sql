-- How many episodes of each alertname start in [from, to), per source.
WITH {{template "episode_ctes" .}}
SELECT source, alertname, count() AS episodes
FROM eps
WHERE starts_at >= {from:DateTime64(3, 'UTC')}
GROUP BY source, alertname
ORDER BY source, alertname
