-- One partition of the per-day episode summaries merged into one part, which
-- collapses the rows of each episode and day into one. The views write an
-- episode's day from each source table into a part of its own (its
-- notifications', its poller rows', its events'), and the engine's own
-- merges leave a month's few big parts apart (a day of idling merged
-- none): reads then group about twice the rows there are episodes. A partition already in one
-- merged part is skipped, so a run costs nothing until new rows land in
-- it. At a low thread priority, as the reads run: ingest comes first.
OPTIMIZE TABLE {{local "episode_days"}} {{onCluster}} PARTITION ID {partition:String} FINAL
SETTINGS optimize_skip_merged_partitions = 1, os_thread_priority = 10
