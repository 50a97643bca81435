-- One generation of sealed muted time no read uses any more (see
-- seal_stale.sql; a generation with none drops nothing).
ALTER TABLE {{local "muted_sealed"}} {{onCluster}} DROP PARTITION ID {partition:String}
