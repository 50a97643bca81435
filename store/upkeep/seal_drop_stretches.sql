-- One generation of sealed stretches no read uses any more (see
-- seal_stale.sql; a generation with no stretches drops nothing).
ALTER TABLE {{local "stretches_sealed"}} {{onCluster}} DROP PARTITION ID {partition:String}
