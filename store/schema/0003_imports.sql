-- One row per recording imported: the SHA-256 of its bytes (and, for the
-- event recorder's own files, of the source it was imported as). It lands
-- in the same queue group as the import's rows, so an import that is stored
-- is known, and the same recording imported again is recognized and stored
-- nothing.
CREATE TABLE IF NOT EXISTS {{local "imports"}} {{onCluster}}
(
    imported_at DateTime64(3, 'UTC'),
    content     FixedString(64),
    lines       UInt64,
    rows        UInt64
)
ENGINE = {{engine "ReplacingMergeTree" "imports"}}
ORDER BY content
{{ttl "imported_at"}}
SETTINGS non_replicated_deduplication_window = 1000;

{{distributed "imports"}}
