/*
 * Members (C1): validation, card numbers, duplicate phones, the search
 * index and search.
 *
 * Search keeps member_gram: the single characters and character bigrams of
 * the names of each member and of their active pets, Latin folded to lower
 * case (FTS5's trigrams cannot match a 2-character Chinese name), and
 * member_gram_count the number of members (and active members) with each.
 * A query of one or two characters is exactly one gram: its postings are
 * the answer and its total one lookup.  A longer query is driven by its
 * rarest bigram, filtered by the next rarest and confirmed with instr().
 * The last four digits of a phone use the covering (phone4, archived)
 * index.  Totals stop at SEARCH_COUNT_CAP, so a common name never costs a
 * full scan.  A page's statement finds member ids only: the fields shown in
 * the list come from the server's cache of them (hits.c), or the member
 * table where there is none (pawd --stdio).
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <sodium.h>

#include "clock.h"
#include "match.h"
#include "db.h"
#include "pawd.h"
#include "utf8.h"
#include "xmalloc.h"

#define PHONE_LEN	24

const struct entity member_entity = { "member",
    ENTITY_TABLE(MEMBER_FIELDS, struct member) };

/* Trim blanks at both ends; a copy the caller frees. */
static char *
trim(const char *s)
{
	size_t	start, len = utf8_trim(s, &start);

	return xmemdupz(s + start, len);
}

int
one_of(const char *v, const char *const *list)
{
	for (; *list != NULL; list++) {
		if (strcmp(v, *list) == 0)
			return 1;
	}
	return 0;
}

int
member_text(const char *in, const char *field, size_t min, size_t max,
    int multiline, char **out, struct perr *err)
{
	char		*t;
	size_t		 n;
	const char	*p;

	*out = NULL;
	if (!utf8_valid(in, strlen(in)))
		return perr_set(err, ERR_INVALID, field,
		    "%s is not valid UTF-8", field);
	t = trim(in);
	for (p = t; *p != '\0'; p++) {
		if (((unsigned char)*p < 0x20 && !(multiline && *p == '\n')) ||
		    *p == 0x7f) {
			free(t);
			return perr_set(err, ERR_INVALID, field,
			    "%s must not contain control characters", field);
		}
	}
	n = utf8_count(t);
	if (n < min || n > max) {
		free(t);
		if (min > 0 && n == 0)
			return perr_set(err, ERR_INVALID, field,
			    "%s is required", field);
		return perr_set(err, ERR_INVALID, field,
		    "%s must be at most %zu characters", field, max);
	}
	*out = t;
	return 0;
}

const char *const member_genders[] = { "", "female", "male", "other", NULL };

/*
 * Normalise a phone that matches PHONE_PATTERN: drop spaces and dashes,
 * "+86" becomes domestic.  0 or -1.
 */
static int
phone_normal(const char *in, char *out, size_t len)
{
	char	buf[32];
	size_t	n = 0;

	if (!match_pattern(PHONE_PATTERN, PHONE_IGNORE, in))
		return -1;
	for (; *in != '\0'; in++) {
		if (strchr(PHONE_IGNORE, *in) != NULL)
			continue;
		if (n + 1 >= sizeof buf)
			return -1;
		buf[n++] = *in;
	}
	buf[n] = '\0';
	if (n >= 3 && memcmp(buf, "+86", 3) == 0) {
		memmove(buf, buf + 3, n - 2);
		n -= 3;
	}
	if (n + 1 > len)
		return -1;
	memcpy(out, buf, n + 1);
	return 0;
}


/* Luhn check digit over the digits of s. */
static char
luhn(const char *s)
{
	int	sum = 0, dbl = 1, d;
	size_t	i = strlen(s);

	while (i-- > 0) {
		d = s[i] - '0';
		if (dbl && (d *= 2) > 9)
			d -= 9;
		sum += d;
		dbl = !dbl;
	}
	return (char)('0' + (10 - sum % 10) % 10);
}

static int
all_digits(const char *s)
{
	if (*s == '\0')
		return 0;
	for (; *s != '\0'; s++) {
		if (!isdigit((unsigned char)*s))
			return 0;
	}
	return 1;
}

/* A card is "8", 9 digits and a Luhn check digit: scanners type it. */
static int
card_valid(const char *c)
{
	char	body[CARD_LEN];

	if (!match_pattern(CARD_PATTERN, NULL, c))
		return 0;
	memcpy(body, c, CARD_LEN - 1);
	body[CARD_LEN - 1] = '\0';
	return luhn(body) == c[CARD_LEN - 1];
}

static int
taken(struct db *db, const char *sql, const char *v)
{
	sqlite3_stmt	*st = db_prep(db, sql);

	if (st == NULL)
		return 1;
	db_bind_text(st, 1, v);
	return sqlite3_step(st) == SQLITE_ROW;
}

