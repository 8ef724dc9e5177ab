/*
 * Members (C1): validation, card numbers, duplicates, search.  Search keeps
 * an index of single characters and character bigrams of member and pet
 * names (member_gram): a query's bigrams narrow the candidates through the
 * index and instr() confirms the substring, so 2-character Chinese names
 * and 1-character queries are fast at a million members.  Phone suffixes
 * use the phone4 index; totals stop counting at SEARCH_COUNT_CAP.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "clock.h"
#include "pawd.h"
#include "utf8.h"
#include "xmalloc.h"

#define SEARCH_COUNT_CAP	1000
#define NAME_MAX_CHARS		40

static const char member_cols[] =
    "id, card_no, name, phone, coalesce(birthday, ''), address, gender, "
    "branch, consent, tags, note, referral_code, coalesce(archived, 0), "
    "coalesce(archive_reason, ''), created, updated";

static void
copy_col(char *dst, size_t len, sqlite3_stmt *st, int i)
{
	snprintf(dst, len, "%s", db_col(st, i));
}

static void
member_from_row(struct member *m, sqlite3_stmt *st)
{
	memset(m, 0, sizeof *m);
	m->id = sqlite3_column_int64(st, 0);
	copy_col(m->card_no, sizeof m->card_no, st, 1);
	copy_col(m->name, sizeof m->name, st, 2);
	copy_col(m->phone, sizeof m->phone, st, 3);
	copy_col(m->birthday, sizeof m->birthday, st, 4);
	copy_col(m->address, sizeof m->address, st, 5);
	copy_col(m->gender, sizeof m->gender, st, 6);
	copy_col(m->branch, sizeof m->branch, st, 7);
	m->consent = sqlite3_column_int(st, 8);
	copy_col(m->tags, sizeof m->tags, st, 9);
	copy_col(m->note, sizeof m->note, st, 10);
	copy_col(m->referral_code, sizeof m->referral_code, st, 11);
	m->archived = sqlite3_column_int64(st, 12);
	copy_col(m->archive_reason, sizeof m->archive_reason, st, 13);
	m->created = sqlite3_column_int64(st, 14);
	m->updated = sqlite3_column_int64(st, 15);
}

/* Trim spaces; a copy the caller frees. */
static char *
trim(const char *s)
{
	size_t	len;

	while (*s == ' ' || *s == '\t')
		s++;
	len = strlen(s);
	while (len > 0 && (s[len - 1] == ' ' || s[len - 1] == '\t'))
		len--;
	return xmemdupz(s, len);
}

/*
 * Normalise a phone: drop spaces and dashes, "+86" becomes domestic.
 * Chinese mobiles are 1[3-9] and 9 digits; other countries +CC and 6-15
 * digits.  0 or -1.
 */
static int
phone_normal(const char *in, char *out, size_t len)
{
	char	buf[24];
	size_t	n = 0, i, digits = 0;

	for (; *in != '\0'; in++) {
		if (*in == ' ' || *in == '-')
			continue;
		if (n + 1 >= sizeof buf)
			return -1;
		buf[n++] = *in;
	}
	buf[n] = '\0';
	if (strncmp(buf, "+86", 3) == 0)
		memmove(buf, buf + 3, n - 2);
	for (i = buf[0] == '+'; buf[i] != '\0'; i++) {
		if (!isdigit((unsigned char)buf[i]))
			return -1;
		digits++;
	}
	if (buf[0] == '+') {
		if (digits < 8 || digits > 17)
			return -1;
	} else if (digits != 11 || buf[0] != '1' || buf[1] < '3' || buf[1] > '9')
		return -1;
	snprintf(out, len, "%s", buf);
	return 0;
}

