-- Branches, staff, devices, sessions and the audit trail.
-- Instants are UTC epoch seconds; dates are YYYY-MM-DD text.

CREATE TABLE branch (
	code		TEXT PRIMARY KEY,
	name		TEXT NOT NULL,
	address		TEXT NOT NULL DEFAULT '',
	phone		TEXT NOT NULL DEFAULT '',
	active		INTEGER NOT NULL DEFAULT 1,
	created		INTEGER NOT NULL
);

CREATE TABLE staff (
	id		TEXT PRIMARY KEY,
	name		TEXT NOT NULL,
	role		TEXT NOT NULL CHECK (role IN ('clerk', 'manager', 'hq_admin', 'support')),
	branch		TEXT NOT NULL REFERENCES branch(code),
	pwhash		TEXT NOT NULL,
	disabled	INTEGER NOT NULL DEFAULT 0,
	failed		INTEGER NOT NULL DEFAULT 0,
	locked_until	INTEGER NOT NULL DEFAULT 0,
	last_login	INTEGER,
	created		INTEGER NOT NULL
);
CREATE INDEX staff_branch ON staff(branch);

CREATE TABLE device (
	id		INTEGER PRIMARY KEY,
	pubkey		BLOB NOT NULL UNIQUE,
	branch		TEXT NOT NULL REFERENCES branch(code),
	name		TEXT NOT NULL DEFAULT '',
	created		INTEGER NOT NULL,
	last_seen	INTEGER,
	revoked		INTEGER
);

CREATE TABLE enroll_code (
	id		INTEGER PRIMARY KEY,
	code_id		BLOB NOT NULL UNIQUE,
	psk		BLOB NOT NULL,
	branch		TEXT NOT NULL REFERENCES branch(code),
	created		INTEGER NOT NULL,
	expires		INTEGER NOT NULL,
	used		INTEGER,
	device		INTEGER REFERENCES device(id)
);

-- Login sessions that survive a reconnection: the token's hash only.
CREATE TABLE staff_token (
	id		INTEGER PRIMARY KEY,
	hash		BLOB NOT NULL UNIQUE,
	staff		TEXT NOT NULL REFERENCES staff(id),
	device		INTEGER NOT NULL REFERENCES device(id),
	created		INTEGER NOT NULL,
	expires		INTEGER NOT NULL
);

CREATE TABLE audit (
	id		INTEGER PRIMARY KEY,
	at		INTEGER NOT NULL,
	staff		TEXT,
	device		INTEGER,
	branch		TEXT,
	method		TEXT NOT NULL,
	entity		TEXT,
	entity_id	TEXT,
	before		TEXT,
	after		TEXT
);
CREATE INDEX audit_entity ON audit(entity, entity_id);
CREATE INDEX audit_staff ON audit(staff);
