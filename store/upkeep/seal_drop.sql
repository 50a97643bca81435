-- One partition (a month of a generation) of one sealed table ({table},
-- one of sealedTables in seal.go) no read uses any more (see
-- seal_stale.sql; a table with none of it drops nothing). Seals are only
-- made on one node, never on a cluster, so the table is the node's own.
ALTER TABLE {db:Identifier}.{table:Identifier} DROP PARTITION ID {partition:String}