void
member_mask_phone(const char *phone, char *out, size_t len)
{
	size_t	n = strlen(phone);

	if (n < 8) {
		snprintf(out, len, "****");
		return;
	}
	snprintf(out, len, "%.3s****%s", phone, phone + n - 4);
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
card_valid(const char *c)
{
	char	body[CARD_LEN];
	size_t	i;

	if (strlen(c) != CARD_LEN || c[0] != '8')
		return 0;
	for (i = 0; i < CARD_LEN; i++) {
		if (!isdigit((unsigned char)c[i]))
			return 0;
	}
	memcpy(body, c, CARD_LEN - 1);
	body[CARD_LEN - 1] = '\0';
	return luhn(body) == c[CARD_LEN - 1];
}

static int
exists(struct db *db, const char *sql, const char *v)
{
	sqlite3_stmt	*st = db_prep(db, sql);

	db_bind_text(st, 1, v);
	return st != NULL && sqlite3_step(st) == SQLITE_ROW;
}

/* A random unused card: "8", 9 random digits, a Luhn digit. */
static void
card_new(struct db *db, char *out)
{
	static const char sql[] = "SELECT 1 FROM member WHERE card_no = ?";

	do {
		snprintf(out, CARD_LEN, "8%09u", randombytes_uniform(1000000000));
		out[CARD_LEN - 1] = luhn(out);
		out[CARD_LEN] = '\0';
	} while (exists(db, sql, out));
}

static void
referral_new(struct db *db, char *out)
{
	static const char sql[] = "SELECT 1 FROM member WHERE referral_code = ?";
	static const char alpha[] = "ABCDEFGHJKMNPQRSTUVWXYZ23456789";
	int	i;

	do {
		for (i = 0; i < 7; i++)
			out[i] = alpha[randombytes_uniform(sizeof alpha - 1)];
		out[7] = '\0';
	} while (exists(db, sql, out));
}

/* The phone must not belong to another member: name their card. */
static int
phone_free(struct db *db, const char *phone, int64_t self, struct perr *err)
{
	static const char sql[] = "SELECT id, card_no FROM member WHERE phone = ?";
	sqlite3_stmt	*st = db_prep(db, sql);

	db_bind_text(st, 1, phone);
	if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_int64(st, 0) != self)
		return perr_set(err, ERR_CONFLICT, "phone",
		    "phone already belongs to member %s", db_col(st, 1));
	return 0;
}

static int
text_ok(const char *s, size_t max_chars, const char *field, struct perr *err)
{
	if (s != NULL && utf8_count(s) > max_chars)
		return perr_set(err, ERR_INVALID, field,
		    "%s must be at most %zu characters", field, max_chars);
	return 0;
}

/* Validate the fields given; fill phone with the normal form. */
static int
member_check(struct db *db, const struct member_in *in, int creating,
    char *name, char *phone, struct perr *err)
{
	char	today[11], *t;

	if (in->name != NULL || creating) {
		t = trim(in->name != NULL ? in->name : "");
		snprintf(name, 128, "%s", t);
		free(t);
		if (name[0] == '\0')
			return perr_set(err, ERR_INVALID, "name", "name is required");
		if (utf8_count(name) > NAME_MAX_CHARS)
			return perr_set(err, ERR_INVALID, "name",
			    "name must be at most %d characters", NAME_MAX_CHARS);
	}
	if ((in->phone != NULL || creating) &&
	    phone_normal(in->phone ? in->phone : "", phone, 24) != 0)
		return perr_set(err, ERR_INVALID, "phone",
		    "phone must be a mobile number such as 13812345678 or "
		    "+country and digits");
	clock_today(today);
	if (in->birthday != NULL && in->birthday[0] != '\0' &&
	    (!clock_date_valid(in->birthday) || strcmp(in->birthday, today) > 0))
		return perr_set(err, ERR_INVALID, "birthday",
		    "birthday must be a past date YYYY-MM-DD");
	if (in->gender != NULL && strcmp(in->gender, "") != 0 &&
	    strcmp(in->gender, "female") != 0 && strcmp(in->gender, "male") != 0 &&
	    strcmp(in->gender, "other") != 0)
		return perr_set(err, ERR_INVALID, "gender",
		    "gender must be female, male or other");
	if (in->branch != NULL && !branch_exists(db, in->branch))
		return perr_set(err, ERR_INVALID, "branch", "no branch %s",
		    in->branch);
	if (in->card_no != NULL && !card_valid(in->card_no))
		return perr_set(err, ERR_INVALID, "card_no",
		    "card number must be 11 digits starting with 8 (check digit)");
	if (text_ok(in->address, 200, "address", err) != 0 ||
	    text_ok(in->note, 500, "note", err) != 0)
		return -1;
	if (in->tags != NULL && strlen(in->tags) > 700)
		return perr_set(err, ERR_INVALID, "tags", "too many tags");
	return 0;
}

