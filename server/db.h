/*
 * The data files' interface to the database: prepared statements, binds,
 * columns.  Only the files that hold SQL (the domain files, audit.c,
 * idem.c, migrate.c) include this header; everything above them sees a
 * struct db and functions that return errors (pawd.h), never SQLite.
 *
 * Every statement is a prepared one with bound parameters: no SQL is ever
 * built from input.  A second implementation on PostgreSQL (for chains
 * that outgrow one machine) implements these functions over libpq with the
 * same statements; the constructs below are SQLite's own, each with what
 * it becomes there:
 *
 *   construct (where)                         on PostgreSQL
 *   ?N parameters (everywhere)                $N
 *   INTEGER PRIMARY KEY rowids, last id       BIGINT GENERATED ... IDENTITY,
 *     (db_last_id)                            INSERT ... RETURNING id
 *   RETURNING (writes answer their row)       the same
 *   triggers writing member_change            the same triggers in PL/pgSQL,
 *     (schema/003)                            or LISTEN/NOTIFY
 *   WITHOUT ROWID tables (member_gram)        ordinary tables, same keys
 *   partial index on microchip (schema/002)   the same, WHERE ... IS NOT NULL
 *   PRAGMA journal_mode, synchronous,         server settings; nothing per
 *     foreign_keys, cache_size, mmap_size,    connection (foreign keys are
 *     query_only (db.c)                       always on; SET TRANSACTION
 *                                             READ ONLY for readers)
 *   PRAGMA integrity_check (db_integrity)     amcheck's bt_index_check
 *   BEGIN IMMEDIATE (db_begin)                BEGIN; writes serialise on
 *                                             row locks / SERIALIZABLE
 *   instr(), substr(), nullif(), coalesce()   strpos(), substr(), the same
 *   blobs (keys, digests)                     bytea
 *   extended result codes (db_errcode)        SQLSTATE (23505 unique ...)
 */
#ifndef DB_H
#define DB_H

#include <sqlite3.h>

#include "pawd.h"

/*
 * A prepared statement for sql, cached by the address of sql (pass string
 * literals): reset and unbound, ready to bind.  NULL on error (logged).
 * The cache grows with the statements the program has.
 */
sqlite3_stmt	*db_prep(struct db *, const char *sql);
/* Bind text or NULL. */
void		 db_bind_text(sqlite3_stmt *, int idx, const char *);
/* Column text, "" never NULL. */
const char	*db_col(sqlite3_stmt *, int idx);
/* A text column into a fixed field of len bytes, cut to fit (hot in lists). */
void		 db_copy_col(char *dst, size_t len, sqlite3_stmt *, int idx);
/* Step a statement expected to finish (DONE); 0 or -1 (logged). */
int		 db_step_done(struct db *, sqlite3_stmt *);
/*
 * Step a statement that returns rows: 1 a row, 0 the end, -1 an error
 * (logged): loops stop on 0 and pass -1 on, never taking it for the end.
 */
int		 db_step(struct db *, sqlite3_stmt *);
/*
 * Run a statement without rows whose one parameter is v (a purge: DELETE
 * ... WHERE expires < ?1): the rows it changed, or -1.
 */
int		 db_run_int(struct db *, const char *sql, int64_t v);
/* SQLITE_CONSTRAINT_UNIQUE et al: the last extended error code. */
int		 db_errcode(struct db *);

/* entity.c */
/* Copy a statement's row (ENTITY_COLS, in order) into row; 0 or -1. */
int		 entity_row(const struct entity *, sqlite3_stmt *, void *row);
/*
 * Pack a statement of entity_select(mask) as entity_pack would its row,
 * from the columns themselves (ID, INT, BOOL, SINCE and text fields only):
 * 0, or -1 for a field of another type.
 */
int		 entity_pack_stmt(const struct entity *, sqlite3_stmt *,
		    int mask, msgpack_packer *);
/* The same for a statement of entity_select(mask): those fields only. */
int		 entity_row_mask(const struct entity *, sqlite3_stmt *,
		    void *row, int mask);
/*
 * Step a statement that returns at most one row of the entity (a get, an
 * INSERT or UPDATE ... RETURNING): 1 copied into row (if not NULL) and the
 * statement finished, 0 no row, -1 an error.
 */
int		 entity_step(struct db *, sqlite3_stmt *, const struct entity *,
		    void *row);

/* hits.c */
/*
 * Append the result-list row of a statement of hits_row_sql() (the
 * member's EF_LIST columns) to sb, packed as member.search answers it: a
 * map of those fields, the phone masked.  The cache keeps rows in this
 * form, so a page of results is a copy.
 */
void		 hits_pack_row(sqlite3_stmt *, msgpack_sbuffer *);
/* SELECT the EF_LIST columns FROM member WHERE id = ?1 (built once). */
const char	*hits_row_sql(void);

#endif
