-- Idempotency (the protocol's request_id): the answer of every write that
-- carried a request_id, stored in the write's own transaction, so a retry
-- gets the same answer and no second effect.  Keyed chain-wide by the id;
-- digest binds it to the method and its params (BLAKE2b-256, the approver's
-- password left out).  Kept 7 days, then purged by a job.
CREATE TABLE idem (
	request_id	TEXT PRIMARY KEY,	-- 32 hex digits, lower case
	digest		BLOB NOT NULL,
	method		TEXT NOT NULL,
	staff		TEXT,
	device		INTEGER,
	result		BLOB NOT NULL,		-- the msgpack result as answered
	created		INTEGER NOT NULL
);
CREATE INDEX idem_created ON idem(created);
