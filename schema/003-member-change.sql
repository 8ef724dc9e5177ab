-- Which members changed, in commit order.  A serving pawd keeps the fields
-- of result lists in memory (server/hits.c) and brings them up to date from
-- here before a search.  Triggers write it, so every process that writes
-- members (the TCP server, the pawd --stdio of an SSH session, a tool)
-- is seen.  The newest 100,000 changes are kept; a server further behind
-- reloads its lists whole.
CREATE TABLE member_change (
	seq		INTEGER PRIMARY KEY,
	member_id	INTEGER NOT NULL
);

CREATE TRIGGER member_change_insert AFTER INSERT ON member BEGIN
	INSERT INTO member_change (member_id) VALUES (NEW.id);
	DELETE FROM member_change
	    WHERE seq <= (SELECT max(seq) FROM member_change) - 100000;
END;

CREATE TRIGGER member_change_update AFTER UPDATE OF card_no, name, phone,
    branch, pet_names, archived ON member BEGIN
	INSERT INTO member_change (member_id) VALUES (NEW.id);
	DELETE FROM member_change
	    WHERE seq <= (SELECT max(seq) FROM member_change) - 100000;
END;
