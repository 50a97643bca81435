-- A seal built: reads use it from now on, while its parts (and, for its
-- stretches and muted time, the poller's rows) are current.
INSERT INTO {{local "episode_seals"}} (seal, sealed_to, dedup_ms, parts, state_rows, muted, notes, sealed_at)
VALUES ({seal:UInt64}, {sealed_to:Date}, {dedup_ms:Int64}, {parts:Array(String)}, {state_rows:UInt64}, 1, 1, now64(3))
