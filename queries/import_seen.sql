-- Whether a recording with this content hash was imported before.
SELECT toBool(count() > 0) AS seen, toUInt32(max(lines)) AS lines, toUInt32(max(rows)) AS rows
FROM {{db}}.imports
WHERE content = {content:String}
