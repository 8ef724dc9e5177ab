/*
 * The search result-list row of every member (id, card, name, masked phone,
 * branch, archived, pet names), in memory, already packed, indexed by id.
 *
 * A search finds member ids in its index (grams, phone suffixes, cards);
 * reading each hit's row from the member table would cost a B-tree descent
 * per row, most of a 50-row page's time over a million members.  Here it is
 * a copy.  The cache is shared by the event loops: a read lock around
 * the copy of one page, a write lock around the swap of changed records.
 *
 * It follows the database, not the code that writes it: triggers log every
 * change of those fields to member_change (schema/003), whoever made it,
 * and hits_sync() applies what is newer than the cache before a search.
 * A member missing here (too new) is read from the table by the caller.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "log.h"
#include "db.h"
#include "pawd.h"
#include "xmalloc.h"

void
hits_pack_row(sqlite3_stmt *st, msgpack_sbuffer *sb)
{
	msgpack_packer	pk;

	msgpack_packer_init(&pk, sb, msgpack_sbuffer_write);
	entity_pack_stmt(&member_entity, st, EF_LIST, &pk);
}

/* Member ids beyond this are not cached (ids are dense from 1). */
#define HITS_MAX_ID	(64 * 1024 * 1024)

/* One member's result-list row, packed as a search answers it. */
struct hit_rec {
	uint32_t size;		/* of the whole record */
	char	 row[];
};

struct hits {
	pthread_rwlock_t lock;		/* v, cap, the records */
	pthread_mutex_t	 sync;		/* one thread applies changes */
	struct hit_rec	**v;
	size_t		 cap;
	size_t		 count;
	size_t		 bytes;		/* of the records */
	_Atomic int64_t	 seq;		/* member_change applied up to */
};

/*
 * The list fields only (not the whole row): the statements are built from
 * the member's declaration once, before any loop runs a search.
 */
static pthread_once_t	 sql_once = PTHREAD_ONCE_INIT;
static char		*sql_all, *sql_row;

static void
sql_build(void)
{
	sql_all = entity_select(&member_entity, EF_LIST, "FROM member");
	sql_row = entity_select(&member_entity, EF_LIST,
	    "FROM member WHERE id = ?");
}

const char *
hits_row_sql(void)
{
	pthread_once(&sql_once, sql_build);
	return sql_row;
}

/* sb is scratch space, reused from row to row. */
static struct hit_rec *
rec_from_row(sqlite3_stmt *st, msgpack_sbuffer *sb)
{
	struct hit_rec	*r;

	sb->size = 0;
	hits_pack_row(st, sb);
	r = xmalloc(sizeof *r + sb->size);
	r->size = (uint32_t)(sizeof *r + sb->size);
	memcpy(r->row, sb->data, sb->size);
	return r;
}

/* Put (or with r NULL, drop) the record of id; the write lock is held. */
static void
put_locked(struct hits *h, int64_t id, struct hit_rec *r)
{
	size_t	ncap;

	if ((size_t)id >= h->cap) {
		if (r == NULL)
			return;
		for (ncap = h->cap ? h->cap : 1024; ncap <= (size_t)id;)
			ncap *= 2;
		h->v = xrealloc(h->v, ncap * sizeof *h->v);
		memset(h->v + h->cap, 0, (ncap - h->cap) * sizeof *h->v);
		h->cap = ncap;
	}
	if (h->v[id] != NULL) {
		h->count--;
		h->bytes -= h->v[id]->size;
		free(h->v[id]);
	}
	h->v[id] = r;
	if (r != NULL) {
		h->count++;
		h->bytes += r->size;
	}
}

static const char top_sql[] = "SELECT max(seq) FROM member_change";
static const char bottom_sql[] = "SELECT min(seq) FROM member_change";

/* The newest (top_sql) or oldest (bottom_sql) change logged; -1 on error. */
static int64_t
change_seq(struct db *db, const char *sql)
{
	sqlite3_stmt	*st = db_prep(db, sql);
	int64_t		 v;

	if (st == NULL || sqlite3_step(st) != SQLITE_ROW)
		return -1;
	v = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	return v;
}

/* Every member, as of one snapshot, with the change it is current to. */
static int
load_all(struct hits *h, struct db *db)
{
	const char	*sql;
	struct hits	 fresh;
	sqlite3_stmt	*st;
	struct hit_rec	**old;
	msgpack_sbuffer	 sb;
	size_t		 i, oldcap;
	int64_t		 id, seq;
	int		 rc;

	pthread_once(&sql_once, sql_build);
	sql = sql_all;
	memset(&fresh, 0, sizeof fresh);
	if (db_exec(db, "SAVEPOINT hits_load") != 0)
		return -1;
	msgpack_sbuffer_init(&sb);
	if ((seq = change_seq(db, top_sql)) < 0 ||
	    (st = db_prep(db, sql)) == NULL) {
		db_exec(db, "RELEASE hits_load");
		msgpack_sbuffer_destroy(&sb);
		return -1;
	}
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		id = sqlite3_column_int64(st, 0);
		if (id <= 0 || id >= HITS_MAX_ID)
			continue;
		put_locked(&fresh, id, rec_from_row(st, &sb));
	}
	sqlite3_reset(st);
	msgpack_sbuffer_destroy(&sb);
	db_exec(db, "RELEASE hits_load");
	if (rc != SQLITE_DONE) {
		for (i = 0; i < fresh.cap; i++)
			free(fresh.v[i]);
		free(fresh.v);
		return -1;
	}
	pthread_rwlock_wrlock(&h->lock);
	old = h->v;
	oldcap = h->cap;
	h->v = fresh.v;
	h->cap = fresh.cap;
	h->count = fresh.count;
	h->bytes = fresh.bytes;
	pthread_rwlock_unlock(&h->lock);
	atomic_store(&h->seq, seq);
	for (i = 0; i < oldcap; i++)
		free(old[i]);
	free(old);
	return 0;
}

