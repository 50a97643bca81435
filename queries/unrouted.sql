-- Episodes overlapping [from, to) of alerts that reached only black-hole
-- receivers ({null_receivers}): nobody was told.
WITH {{.Episodes}}
SELECT fingerprint, alertname, labels, source, starts_at, ends_at, receivers
FROM eps
WHERE notEmpty(receivers) AND hasAll({null_receivers:Array(String)}, receivers)
ORDER BY starts_at, source, fingerprint
