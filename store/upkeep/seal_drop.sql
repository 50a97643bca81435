-- One generation of sealed episodes no read uses any more (see seal_stale.sql).
ALTER TABLE {{local "episodes_sealed"}} {{onCluster}} DROP PARTITION ID {partition:String}