int64_t
member_create(struct db *db, const struct member_in *in, struct perr *err)
{
	static const char sql[] =
	    "INSERT INTO member (card_no, name, phone, phone4, birthday, address,"
	    " gender, branch, consent, tags, note, referral_code, referred_by,"
	    " created, updated) VALUES (?, ?, ?, ?, nullif(?, ''), ?, ?, ?, ?, ?,"
	    " ?, ?, ?, ?, ?)";
	static const char ref[] = "SELECT id FROM member WHERE referral_code = ?";
	static const char card[] = "SELECT 1 FROM member WHERE card_no = ?";
	char		 name[128], phone[24], cardno[16], code[12];
	int64_t		 referrer = 0, id, now = clock_now();
	sqlite3_stmt	*st;

	if (member_check(db, in, 1, name, phone, err) != 0 ||
	    phone_free(db, phone, 0, err) != 0)
		return -1;
	if (in->referral_code != NULL) {
		st = db_prep(db, ref);
		db_bind_text(st, 1, in->referral_code);
		if (sqlite3_step(st) != SQLITE_ROW)
			return perr_set(err, ERR_INVALID, "referral_code",
			    "no member has referral code %s", in->referral_code);
		referrer = sqlite3_column_int64(st, 0);
	}
	if (in->card_no != NULL) {
		if (exists(db, card, in->card_no))
			return perr_set(err, ERR_CONFLICT, "card_no",
			    "card %s is already in use", in->card_no);
		snprintf(cardno, sizeof cardno, "%s", in->card_no);
	} else
		card_new(db, cardno);
	referral_new(db, code);
	if ((st = db_prep(db, sql)) == NULL)
		return perr_set(err, ERR_INTERNAL, NULL, "database error");
	db_bind_text(st, 1, cardno);
	db_bind_text(st, 2, name);
	db_bind_text(st, 3, phone);
	db_bind_text(st, 4, phone + strlen(phone) - 4);
	db_bind_text(st, 5, in->birthday);
	db_bind_text(st, 6, in->address ? in->address : "");
	db_bind_text(st, 7, in->gender ? in->gender : "");
	db_bind_text(st, 8, in->branch);
	sqlite3_bind_int(st, 9, in->consent > 0);
	db_bind_text(st, 10, in->tags ? in->tags : "[]");
	db_bind_text(st, 11, in->note ? in->note : "");
	db_bind_text(st, 12, code);
	if (referrer > 0)
		sqlite3_bind_int64(st, 13, referrer);
	sqlite3_bind_int64(st, 14, now);
	sqlite3_bind_int64(st, 15, now);
	if (db_step_done(db, st) != 0)
		return perr_set(err, ERR_INTERNAL, NULL, "database error");
	id = db_last_id(db);
	if (member_index(db, id) != 0)
		return perr_set(err, ERR_INTERNAL, NULL, "index error");
	return id;
}