/* A random unused card number. */
static void
card_new(struct db *db, char *out)
{
	static const char sql[] = "SELECT 1 FROM member WHERE card_no = ?";

	do {
		snprintf(out, CARD_LEN, "8%09u",
		    randombytes_uniform(1000000000));
		out[CARD_LEN - 1] = luhn(out);
		out[CARD_LEN] = '\0';
	} while (taken(db, sql, out));
}

/* A random unused referral code: 7 letters and digits, none ambiguous. */
static void
referral_new(struct db *db, char *out)
{
	static const char sql[] =
	    "SELECT 1 FROM member WHERE referral_code = ?";
	static const char alpha[] = "ABCDEFGHJKMNPQRSTUVWXYZ23456789";
	int	i;

	do {
		for (i = 0; i < 7; i++)
			out[i] = alpha[randombytes_uniform(sizeof alpha - 1)];
		out[7] = '\0';
	} while (taken(db, sql, out));
}

/* The phone must not belong to another member: name their card. */
static int
phone_free(struct db *db, const char *phone, int64_t self, struct perr *err)
{
	static const char sql[] =
	    "SELECT id, card_no, archived IS NOT NULL FROM member "
	    "WHERE phone = ?";
	sqlite3_stmt	*st = db_prep(db, sql);

	if (st == NULL)
		return perr_set(err, ERR_INTERNAL, NULL, "database error");
	db_bind_text(st, 1, phone);
	if (sqlite3_step(st) == SQLITE_ROW &&
	    sqlite3_column_int64(st, 0) != self) {
		perr_set(err, ERR_CONFLICT, "phone",
		    "phone already belongs to %smember %s",
		    sqlite3_column_int(st, 2) ? "archived " : "",
		    db_col(st, 1));
		perr_extra_str(err, "card_no", db_col(st, 1));
		perr_extra_bool(err, "archived", sqlite3_column_int(st, 2));
		return -1;
	}
	return 0;
}

/* Check and normalise the tags given: trimmed, short, no repeats; JSON. */
static int
tags_normal(const struct plist *tags, char **out, struct perr *err)
{
	const char	**v = tags->v;
	json_t		 *res;
	size_t		  i, j;
	char		 *t;
	int		  rc = 0;

	*out = NULL;
	if (!tags->given)
		return 0;
	if (tags->n > MEMBER_TAGS_MAX)
		return perr_set(err, ERR_INVALID, "tags",
		    "tags must be a list of at most %d words", MEMBER_TAGS_MAX);
	res = json_array();
	for (i = 0; i < tags->n && rc == 0; i++) {
		if ((rc = member_text(v[i], "tags", 1, MEMBER_TAG_MAX, 0, &t,
		    err)) != 0)
			break;
		for (j = 0; j < json_array_size(res); j++)
			if (strcmp(json_string_value(json_array_get(res, j)),
			    t) == 0)
				break;
		if (j == json_array_size(res))
			json_array_append_new(res, json_string(t));
		free(t);
	}
	if (rc == 0)
		*out = json_dumps(res, JSON_COMPACT);
	json_decref(res);
	return rc;
}

/* The checked and normalised fields of a member_in (NULL if not given). */
struct member_norm {
	char	*name, *address, *note, *tags;
	char	 phone[PHONE_LEN];
	int	 has_phone;
};

static void
member_norm_free(struct member_norm *n)
{
	free(n->name);
	free(n->address);
	free(n->note);
	free(n->tags);
}

/* Name, phone, address, note and tags: trimmed and normalised into n. */
static int
member_check_text(const struct member_in *in, int creating,
    struct member_norm *n, struct perr *err)
{
	if ((in->name != NULL || creating) &&
	    member_text(in->name != NULL ? in->name : "", "name", 1,
	    MEMBER_NAME_MAX, 0, &n->name, err) != 0)
		return -1;
	if (in->phone != NULL || creating) {
		if (in->phone == NULL || in->phone[0] == '\0')
			return perr_set(err, ERR_INVALID, "phone",
			    "phone is required");
		if (phone_normal(in->phone, n->phone, sizeof n->phone) != 0)
			return perr_set(err, ERR_INVALID, "phone",
			    "phone must be a mobile number such as 13812345678 "
			    "or + country code and number");
		n->has_phone = 1;
	}
	if (in->address != NULL && member_text(in->address, "address", 0,
	    MEMBER_ADDRESS_MAX, 0, &n->address, err) != 0)
		return -1;
	if (in->note != NULL && member_text(in->note, "note", 0, MEMBER_NOTE_MAX, 1,
	    &n->note, err) != 0)
		return -1;
	if (tags_normal(&in->tags, &n->tags, err) != 0)
		return -1;
	return 0;
}

