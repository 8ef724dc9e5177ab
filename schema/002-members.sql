-- Members, pets, feedback and the search index (C1).

CREATE TABLE member (
	id		INTEGER PRIMARY KEY,
	card_no		TEXT NOT NULL UNIQUE,
	name		TEXT NOT NULL,
	phone		TEXT NOT NULL UNIQUE,
	phone4		TEXT NOT NULL,		-- last four digits of phone
	birthday	TEXT,
	address		TEXT NOT NULL DEFAULT '',
	gender		TEXT NOT NULL DEFAULT '' CHECK (gender IN ('', 'female', 'male', 'other')),
	branch		TEXT NOT NULL REFERENCES branch(code),
	consent		INTEGER NOT NULL DEFAULT 0,
	tags		TEXT NOT NULL DEFAULT '[]',	-- JSON array of strings
	note		TEXT NOT NULL DEFAULT '',
	referral_code	TEXT NOT NULL UNIQUE,
	referred_by	INTEGER REFERENCES member(id),
	pet_names	TEXT NOT NULL DEFAULT '',	-- of up to 5 active pets, for lists
	archived	INTEGER,		-- epoch, NULL while active
	archive_reason	TEXT,
	created		INTEGER NOT NULL,
	updated		INTEGER NOT NULL
);
-- Covering for "last four digits": the count never reads the table.
CREATE INDEX member_phone4 ON member(phone4, archived);

CREATE TABLE pet (
	id		INTEGER PRIMARY KEY,
	member_id	INTEGER NOT NULL REFERENCES member(id),
	name		TEXT NOT NULL,
	species		TEXT NOT NULL CHECK (species IN ('dog', 'cat', 'rabbit',
			    'bird', 'fish', 'reptile', 'small_pet', 'other')),
	breed		TEXT NOT NULL DEFAULT '',
	sex		TEXT NOT NULL DEFAULT 'unknown' CHECK (sex IN ('male',
			    'female', 'unknown')),
	neutered	INTEGER NOT NULL DEFAULT 0,
	birth_date	TEXT,
	colour		TEXT NOT NULL DEFAULT '',
	weight_g	INTEGER CHECK (weight_g BETWEEN 0 AND 200000),
	microchip	TEXT,			-- 15 digits (ISO 11784)
	adopted		INTEGER NOT NULL DEFAULT 0,
	adoption_date	TEXT,
	adoption_source	TEXT NOT NULL DEFAULT '',
	health		TEXT NOT NULL DEFAULT '',
	photo		TEXT NOT NULL DEFAULT '',
	note		TEXT NOT NULL DEFAULT '',
	archived	INTEGER,		-- epoch: died, returned, rehomed
	archive_reason	TEXT,
	created		INTEGER NOT NULL,
	updated		INTEGER NOT NULL
);
CREATE INDEX pet_member ON pet(member_id);
CREATE UNIQUE INDEX pet_microchip ON pet(microchip) WHERE microchip IS NOT NULL;

CREATE TABLE feedback (
	id		INTEGER PRIMARY KEY,
	member_id	INTEGER NOT NULL REFERENCES member(id),
	kind		TEXT NOT NULL CHECK (kind IN ('good', 'bad')),
	text		TEXT NOT NULL,
	staff		TEXT,
	branch		TEXT,
	created		INTEGER NOT NULL
);
CREATE INDEX feedback_member ON feedback(member_id, id);

-- Name search: single characters and character bigrams of the names of a
-- member and of their active pets (Latin lowercased).  FTS5's trigram
-- tokenizer cannot match a 2-character Chinese query, and 2-character names
-- are common.  archived mirrors member.archived (0 or 1).
CREATE TABLE member_gram (
	gram		TEXT NOT NULL,
	member_id	INTEGER NOT NULL,
	archived	INTEGER NOT NULL DEFAULT 0,
	PRIMARY KEY (gram, member_id)
) WITHOUT ROWID;
CREATE INDEX member_gram_member ON member_gram(member_id);

-- How many members have each gram (live: of them, not archived), kept with
-- member_gram: the total of a 1- or 2-character query and the rarest
-- bigram of a longer one without counting postings.
CREATE TABLE member_gram_count (
	gram		TEXT PRIMARY KEY,
	n		INTEGER NOT NULL,
	live		INTEGER NOT NULL
) WITHOUT ROWID;