int
member_update(struct db *db, int64_t id, const struct member_in *in,
    struct perr *err)
{
	static const char sql[] =
	    "UPDATE member SET name = coalesce(?2, name), "
	    "phone = coalesce(?3, phone), phone4 = coalesce(?4, phone4), "
	    "birthday = CASE WHEN ?5 IS NULL THEN birthday ELSE nullif(?5, '') END, "
	    "address = coalesce(?6, address), gender = coalesce(?7, gender), "
	    "branch = coalesce(?8, branch), "
	    "consent = CASE WHEN ?9 < 0 THEN consent ELSE ?9 END, "
	    "tags = coalesce(?10, tags), note = coalesce(?11, note), "
	    "updated = ?12 WHERE id = ?1";
	struct member	 m;
	char		 name[128], phone[24];
	sqlite3_stmt	*st;

	if (member_get(db, id, NULL, &m, err) != 0)
		return -1;
	if (m.archived)
		return perr_set(err, ERR_CONFLICT, "id",
		    "member %s is archived", m.card_no);
	if (member_check(db, in, 0, name, phone, err) != 0 ||
	    (in->phone != NULL && phone_free(db, phone, id, err) != 0))
		return -1;
	if ((st = db_prep(db, sql)) == NULL)
		return perr_set(err, ERR_INTERNAL, NULL, "database error");
	sqlite3_bind_int64(st, 1, id);
	db_bind_text(st, 2, in->name ? name : NULL);
	db_bind_text(st, 3, in->phone ? phone : NULL);
	db_bind_text(st, 4, in->phone ? phone + strlen(phone) - 4 : NULL);
	db_bind_text(st, 5, in->birthday);
	db_bind_text(st, 6, in->address);
	db_bind_text(st, 7, in->gender);
	db_bind_text(st, 8, in->branch);
	sqlite3_bind_int(st, 9, in->consent);
	db_bind_text(st, 10, in->tags);
	db_bind_text(st, 11, in->note);
	sqlite3_bind_int64(st, 12, clock_now());
	if (db_step_done(db, st) != 0)
		return perr_set(err, ERR_INTERNAL, NULL, "database error");
	if (in->name != NULL && member_index(db, id) != 0)
		return perr_set(err, ERR_INTERNAL, NULL, "index error");
	return 0;
}

int
member_archive(struct db *db, int64_t id, const char *reason, struct perr *err)
{
	static const char sql[] =
	    "UPDATE member SET archived = ?, archive_reason = ?, updated = ? "
	    "WHERE id = ?";
	struct member	 m;
	sqlite3_stmt	*st;

	if (member_get(db, id, NULL, &m, err) != 0)
		return -1;
	if (m.archived)
		return perr_set(err, ERR_CONFLICT, "id",
		    "member %s is already archived", m.card_no);
	if (text_ok(reason, 100, "reason", err) != 0)
		return -1;
	if ((st = db_prep(db, sql)) == NULL)
		return perr_set(err, ERR_INTERNAL, NULL, "database error");
	sqlite3_bind_int64(st, 1, clock_now());
	db_bind_text(st, 2, reason ? reason : "");
	sqlite3_bind_int64(st, 3, clock_now());
	sqlite3_bind_int64(st, 4, id);
	return db_step_done(db, st) == 0 ? 0 :
	    perr_set(err, ERR_INTERNAL, NULL, "database error");
}

int
member_get(struct db *db, int64_t id, const char *card, struct member *m,
    struct perr *err)
{
	static char	 by_id[256], by_card[256];
	sqlite3_stmt	*st;

	if (by_id[0] == '\0') {
		snprintf(by_id, sizeof by_id, "SELECT %s FROM member WHERE id = ?",
		    member_cols);
		snprintf(by_card, sizeof by_card,
		    "SELECT %s FROM member WHERE card_no = ?", member_cols);
	}
	st = db_prep(db, card != NULL ? by_card : by_id);
	if (card != NULL)
		db_bind_text(st, 1, card);
	else
		sqlite3_bind_int64(st, 1, id);
	if (st == NULL || sqlite3_step(st) != SQLITE_ROW)
		return perr_set(err, ERR_NOT_FOUND, card ? "card_no" : "id",
		    "no such member");
	member_from_row(m, st);
	return 0;
}

