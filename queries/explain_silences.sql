-- The versions of the silences {ids} current at {at}.
SELECT id, argMax(created_by, updated_at) AS created_by, argMax(comment, updated_at) AS comment,
       argMax(matchers, updated_at) AS matchers, argMax(ends_at, updated_at) AS ends_at
FROM {{db}}.silences FINAL
WHERE id IN {{template "listed" "ids"}} AND updated_at <= {at:DateTime64(3, 'UTC')}
  AND {{template "source"}}
GROUP BY id
ORDER BY id
