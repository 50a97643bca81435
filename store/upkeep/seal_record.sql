-- A seal built: reads use it from now on, while its parts are current.
INSERT INTO {{local "episode_seals"}} (seal, sealed_to, dedup_ms, parts, sealed_at)
VALUES ({seal:UInt64}, {sealed_to:Date}, {dedup_ms:Int64}, {parts:Array(String)}, now64(3))