char *
member_json(struct db *db, int64_t id)
{
	static const char sql[] =
	    "SELECT json_object('id', id, 'card_no', card_no, 'name', name, "
	    "'phone', phone, 'birthday', birthday, 'address', address, "
	    "'gender', gender, 'branch', branch, 'consent', consent, "
	    "'tags', json(tags), 'note', note, 'archived', archived, "
	    "'archive_reason', archive_reason) FROM member WHERE id = ?";

	return db_json(db, sql, id);
}

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

/* Byte offsets of the characters of s (n + 1 entries); the count. */
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

static int
gram_add(struct db *db, int64_t id, const char *s)
{
	static const char sql[] =
	    "INSERT OR IGNORE INTO member_gram (gram, member_id) VALUES (?, ?)";
	size_t		 off[130], n, i;
	char		*f = fold(s), g[16];
	sqlite3_stmt	*st;
	int		 rc = 0;

	n = char_offsets(f, off, 128);
	for (i = 0; i < n && rc == 0; i++) {
		size_t	a = off[i], b = off[i + 1], c = i + 2 <= n ? off[i + 2] : b;

		snprintf(g, sizeof g, "%.*s", (int)(b - a), f + a);
		st = db_prep(db, sql);
		db_bind_text(st, 1, g);
		sqlite3_bind_int64(st, 2, id);
		rc = db_step_done(db, st);
		if (i + 1 < n && rc == 0) {
			snprintf(g, sizeof g, "%.*s", (int)(c - a), f + a);
			st = db_prep(db, sql);
			db_bind_text(st, 1, g);
			sqlite3_bind_int64(st, 2, id);
			rc = db_step_done(db, st);
		}
	}
	free(f);
	return rc;
}

int
member_index(struct db *db, int64_t id)
{
	static const char del[] = "DELETE FROM member_gram WHERE member_id = ?";
	static const char names[] =
	    "SELECT name FROM member WHERE id = ?1 "
	    "UNION SELECT name FROM pet WHERE member_id = ?1";
	sqlite3_stmt	*st = db_prep(db, del);
	char	       **list = NULL;
	size_t		 n = 0, i;
	int		 rc;

	sqlite3_bind_int64(st, 1, id);
	if ((rc = db_step_done(db, st)) != 0)
		return -1;
	st = db_prep(db, names);
	sqlite3_bind_int64(st, 1, id);
	while (sqlite3_step(st) == SQLITE_ROW) {
		list = xrealloc(list, (n + 1) * sizeof *list);
		list[n++] = xstrdup(db_col(st, 0));
	}
	for (i = 0; i < n; i++) {
		if (rc == 0)
			rc = gram_add(db, id, list[i]);
		free(list[i]);
	}
	free(list);
	return rc;
}

