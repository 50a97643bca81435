-- The rows of one data table ({table}: a name from the store's own table
-- registry) about the given keys ({key_col} IN {keys}) in a time range, to
-- find which rows of a batch written again after a crash are stored already.
SELECT *
FROM {{db}}.{table:Identifier}
WHERE {time_col:Identifier} BETWEEN {from:DateTime64(3, 'UTC')} AND {to:DateTime64(3, 'UTC')}
  AND {key_col:Identifier} IN {{template "listed" "keys"}}
