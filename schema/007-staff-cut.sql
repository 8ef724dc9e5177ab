-- Live sessions follow their staff member.  A change of role, branch or
-- password, or a disable, raises the staff row's generation and logs a cut
-- here, whoever made it (the TCP server, the pawd --stdio of an SSH
-- session, a tool), in the transaction of the change.  Every serving pawd
-- reads the new cuts after each of its own writes and once a second, and
-- closes the sessions of that staff member logged in at an older generation;
-- its writes also check the generation inside their transaction, so a session
-- whose staff member changed can write nothing more, even before it is
-- closed.  A session's own password change moves that session to the new
-- generation, so it alone stays.  The change also ends the staff member's
-- resume tokens: a terminal logs in again, as what the staff member is now.
-- The newest 10,000 cuts are kept.
ALTER TABLE staff ADD COLUMN generation INTEGER NOT NULL DEFAULT 0;

CREATE TABLE staff_cut (
	seq		INTEGER PRIMARY KEY,
	staff		TEXT NOT NULL,
	generation		INTEGER NOT NULL,
	reason		TEXT NOT NULL
);

CREATE TRIGGER staff_cut AFTER UPDATE OF role, branch, pwhash, disabled
    ON staff
    WHEN NEW.role IS NOT OLD.role OR NEW.branch IS NOT OLD.branch OR
	NEW.pwhash IS NOT OLD.pwhash OR (NEW.disabled AND NOT OLD.disabled)
BEGIN
	UPDATE staff SET generation = OLD.generation + 1 WHERE id = NEW.id;
	DELETE FROM staff_token WHERE staff = NEW.id;
	INSERT INTO staff_cut (staff, generation, reason) VALUES (NEW.id,
	    OLD.generation + 1, CASE
		WHEN NEW.disabled AND NOT OLD.disabled THEN 'account disabled'
		WHEN NEW.role IS NOT OLD.role THEN 'role changed'
		WHEN NEW.branch IS NOT OLD.branch THEN 'branch changed'
		ELSE 'password changed' END);
	DELETE FROM staff_cut
	    WHERE seq <= (SELECT max(seq) FROM staff_cut) - 10000;
END;
