-- One generation of sealed episodes no read uses any more (see
-- seal_stale.sql; a generation with no episodes drops nothing).
ALTER TABLE {{local "episodes_sealed"}} {{onCluster}} DROP PARTITION ID {partition:String}
