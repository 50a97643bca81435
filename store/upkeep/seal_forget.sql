-- Every seal forgotten, when reads no longer use sealed episodes (no dedup
-- window, or episodes built from the raw rows): the generations are then
-- dropped as stale, and a seal is built afresh if a window is set again.
TRUNCATE TABLE {{local "episode_seals"}} {{onCluster}}