/* Pets' names of a member, comma separated, for result lists. */
static void
pets_summary(struct db *db, int64_t id, char *out, size_t len)
{
	static const char sql[] =
	    "SELECT group_concat(name, ', ') FROM (SELECT name FROM pet "
	    "WHERE member_id = ? ORDER BY id LIMIT 5)";
	sqlite3_stmt	*st = db_prep(db, sql);

	sqlite3_bind_int64(st, 1, id);
	out[0] = '\0';
	if (st != NULL && sqlite3_step(st) == SQLITE_ROW)
		snprintf(out, len, "%s", db_col(st, 0));
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

/*
 * The statements of each kind of search.  Each selects the member columns
 * and takes ?1..?3 (the query), ?4 include archived, ?5 limit, ?6 offset.
 */
enum search_kind { S_RECENT, S_CARD, S_PHONE, S_PHONE4, S_PREFIX, S_NAME1,
    S_NAME, S__COUNT };

#define MCOLS "m.id, m.card_no, m.name, m.phone, coalesce(m.birthday, ''), " \
    "m.address, m.gender, m.branch, m.consent, m.tags, m.note, " \
    "m.referral_code, coalesce(m.archived, 0), coalesce(m.archive_reason, ''), " \
    "m.created, m.updated"
#define LIVE " AND (?4 OR m.archived IS NULL)"
#define NAMEMATCH " AND (instr(lower(m.name), ?1) OR EXISTS (SELECT 1 FROM pet p " \
    "WHERE p.member_id = m.id AND instr(lower(p.name), ?1)))"

static const char *search_from[S__COUNT] = {
	[S_RECENT] = "FROM member m WHERE 1" LIVE " ORDER BY m.id DESC",
	[S_CARD] = "FROM member m WHERE m.card_no = ?1" LIVE,
	[S_PHONE] = "FROM member m WHERE m.phone = ?1" LIVE,
	[S_PHONE4] = "FROM member m WHERE m.phone4 = ?1" LIVE " ORDER BY m.id",
	[S_PREFIX] = "FROM member m WHERE ((m.card_no >= ?1 AND m.card_no < ?2) "
	    "OR (m.phone >= ?1 AND m.phone < ?2))" LIVE " ORDER BY m.id",
	[S_NAME1] = "FROM member_gram g JOIN member m ON m.id = g.member_id "
	    "WHERE g.gram = ?1" LIVE NAMEMATCH " ORDER BY g.member_id",
	[S_NAME] = "FROM member_gram g JOIN member m ON m.id = g.member_id "
	    "WHERE g.gram = ?3 AND EXISTS (SELECT 1 FROM member_gram g2 "
	    "WHERE g2.gram = ?2 AND g2.member_id = g.member_id)" LIVE NAMEMATCH
	    " ORDER BY g.member_id",
};

static char	search_rows[S__COUNT][1024];
static char	search_count[S__COUNT][1024];

static void
search_prepare_text(void)
{
	int	k;

	for (k = 0; k < S__COUNT; k++) {
		snprintf(search_rows[k], sizeof search_rows[k],
		    "SELECT " MCOLS " %s LIMIT ?5 OFFSET ?6", search_from[k]);
		snprintf(search_count[k], sizeof search_count[k],
		    "SELECT count(*) FROM (SELECT 1 %s LIMIT %d)", search_from[k],
		    SEARCH_COUNT_CAP);
	}
}

/* Bind the query for its kind: ?1 the text, ?2/?3 per kind. */
static void
search_bind(sqlite3_stmt *st, enum search_kind k, const char *q,
    const char *a, const char *b, int archived)
{
	db_bind_text(st, 1, q);
	if (k == S_PREFIX || k == S_NAME) {
		db_bind_text(st, 2, a);
		db_bind_text(st, 3, b);
	}
	sqlite3_bind_int(st, 4, archived);
}

/* What kind of query is q?  Fills the extra parameters a and b. */
static enum search_kind
search_kind(const char *q, char *norm, char *a, char *b)
{
	size_t	off[130], n;

	if (*q == '\0')
		return S_RECENT;
	if (card_valid(q))
		return S_CARD;
	if (phone_normal(q, norm, 24) == 0)
		return S_PHONE;
	if (all_digits(q) && strlen(q) == 4)
		return S_PHONE4;
	if (all_digits(q) && strlen(q) >= 5) {
		snprintf(a, 32, "%s:", q);	/* ':' sorts right after '9' */
		return S_PREFIX;
	}
	n = char_offsets(q, off, 128);
	if (n < 2)
		return S_NAME1;
	snprintf(a, 32, "%.*s", (int)(off[2] - off[0]), q);
	snprintf(b, 32, "%.*s", (int)(off[n] - off[n - 2]), q + off[n - 2]);
	return S_NAME;
}

int
member_search(struct db *db, const char *query, struct member_page *pg,
    member_hit_fn *cb, void *arg, struct perr *err)
{
	static int	 ready;
	char		*q = NULL, *t, norm[24], a[32] = "", b[32] = "";
	char		 pets[200];
	enum search_kind k;
	sqlite3_stmt	*st;
	struct member	 m;

	if (!ready) {
		search_prepare_text();
		ready = 1;
	}
	if (pg->limit < 1 || pg->limit > 100)
		return perr_set(err, ERR_INVALID, "limit", "limit must be 1-100");
	if (pg->offset < 0 || pg->offset > 100000)
		return perr_set(err, ERR_INVALID, "offset", "offset out of range");
	t = trim(query != NULL ? query : "");
	q = fold(t);
	free(t);
	if (utf8_count(q) > NAME_MAX_CHARS) {
		free(q);
		return perr_set(err, ERR_INVALID, "q", "query too long");
	}
	k = search_kind(q, norm, a, b);
	if ((st = db_prep(db, search_count[k])) == NULL) {
		free(q);
		return perr_set(err, ERR_INTERNAL, NULL, "database error");
	}
	search_bind(st, k, k == S_PHONE ? norm : q, a, b, pg->include_archived);
	pg->total = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int(st, 0) : 0;
	pg->capped = pg->total >= SEARCH_COUNT_CAP;
	st = db_prep(db, search_rows[k]);
	search_bind(st, k, k == S_PHONE ? norm : q, a, b, pg->include_archived);
	sqlite3_bind_int(st, 5, pg->limit);
	sqlite3_bind_int(st, 6, pg->offset);
	while (sqlite3_step(st) == SQLITE_ROW) {
		member_from_row(&m, st);
		pets_summary(db, m.id, pets, sizeof pets);
		cb(&m, pets, arg);
	}
	free(q);
	return 0;
}

int
feedback_add(struct db *db, int64_t member, const char *kind, const char *text,
    const struct actor *a, struct perr *err)
{
	static const char sql[] =
	    "INSERT INTO feedback (member_id, kind, text, staff, branch, created)"
	    " VALUES (?, ?, ?, ?, ?, ?)";
	struct member	 m;
	sqlite3_stmt	*st;
	char		*t;
	int		 bad;

	if (member_get(db, member, NULL, &m, err) != 0) {
		err->field = "member_id";
		return -1;
	}
	if (strcmp(kind, "good") != 0 && strcmp(kind, "bad") != 0)
		return perr_set(err, ERR_INVALID, "kind", "kind must be good or bad");
	t = trim(text);
	bad = t[0] == '\0' || utf8_count(t) > 500;
	if (bad) {
		free(t);
		return perr_set(err, ERR_INVALID, "text",
		    "text must be 1-500 characters");
	}
	st = db_prep(db, sql);
	sqlite3_bind_int64(st, 1, member);
	db_bind_text(st, 2, kind);
	db_bind_text(st, 3, t);
	db_bind_text(st, 4, a->staff);
	db_bind_text(st, 5, a->branch);
	sqlite3_bind_int64(st, 6, clock_now());
	free(t);
	if (db_step_done(db, st) != 0)
		return perr_set(err, ERR_INTERNAL, NULL, "database error");
	return (int)db_last_id(db);
}

int
feedback_list(struct db *db, int64_t member, int limit, feedback_fn *cb,
    void *arg)
{
	static const char sql[] =
	    "SELECT id, kind, text, coalesce(staff, ''), coalesce(branch, ''), "
	    "created FROM feedback WHERE member_id = ? ORDER BY id DESC LIMIT ?";
	sqlite3_stmt	*st = db_prep(db, sql);
	struct feedback	 f;
	int		 n = 0;

	sqlite3_bind_int64(st, 1, member);
	sqlite3_bind_int(st, 2, limit);
	while (sqlite3_step(st) == SQLITE_ROW) {
		f.id = sqlite3_column_int64(st, 0);
		copy_col(f.kind, sizeof f.kind, st, 1);
		copy_col(f.text, sizeof f.text, st, 2);
		copy_col(f.staff, sizeof f.staff, st, 3);
		copy_col(f.branch, sizeof f.branch, st, 4);
		f.created = sqlite3_column_int64(st, 5);
		cb(&f, arg);
		n++;
	}
	return n;
}
