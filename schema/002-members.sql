-- Members, pets, feedback and the search index (C1).

CREATE TABLE member (
	id		INTEGER PRIMARY KEY,
	card_no		TEXT NOT NULL UNIQUE,
	name		TEXT NOT NULL,
	phone		TEXT NOT NULL UNIQUE,
	phone4		TEXT NOT NULL,
	birthday	TEXT,
	address		TEXT NOT NULL DEFAULT '',
	gender		TEXT NOT NULL DEFAULT '' CHECK (gender IN ('', 'female', 'male', 'other')),
	branch		TEXT NOT NULL REFERENCES branch(code),
	consent		INTEGER NOT NULL DEFAULT 0,
	tags		TEXT NOT NULL DEFAULT '[]',
	note		TEXT NOT NULL DEFAULT '',
	referral_code	TEXT NOT NULL UNIQUE,
	referred_by	INTEGER REFERENCES member(id),
	archived	INTEGER,
	archive_reason	TEXT,
	created		INTEGER NOT NULL,
	updated		INTEGER NOT NULL
);
CREATE INDEX member_phone4 ON member(phone4);

CREATE TABLE pet (
	id		INTEGER PRIMARY KEY,
	member_id	INTEGER NOT NULL REFERENCES member(id),
	name		TEXT NOT NULL,
	species		TEXT NOT NULL,
	breed		TEXT NOT NULL DEFAULT '',
	sex		TEXT NOT NULL DEFAULT 'unknown',
	neutered	INTEGER NOT NULL DEFAULT 0,
	birth_date	TEXT,
	colour		TEXT NOT NULL DEFAULT '',
	weight_g	INTEGER,
	microchip	TEXT,
	adopted		INTEGER NOT NULL DEFAULT 0,
	adoption_date	TEXT,
	adoption_source	TEXT NOT NULL DEFAULT '',
	health		TEXT NOT NULL DEFAULT '',
	photo		TEXT NOT NULL DEFAULT '',
	note		TEXT NOT NULL DEFAULT '',
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

-- Name search: single characters and character bigrams of member and pet
-- names (Latin lowercased).  FTS5's trigram tokenizer cannot match a
-- 2-character Chinese query, and 2-character names are common.
CREATE TABLE member_gram (
	gram		TEXT NOT NULL,
	member_id	INTEGER NOT NULL,
	PRIMARY KEY (gram, member_id)
) WITHOUT ROWID;
CREATE INDEX member_gram_member ON member_gram(member_id);