/*
 * Validate the fields given for a new member (self 0) or member self;
 * normalised text into n (free it).
 */
static int
member_check(struct db *db, const struct member_in *in, int64_t self,
    struct member_norm *n, struct perr *err)
{
	char	today[11];
	int	creating = self == 0;

	memset(n, 0, sizeof *n);
	if (member_check_text(in, creating, n, err) != 0)
		return -1;
	clock_today(today);
	if (in->birthday != NULL && in->birthday[0] != '\0' &&
	    (!clock_date_valid(in->birthday) ||
	    strcmp(in->birthday, today) > 0))
		return perr_set(err, ERR_INVALID, "birthday",
		    "birthday must be a date YYYY-MM-DD, not in the future");
	if (in->gender != NULL && !one_of(in->gender, member_genders))
		return perr_set(err, ERR_INVALID, "gender",
		    "gender must be female, male or other");
	if (in->branch != NULL && !branch_exists(db, in->branch))
		return perr_set(err, ERR_INVALID, "branch", "no branch %.64s",
		    in->branch);
	if (creating && in->branch == NULL)
		return perr_set(err, ERR_INVALID, "branch",
		    "branch is required");
	if (in->card_no != NULL && !card_valid(in->card_no))
		return perr_set(err, ERR_INVALID, "card_no",
		    "card number must be 11 digits starting with 8, the last a "
		    "check digit");
	if (n->has_phone && phone_free(db, n->phone, self, err) != 0)
		return -1;
	return 0;
}

/* The member whose referral code this is (case and blanks ignored). */
static int64_t
referrer_find(struct db *db, const char *code, struct perr *err)
{
	static const char sql[] =
	    "SELECT id, archived IS NOT NULL FROM member "
	    "WHERE referral_code = ?";
	sqlite3_stmt	*st = db_prep(db, sql);
	char		*c = trim(code), *p;
	int64_t		 id = -1;

	for (p = c; *p != '\0'; p++)
		*p = (char)toupper((unsigned char)*p);
	if (st != NULL) {
		db_bind_text(st, 1, c);
		if (sqlite3_step(st) == SQLITE_ROW &&
		    !sqlite3_column_int(st, 1))
			id = sqlite3_column_int64(st, 0);
	}
	if (id < 0)
		perr_set(err, ERR_INVALID, "referral_code",
		    "no active member has referral code %.16s", c);
	free(c);
	return id;
}

/* Insert the checked member; its id or -1. */
static int64_t
member_insert(struct db *db, const struct member_in *in,
    const struct member_norm *n, const char *card, int64_t referrer,
    struct member *out, struct perr *err)
{
	static const char sql[] =
	    "INSERT INTO member (card_no, name, phone, phone4, birthday, "
	    "address, gender, branch, consent, tags, note, referral_code, "
	    "referred_by, created, updated) VALUES (?1, ?2, ?3, ?4, "
	    "nullif(?5, ''), ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?14) "
	    "RETURNING " MEMBER_COLS;
	sqlite3_stmt	*st;
	char		 code[12];

	referral_new(db, code);
	if ((st = db_prep(db, sql)) == NULL)
		return perr_set(err, ERR_INTERNAL, NULL, "database error");
	db_bind_text(st, 1, card);
	db_bind_text(st, 2, n->name);
	db_bind_text(st, 3, n->phone);
	db_bind_text(st, 4, n->phone + strlen(n->phone) - 4);
	db_bind_text(st, 5, in->birthday);
	db_bind_text(st, 6, n->address ? n->address : "");
	db_bind_text(st, 7, in->gender ? in->gender : "");
	db_bind_text(st, 8, in->branch);
	sqlite3_bind_int(st, 9, in->consent > 0);
	db_bind_text(st, 10, n->tags ? n->tags : "[]");
	db_bind_text(st, 11, n->note ? n->note : "");
	db_bind_text(st, 12, code);
	if (referrer > 0)
		sqlite3_bind_int64(st, 13, referrer);
	sqlite3_bind_int64(st, 14, clock_now());
	if (entity_step(db, st, &member_entity, out) == 1)
		return out->id;
	if ((db_errcode(db) & 0xff) == SQLITE_CONSTRAINT)
		return perr_set(err, ERR_CONFLICT, NULL,
		    "member not saved: a unique value is taken");
	return perr_set(err, ERR_INTERNAL, NULL, "database error");
}

int64_t
member_create(struct db *db, const struct member_in *in, const char *referrer_code,
    struct member *out, struct perr *err)
{
	static const char card_sql[] = "SELECT 1 FROM member WHERE card_no = ?";
	struct member_norm	 n;
	struct member		 row;
	char			 card[CARD_LEN + 1];
	int64_t			 referrer = 0, id = -1;

