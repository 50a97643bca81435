-- Each sealed episode's counted notifications: when the deliveries the
-- HA-dedup fold counts came, to the minute, not only how many. Noise
-- counts a window's notifications one by one (its working hours look at
-- each one's time); with these, an episode of the finished months whose
-- deliveries all fall inside the window is read from its sealed row
-- instead of folding its summaries again, which was most of noise over 90
-- days at a big Alertmanager's scale. Minutes, because working hours
-- start and end on whole minutes, and the deliveries in a window's first
-- or last minute are folded from the summaries; as steps (the first from
-- the episode's start, each next from the one before), which repeat:
-- 0.30 bytes per notification row on realistic alerts, where the
-- milliseconds took 1.8.
ALTER TABLE {{local "sealed_episodes"}} {{onCluster}} ADD COLUMN IF NOT EXISTS counted_minutes Array(Int32) CODEC(T64, ZSTD(3));

-- Whether the seal holds them (0 in seals made before: their column is
-- empty, so noise folds the summaries as before until the next seal,
-- which the compactor then builds).
ALTER TABLE {{local "episode_seals"}} {{onCluster}} ADD COLUMN IF NOT EXISTS notes UInt8;

-- The alerts' labels at a higher ZSTD level: a label set repeats in the
-- rows about one alert, and level 12 finds more of it than 7 (realistic
-- alerts: 4.40 → 4.06 bytes per notification row), which pays for the
-- minutes above. One row per alert and batch, so the extra time is spent
-- on few rows. Existing parts keep their codec until the engine merges
-- them.
ALTER TABLE {{local "alert_labels"}} {{onCluster}} MODIFY COLUMN labels CODEC(ZSTD(12));
