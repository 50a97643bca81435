-- Each sealed episode's counted notifications: the times of the
-- deliveries the HA-dedup fold counts (sorted by time), not only how many.
-- Noise counts a window's notifications one by one (its working hours
-- look at each one's time); with these, an episode of the finished months
-- whose deliveries all fall from the window's start on is read from its
-- sealed row instead of folding its summaries again, which was most of
-- noise over 90 days at a big Alertmanager's scale. Delta-coded: an
-- episode's times are close together (about 2 bytes each there).
ALTER TABLE {{local "sealed_episodes"}} {{onCluster}} ADD COLUMN IF NOT EXISTS counted Array(Int64) CODEC(Delta, ZSTD(3));

-- Whether the seal holds them (0 in seals made before: their counted
-- column is empty, so noise folds the summaries as before until the next
-- seal, which the compactor then builds).
ALTER TABLE {{local "episode_seals"}} {{onCluster}} ADD COLUMN IF NOT EXISTS notes UInt8;
