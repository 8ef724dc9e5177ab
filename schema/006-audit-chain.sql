-- The audit trail as a chain: each row carries a keyed BLAKE2b digest of
-- the previous row's digest and its own content, keyed by a key derived
-- from the server's static key (server.key, outside this database), so
-- whoever can edit paw.db cannot recompute the chain.  `pawd check DIR`
-- verifies it.  Rows written before this migration get their digests from
-- its C step (server/audit.c, audit_backfill), in this same transaction.
-- A row also names the staff member's own branch (permissions follow it)
-- beside the device's (where the work was done), and the approver.
ALTER TABLE audit ADD COLUMN staff_branch TEXT;
ALTER TABLE audit ADD COLUMN approver TEXT;
ALTER TABLE audit ADD COLUMN digest BLOB;