	if (member_check(db, in, 0, &n, err) != 0)
		goto out;
	if (referrer_code != NULL && referrer_code[0] != '\0' &&
	    (referrer = referrer_find(db, referrer_code, err)) < 0)
		goto out;
	if (in->card_no != NULL) {
		if (taken(db, card_sql, in->card_no)) {
			perr_set(err, ERR_CONFLICT, "card_no",
			    "card %s is already in use", in->card_no);
			goto out;
		}
		snprintf(card, sizeof card, "%s", in->card_no);
	} else
		card_new(db, card);
	if ((id = member_insert(db, in, &n, card, referrer,
	    out != NULL ? out : &row, err)) < 0)
		goto out;
	if (member_index(db, id) != 0) {
		id = perr_set(err, ERR_INTERNAL, NULL,
		    "search index not saved");
		goto out;
	}
out:
	member_norm_free(&n);
	return id;
}

int
member_update(struct db *db, int64_t id, const struct member_in *in,
    struct member *before, struct member *after, struct perr *err)
{
	static const char sql[] =
	    "UPDATE member SET name = coalesce(?2, name), "
	    "phone = coalesce(?3, phone), phone4 = coalesce(?4, phone4), "
	    "birthday = CASE WHEN ?5 IS NULL THEN birthday "
	    "ELSE nullif(?5, '') END, "
	    "address = coalesce(?6, address), gender = coalesce(?7, gender), "
	    "branch = coalesce(?8, branch), "
	    "consent = CASE WHEN ?9 < 0 THEN consent ELSE ?9 END, "
	    "tags = coalesce(?10, tags), note = coalesce(?11, note), "
	    "updated = ?12 WHERE id = ?1 RETURNING " MEMBER_COLS;
	struct member		 m, row;
	struct member_norm	 n;
	sqlite3_stmt		*st;
	int			 rc = -1;

	memset(&n, 0, sizeof n);
	if (member_get(db, id, NULL, &m, err) != 0)
		return -1;
	if (m.archived)
		return perr_set(err, ERR_CONFLICT, "id",
		    "member %s is archived", m.card_no);
	if (member_check(db, in, id, &n, err) != 0)
		goto out;
	if ((st = db_prep(db, sql)) == NULL) {
		perr_set(err, ERR_INTERNAL, NULL, "database error");
		goto out;
	}
	sqlite3_bind_int64(st, 1, id);
	db_bind_text(st, 2, n.name);
	db_bind_text(st, 3, n.has_phone ? n.phone : NULL);
	db_bind_text(st, 4, n.has_phone ? n.phone + strlen(n.phone) - 4 : NULL);
	db_bind_text(st, 5, in->birthday);
	db_bind_text(st, 6, n.address);
	db_bind_text(st, 7, in->gender);
	db_bind_text(st, 8, in->branch);
	sqlite3_bind_int(st, 9, in->consent < 0 ? -1 : in->consent > 0);
	db_bind_text(st, 10, n.tags);
	db_bind_text(st, 11, n.note);
	sqlite3_bind_int64(st, 12, clock_now());
	if (before != NULL)
		*before = m;
	if (entity_step(db, st, &member_entity, after ? after : &row) != 1)
		perr_set(err, ERR_INTERNAL, NULL, "database error");
	else if (n.name != NULL && member_index(db, id) != 0)
		perr_set(err, ERR_INTERNAL, NULL, "search index not saved");
	else
		rc = 0;
out:
	member_norm_free(&n);
	return rc;
}

int
member_archive(struct db *db, int64_t id, const char *reason,
    struct member *before, struct member *after, struct perr *err)
{
	static const char sql[] =
	    "UPDATE member SET archived = ?2, archive_reason = ?3, "
	    "updated = ?2 WHERE id = ?1 RETURNING " MEMBER_COLS;
	static const char uncount[] =
	    "UPDATE member_gram_count SET live = live - 1 WHERE gram IN "
	    "(SELECT gram FROM member_gram WHERE member_id = ? AND "
	    "archived = 0)";
	static const char grams[] =
	    "UPDATE member_gram SET archived = 1 WHERE member_id = ?";
	struct member	 m, row;
	sqlite3_stmt	*st;
	char		*r = NULL;
	int		 rc = -1;

