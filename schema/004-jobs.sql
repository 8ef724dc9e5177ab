-- Scheduled jobs (server/job.c).  One row per occurrence done, written in
-- the occurrence's own transaction together with its work: an occurrence
-- is done once, or not at all (a run killed half-way leaves nothing).
-- Instants are UTC epoch seconds of the server's clock (the test clock's
-- when there is one); ms is the run's duration by the monotonic clock.
CREATE TABLE job_run (
	job		TEXT NOT NULL,
	due		INTEGER NOT NULL,	-- when the occurrence was due
	skipped		INTEGER NOT NULL DEFAULT 0,	-- missed ones it caught up
	started		INTEGER NOT NULL,
	finished	INTEGER NOT NULL,
	ms		INTEGER NOT NULL,
	ok		INTEGER NOT NULL,
	result		TEXT NOT NULL,		-- JSON: what it did, or {error}
	staff		TEXT,			-- who ran it (job.run), NULL: the schedule
	PRIMARY KEY (job, due)
);

-- The daily purge finds expired login tokens without a scan.
CREATE INDEX staff_token_expires ON staff_token(expires);