struct hits *
hits_load(struct db *db)
{
	struct hits	*h = xcalloc(1, sizeof *h);
	int64_t		 t0 = clock_ms();

	pthread_rwlock_init(&h->lock, NULL);
	pthread_mutex_init(&h->sync, NULL);
	if (load_all(h, db) != 0) {
		log_error("member lists: cannot load the cache");
		hits_free(h);
		return NULL;
	}
	log_info("member lists: %zu members cached (%zu kB) in %lld ms",
	    h->count, (h->bytes + h->cap * sizeof *h->v) / 1024,
	    (long long)(clock_ms() - t0));
	return h;
}

void
hits_free(struct hits *h)
{
	size_t	i;

	if (h == NULL)
		return;
	for (i = 0; i < h->cap; i++)
		free(h->v[i]);
	free(h->v);
	pthread_rwlock_destroy(&h->lock);
	pthread_mutex_destroy(&h->sync);
	free(h);
}

/* Re-read the members changed after seq `from` up to `to`. */
static int
apply_changes(struct hits *h, struct db *db, int64_t from, int64_t to)
{
	static const char changed[] =
	    "SELECT DISTINCT member_id FROM member_change "
	    "WHERE seq > ?1 AND seq <= ?2";
	const char	*row = hits_row_sql();
	sqlite3_stmt	*st, *rs;
	struct hit_rec	*r;
	msgpack_sbuffer	 sb;
	int64_t		 id;
	int		 rc;

	if ((st = db_prep(db, changed)) == NULL ||
	    (rs = db_prep(db, row)) == NULL)
		return -1;
	msgpack_sbuffer_init(&sb);
	sqlite3_bind_int64(st, 1, from);
	sqlite3_bind_int64(st, 2, to);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		id = sqlite3_column_int64(st, 0);
		if (id <= 0 || id >= HITS_MAX_ID)
			continue;
		sqlite3_reset(rs);
		sqlite3_bind_int64(rs, 1, id);
		r = sqlite3_step(rs) == SQLITE_ROW ? rec_from_row(rs, &sb) : NULL;
		pthread_rwlock_wrlock(&h->lock);
		put_locked(h, id, r);
		pthread_rwlock_unlock(&h->lock);
	}
	sqlite3_reset(rs);
	msgpack_sbuffer_destroy(&sb);
	return rc == SQLITE_DONE ? 0 : -1;
}

int
hits_sync(struct hits *h, struct db *db)
{
	int64_t	top = change_seq(db, top_sql), seq, bottom;
	int	rc = 0;

	if (top < 0)
		return -1;
	if (top == atomic_load(&h->seq))
		return 0;
	pthread_mutex_lock(&h->sync);
	seq = atomic_load(&h->seq);
	if (top > seq && (bottom = change_seq(db, bottom_sql)) >= 0 &&
	    bottom <= seq + 1) {
		if ((rc = apply_changes(h, db, seq, top)) == 0)
			atomic_store(&h->seq, top);
	} else if (top < seq && !db_fresh(db)) {
		/*
		 * This snapshot began before another loop brought the cache
		 * further: the cache is newer, not wrong.  Only a snapshot as
		 * of now can tell that the log went back.
		 */
		rc = 0;
	} else if (top != seq) {
		/* Too far behind, or the log went back (a restored file). */
		log_info("member lists: reloading (at change %lld, log %lld)",
		    (long long)seq, (long long)top);
		rc = load_all(h, db);
	}
	pthread_mutex_unlock(&h->sync);
	return rc;
}

size_t
hits_copy(struct hits *h, const int64_t *ids, size_t n, char *buf,
    size_t len, ssize_t *at)
{
	struct hit_rec	*r;
	size_t		 used = 0, found = 0, i;

	pthread_rwlock_rdlock(&h->lock);
	for (i = 0; i < n; i++) {
		at[i] = -1;
		if (ids[i] <= 0 || (size_t)ids[i] >= h->cap ||
		    (r = h->v[ids[i]]) == NULL)
			continue;
		if (r->size > len - used)
			continue;
		memcpy(buf + used, r, r->size);
		at[i] = (ssize_t)used;
		used += (r->size + 7) & ~(size_t)7;
		if (used > len)
			used = len;
		found++;
	}
	pthread_rwlock_unlock(&h->lock);
	return found;
}

const char *
hits_row(const char *buf, ssize_t at, size_t *len)
{
	const struct hit_rec	*r = (const struct hit_rec *)(buf + at);

	*len = r->size - sizeof *r;
	return r->row;
}