	if (member_get(db, id, NULL, &m, err) != 0)
		return -1;
	if (m.archived)
		return perr_set(err, ERR_CONFLICT, "id",
		    "member %s is already archived", m.card_no);
	if (before != NULL)
		*before = m;
	if (member_text(reason != NULL ? reason : "", "reason", 0, MEMBER_REASON_MAX,
	    0, &r, err) != 0)
		return -1;
	if ((st = db_prep(db, sql)) != NULL) {
		sqlite3_bind_int64(st, 1, id);
		sqlite3_bind_int64(st, 2, clock_now());
		db_bind_text(st, 3, r);
		rc = entity_step(db, st, &member_entity,
		    after != NULL ? after : &row) == 1 ? 0 : -1;
	}
	if (rc == 0 && (st = db_prep(db, uncount)) != NULL) {
		sqlite3_bind_int64(st, 1, id);
		rc = db_step_done(db, st);
	}
	if (rc == 0 && (st = db_prep(db, grams)) != NULL) {
		sqlite3_bind_int64(st, 1, id);
		rc = db_step_done(db, st);
	}
	free(r);
	if (rc != 0)
		return perr_set(err, ERR_INTERNAL, NULL, "database error");
	return 0;
}

int
member_get(struct db *db, int64_t id, const char *card, struct member *m,
    struct perr *err)
{
	static const char by_id[] =
	    "SELECT " MEMBER_COLS " FROM member WHERE id = ?";
	static const char by_card[] =
	    "SELECT " MEMBER_COLS " FROM member WHERE card_no = ?";
	sqlite3_stmt	*st;

	if ((st = db_prep(db, card != NULL ? by_card : by_id)) == NULL)
		return perr_set(err, ERR_INTERNAL, NULL, "database error");
	if (card != NULL)
		db_bind_text(st, 1, card);
	else
		sqlite3_bind_int64(st, 1, id);
	switch (entity_step(db, st, &member_entity, m)) {
	case 1:
		return 0;
	case 0:
		return perr_set(err, ERR_NOT_FOUND, card ? "card_no" : "id",
		    "no such member");
	default:
		return perr_set(err, ERR_INTERNAL, NULL, "database error");
	}
}

int
member_counts(struct db *db, int64_t id, struct member_counts *c)
{
	static const char sql[] =
	    "SELECT count(*), total(kind = 'good') FROM feedback "
	    "WHERE member_id = ?";
	sqlite3_stmt	*st = db_prep(db, sql);

	c->feedback = c->good = c->bad = 0;
	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	if (db_step(db, st) != 1)
		return -1;
	c->feedback = sqlite3_column_int(st, 0);
	c->good = (int)sqlite3_column_int64(st, 1);
	c->bad = c->feedback - c->good;
	return 0;
}

/* ---- the search index ---- */

/* Lowercase ASCII letters; other characters (Chinese) stay as they are. */
static char *
fold(const char *s)
{
	char	*r = xstrdup(s), *p;

	for (p = r; *p != '\0'; p++) {
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
	}
	return r;
}

/* Byte offsets of the first max characters of s (n + 1 entries); n. */
static size_t
char_offsets(const char *s, size_t *off, size_t max)
{
	size_t		len = strlen(s), i = 0, n = 0;
	uint32_t	cp;
	int		k;

	while (i < len && n < max) {
		off[n++] = i;
		k = utf8_decode(s + i, len - i, &cp);
		i += k > 0 ? (size_t)k : 1;
	}
	off[n] = i;
	return n;
}

/* Index one gram of a member and count it. */
static int
gram_put(struct db *db, int64_t id, const char *g, size_t len, int archived)
{
	static const char sql[] =
	    "INSERT OR IGNORE INTO member_gram (gram, member_id, archived) "
	    "VALUES (?, ?, ?)";
	static const char count[] =
	    "INSERT INTO member_gram_count (gram, n, live) VALUES (?1, 1, ?2) "
	    "ON CONFLICT (gram) DO UPDATE SET n = n + 1, live = live + ?2";
	sqlite3_stmt	*st = db_prep(db, sql);

	if (st == NULL)
		return -1;
	sqlite3_bind_text(st, 1, g, (int)len, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 2, id);
	sqlite3_bind_int(st, 3, archived);
	if (db_step_done(db, st) != 0)
		return -1;
	if (db_changes(db) == 0)	/* a repeated gram of this member */
		return 0;
	if ((st = db_prep(db, count)) == NULL)
		return -1;
	sqlite3_bind_text(st, 1, g, (int)len, SQLITE_TRANSIENT);
	sqlite3_bind_int(st, 2, !archived);
	return db_step_done(db, st);
}

