-- This till database's own id (issue 14): its keyring entry is named from it, with the central,
-- store and terminal, so two till databases on one machine (a training PC, a test rig) never
-- share or replace each other's token. Random, made once; a copy of the file keeps it.
INSERT INTO sync_state (key, value)
VALUES ('database_id', lower(hex(randomblob(16))))
ON CONFLICT (key) DO NOTHING;
