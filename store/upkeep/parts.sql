-- The partitions (months) of a table that hold more than one part, newest
-- first: the ones most read, since most questions are about recent weeks.
SELECT partition_id
FROM system.parts
WHERE database = {db:String} AND table = {table:String} AND active
GROUP BY partition_id
HAVING count() > 1
ORDER BY partition_id DESC