/* Drop the grams of a member, and their counts. */
static int
gram_drop(struct db *db, int64_t id)
{
	static const char uncount[] =
	    "UPDATE member_gram_count SET n = n - 1, live = live - "
	    "(SELECT 1 - g.archived FROM member_gram g WHERE "
	    "g.gram = member_gram_count.gram AND g.member_id = ?1) "
	    "WHERE gram IN (SELECT gram FROM member_gram WHERE member_id = ?1)";
	static const char del[] = "DELETE FROM member_gram WHERE member_id = ?";
	sqlite3_stmt	*st;

	if ((st = db_prep(db, uncount)) == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	if (db_step_done(db, st) != 0 || (st = db_prep(db, del)) == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	return db_step_done(db, st);
}

/* Index every character and every pair of neighbours of a name. */
static int
gram_add(struct db *db, int64_t id, const char *s, int archived)
{
	size_t	 off[MEMBER_NAME_MAX * 2 + 2], n, i;
	char	*f = fold(s);
	int	 rc = 0;

	n = char_offsets(f, off, MEMBER_NAME_MAX * 2);
	for (i = 0; i < n && rc == 0; i++) {
		rc = gram_put(db, id, f + off[i], off[i + 1] - off[i],
		    archived);
		if (rc == 0 && i + 1 < n)
			rc = gram_put(db, id, f + off[i], off[i + 2] - off[i],
			    archived);
	}
	free(f);
	return rc;
}

/* Names to index: the member's, then their active pets', oldest first. */
static char **
index_names(struct db *db, int64_t id, size_t *n, int *archived)
{
	static const char msql[] =
	    "SELECT name, archived IS NOT NULL FROM member WHERE id = ?";
	static const char psql[] =
	    "SELECT name FROM pet WHERE member_id = ? AND archived IS NULL "
	    "ORDER BY id";
	sqlite3_stmt	*st;
	char	       **list = NULL;

	*n = 0;
	if ((st = db_prep(db, msql)) == NULL)
		return NULL;
	sqlite3_bind_int64(st, 1, id);
	if (sqlite3_step(st) != SQLITE_ROW)
		return NULL;
	*archived = sqlite3_column_int(st, 1);
	list = xcalloc(1, sizeof *list);
	list[(*n)++] = xstrdup(db_col(st, 0));
	sqlite3_reset(st);
	if ((st = db_prep(db, psql)) == NULL)
		return list;
	sqlite3_bind_int64(st, 1, id);
	while (sqlite3_step(st) == SQLITE_ROW) {
		list = xrealloc(list, (*n + 1) * sizeof *list);
		list[(*n)++] = xstrdup(db_col(st, 0));
	}
	sqlite3_reset(st);
	return list;
}

/* Keep the names of up to 5 pets on the member row for result lists. */
static int
index_pet_names(struct db *db, int64_t id, char **pets, size_t n)
{
	static const char sql[] =
	    "UPDATE member SET pet_names = ? WHERE id = ?";
	sqlite3_stmt	*st = db_prep(db, sql);
	char		 buf[PET_NAMES_MAX * 4] = "";
	size_t		 i, len = 0, k;

	if (st == NULL)
		return -1;
	for (i = 0; i < n && i < 5; i++) {
		k = strlen(pets[i]);
		if (len + k + 3 > sizeof buf)
			break;
		len += (size_t)snprintf(buf + len, sizeof buf - len, "%s%s",
		    i > 0 ? ", " : "", pets[i]);
	}
	db_bind_text(st, 1, buf);
	sqlite3_bind_int64(st, 2, id);
	return db_step_done(db, st);
}

int
member_index(struct db *db, int64_t id)
{
	char	       **list;
	size_t		 n, i;
	int		 rc = 0, archived = 0;

	if (gram_drop(db, id) != 0 ||
	    (list = index_names(db, id, &n, &archived)) == NULL)
		return -1;
	for (i = 0; i < n; i++) {
		if (rc == 0)
			rc = gram_add(db, id, list[i], archived);
	}
	if (rc == 0)
		rc = index_pet_names(db, id, list + 1, n - 1);
	for (i = 0; i < n; i++)
		free(list[i]);
	free(list);
	return rc;
}

/* ---- search ---- */

/*
 * One statement pair per kind of query.  Parameters: ?1 the query (folded,
 * or the normal phone), ?2 include archived, ?3 the limit (the count cap
 * plus one when counting), ?4 the offset, ?5 and ?6 per kind: the upper
 * bound of a prefix, the driving and the filtering bigram of a name.
 */
enum search_kind { S_RECENT, S_CARD, S_PHONE, S_PHONE4, S_PREFIX, S_GRAM,
    S_NAME, S__COUNT };

/* A page selects ids; its list fields come from the hit cache (hits.c). */
#define HIT_SELECT "SELECT m.id "
#define PAGE " LIMIT ?3 OFFSET ?4"
#define COUNT_OF(from) "SELECT count(*) FROM (SELECT 1 " from " LIMIT ?3)"
#define LIVE " AND (?2 OR m.archived IS NULL)"
#define GRAM_LIVE " AND (?2 OR g.archived = 0)"

#define F_RECENT "FROM member m WHERE (?2 OR m.archived IS NULL)"
#define F_CARD "FROM member m WHERE m.card_no = ?1" LIVE
#define F_PHONE "FROM member m WHERE m.phone = ?1" LIVE
#define F_PHONE4 "FROM member m WHERE m.phone4 = ?1" LIVE
#define F_PREFIX "FROM member m WHERE ((m.card_no >= ?1 AND m.card_no < ?5) " \
    "OR (m.phone >= ?1 AND m.phone < ?5))" LIVE
#define F_GRAM "FROM member_gram g WHERE g.gram = ?1" GRAM_LIVE
#define F_NAME "FROM member_gram g JOIN member m ON m.id = g.member_id " \
    "WHERE g.gram = ?5" GRAM_LIVE " AND EXISTS (SELECT 1 FROM member_gram " \
    "g2 WHERE g2.gram = ?6 AND g2.member_id = g.member_id) AND " \
    "(instr(lower(m.name), ?1) OR EXISTS (SELECT 1 FROM pet p WHERE " \
    "p.member_id = m.id AND p.archived IS NULL AND instr(lower(p.name), ?1)))"

static const struct {
	const char	*rows;
	const char	*count;
} search_sql[S__COUNT] = {
	[S_RECENT] = { HIT_SELECT F_RECENT " ORDER BY m.id DESC" PAGE,
	    COUNT_OF(F_RECENT) },
	[S_CARD] = { HIT_SELECT F_CARD PAGE, COUNT_OF(F_CARD) },
	[S_PHONE] = { HIT_SELECT F_PHONE PAGE, COUNT_OF(F_PHONE) },
	/* The order of the (phone4, archived) index: the active first. */
	[S_PHONE4] = { HIT_SELECT F_PHONE4 " ORDER BY m.archived, m.id" PAGE,
	    COUNT_OF(F_PHONE4) },
	[S_PREFIX] = { HIT_SELECT F_PREFIX " ORDER BY m.id" PAGE,
	    COUNT_OF(F_PREFIX) },
	/* The postings alone: g.archived mirrors m.archived. */
	[S_GRAM] = { "SELECT g.member_id " F_GRAM " ORDER BY g.member_id" PAGE,
	    "SELECT CASE WHEN ?2 THEN n ELSE live END FROM member_gram_count "
	    "WHERE gram = ?1" },
	[S_NAME] = { HIT_SELECT F_NAME " ORDER BY g.member_id" PAGE,
	    COUNT_OF(F_NAME) },
};

/* What the statements of one search are bound to. */
struct search {
	enum search_kind k;
	const char	*q;		/* ?1 */
	char		 norm[PHONE_LEN];
	char		 aux1[32];	/* ?5 */
	char		 aux2[32];	/* ?6 */
	int		 empty;		/* known to match nothing */
};

/* How many members have a gram. */
static int64_t
gram_postings(struct db *db, const char *gram)
{
	static const char sql[] =
	    "SELECT n FROM member_gram_count WHERE gram = ?";
	sqlite3_stmt	*st = db_prep(db, sql);

	if (st == NULL)
		return 0;
	db_bind_text(st, 1, gram);
	return sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
}

/*
 * Choose the rarest bigram of the query to drive a name search and the
 * next rarest to filter it.  A bigram nobody has: nothing matches.
 */
static void
search_pick(struct db *db, struct search *s)
{
	size_t	off[MEMBER_NAME_MAX + 2], n, i;
	int64_t	best = INT64_MAX, second = INT64_MAX, c;
	char	g[32];

	n = char_offsets(s->q, off, MEMBER_NAME_MAX + 1);
	for (i = 0; i + 1 < n; i++) {
		snprintf(g, sizeof g, "%.*s", (int)(off[i + 2] - off[i]),
		    s->q + off[i]);
		if (strcmp(g, s->aux1) == 0 || strcmp(g, s->aux2) == 0)
			continue;
		c = gram_postings(db, g);
		if (c == 0) {
			s->empty = 1;
			return;
		}
		if (c < best) {
			second = best;
			memcpy(s->aux2, s->aux1, sizeof s->aux2);
			best = c;
			snprintf(s->aux1, sizeof s->aux1, "%s", g);
		} else if (c < second) {
			second = c;
			snprintf(s->aux2, sizeof s->aux2, "%s", g);
		}
	}
	if (s->aux2[0] == '\0')
		memcpy(s->aux2, s->aux1, sizeof s->aux2);
}

/* Classify the (trimmed, folded) query and fill what its kind binds. */
static void
search_classify(struct db *db, struct search *s)
{
	size_t	len = strlen(s->q);

	if (len == 0)
		s->k = S_RECENT;
	else if (card_valid(s->q))
		s->k = S_CARD;
	else if (phone_normal(s->q, s->norm, sizeof s->norm) == 0) {
		s->k = S_PHONE;
		s->q = s->norm;
	} else if (all_digits(s->q) && len == 4)
		s->k = S_PHONE4;
	else if (all_digits(s->q) && len > 4) {
		s->k = S_PREFIX;	/* of a card or a phone */
		snprintf(s->aux1, sizeof s->aux1, "%s:", s->q); /* ':' > '9' */
	} else if (utf8_count(s->q) <= 2)
		s->k = S_GRAM;
	else {
		s->k = S_NAME;
		search_pick(db, s);
	}
}

static sqlite3_stmt *
search_bind(struct db *db, const char *sql, const struct search *s,
    int archived, int limit, int offset)
{
	sqlite3_stmt	*st = db_prep(db, sql);

	if (st == NULL)
		return NULL;
	db_bind_text(st, 1, s->q);
	sqlite3_bind_int(st, 2, archived);
	if (sqlite3_bind_parameter_count(st) >= 3)
		sqlite3_bind_int(st, 3, limit);
	if (sqlite3_bind_parameter_count(st) >= 4)
		sqlite3_bind_int(st, 4, offset);
	if (s->k == S_PREFIX || s->k == S_NAME)
		db_bind_text(st, 5, s->aux1);
	if (s->k == S_NAME)
		db_bind_text(st, 6, s->aux2);
	return st;
}

/* A text column as a str, by its length: no strlen, no copy. */
/*
 * The rows of ids, in order: from the cache, brought up to date first, or
 * (not cached yet, or no cache) from the member table.
 */
static void
hits_emit(struct db *db, const int64_t *ids, size_t n, member_hit_fn *cb,
    void *arg)
{
	const char		*row = hits_row_sql();
	struct hits		*cache = db_hits(db);
	uint64_t		 buf[2048];	/* aligned records */
	ssize_t			 at[SEARCH_LIMIT_MAX];
	msgpack_sbuffer		 sb;
	sqlite3_stmt		*st;
	const char		*p;
	size_t			 i, len;

	for (i = 0; i < n; i++)
		at[i] = -1;
	if (cache != NULL && hits_sync(cache, db) == 0 &&
	    hits_copy(cache, ids, n, (char *)buf, sizeof buf, at) == n) {
		for (i = 0; i < n; i++) {
			p = hits_row((char *)buf, at[i], &len);
			cb(p, len, arg);
		}
		return;
	}
	msgpack_sbuffer_init(&sb);
	for (i = 0; i < n; i++) {
		if (at[i] >= 0) {
			p = hits_row((char *)buf, at[i], &len);
			cb(p, len, arg);
			continue;
		}
		if ((st = db_prep(db, row)) == NULL)
			break;
		sqlite3_bind_int64(st, 1, ids[i]);
		if (sqlite3_step(st) != SQLITE_ROW)
			continue;
		sb.size = 0;
		hits_pack_row(st, &sb);
		cb(sb.data, sb.size, arg);
	}
	msgpack_sbuffer_destroy(&sb);
}

int
member_search(struct db *db, const char *query, struct member_page *pg,
    member_hit_fn *cb, void *arg, struct perr *err)
{
	struct search		 s;
	sqlite3_stmt		*st;
	char			*t, *q;
	int64_t			 total, ids[SEARCH_LIMIT_MAX];
	size_t			 n = 0;
	int			 rc;

	if (pg->limit < 1 || pg->limit > SEARCH_LIMIT_MAX)
		return perr_set(err, ERR_INVALID, "limit",
		    "limit must be 1-%d", SEARCH_LIMIT_MAX);
	if (pg->offset < 0 || pg->offset > 100000)
		return perr_set(err, ERR_INVALID, "offset",
		    "offset must be 0-100000");
	if (member_text(query != NULL ? query : "", "q", 0, MEMBER_NAME_MAX, 0,
	    &t, err) != 0)
		return -1;
	q = fold(t);
	free(t);
	memset(&s, 0, sizeof s);
	s.q = q;
	search_classify(db, &s);
	pg->total = pg->capped = 0;
	if (s.empty) {
		free(q);
		return 0;
	}
	st = search_bind(db, search_sql[s.k].count, &s, pg->include_archived,
	    SEARCH_COUNT_CAP + 1, 0);
	if (st == NULL || ((rc = sqlite3_step(st)) != SQLITE_ROW &&
	    rc != SQLITE_DONE)) {
		free(q);
		return perr_set(err, ERR_INTERNAL, NULL, "database error");
	}
	total = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
	pg->capped = total > SEARCH_COUNT_CAP;
	pg->total = pg->capped ? SEARCH_COUNT_CAP : (int)total;
	st = search_bind(db, search_sql[s.k].rows, &s, pg->include_archived,
	    pg->limit, pg->offset);
	while (st != NULL && n < (size_t)pg->limit &&
	    sqlite3_step(st) == SQLITE_ROW)
		ids[n++] = sqlite3_column_int64(st, 0);
	free(q);
	hits_emit(db, ids, n, cb, arg);
	return 0;
}
