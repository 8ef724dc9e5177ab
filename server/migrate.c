/*
 * Schema migrations: schema/NNN-name.sql applied in order, each in its own
 * transaction together with its row in schema_migration.  Files are never
 * edited once shipped; a new change is a new file.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "log.h"
#include "pawd.h"
#include "xmalloc.h"

static int
migrate_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static char *
migrate_read(const char *path)
{
	FILE	*f;
	long	 n;
	char	*s;

	if ((f = fopen(path, "r")) == NULL)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	s = xmalloc((size_t)n + 1);
	if (fread(s, 1, (size_t)n, f) != (size_t)n) {
		fclose(f);
		free(s);
		return NULL;
	}
	s[n] = '\0';
	fclose(f);
	return s;
}

static int
migrate_applied(struct db *db, const char *name)
{
	static const char sql[] = "SELECT 1 FROM schema_migration WHERE name = ?";
	sqlite3_stmt	*st = db_prep(db, sql);

	db_bind_text(st, 1, name);
	return sqlite3_step(st) == SQLITE_ROW;
}

static int
migrate_one(struct db *db, const char *dir, const char *name)
{
	static const char sql[] =
	    "INSERT INTO schema_migration (name, applied) "
	    "VALUES (?, ?)";
	char		*path = xasprintf("%s/%s", dir, name), *text;
	sqlite3_stmt	*st;
	int		 rc = -1;

	if ((text = migrate_read(path)) == NULL) {
		log_error("migration %s: cannot read", path);
		free(path);
		return -1;
	}
	if (db_begin(db) != 0)
		goto out;
	if (db_exec(db, text) != 0 || (st = db_prep(db, sql)) == NULL) {
		db_rollback(db);
		goto out;
	}
	db_bind_text(st, 1, name);
	sqlite3_bind_int64(st, 2, clock_now());
	if (db_step_done(db, st) != 0 || db_commit(db) != 0) {
		db_rollback(db);
		goto out;
	}
	log_info("applied migration %s", name);
	rc = 0;
out:
	if (rc != 0)
		log_error("migration %s failed", name);
	free(text);
	free(path);
	return rc;
}

int
migrate_run(struct db *db, const char *dir)
{
	DIR		*d;
	struct dirent	*e;
	char	       **names = NULL;
	size_t		 n = 0, i;
	int		 rc = 0;

	if (db_exec(db, "CREATE TABLE IF NOT EXISTS schema_migration ("
	    "name TEXT PRIMARY KEY, applied INTEGER NOT NULL)") != 0)
		return -1;
	if ((d = opendir(dir)) == NULL) {
		log_error("schema directory %s: cannot open", dir);
		return -1;
	}
	while ((e = readdir(d)) != NULL) {
		size_t	len = strlen(e->d_name);

		if (len > 4 && strcmp(e->d_name + len - 4, ".sql") == 0 &&
		    e->d_name[0] >= '0' && e->d_name[0] <= '9') {
			names = xrealloc(names, (n + 1) * sizeof *names);
			names[n++] = xstrdup(e->d_name);
		}
	}
	closedir(d);
	qsort(names, n, sizeof *names, migrate_cmp);
	for (i = 0; i < n; i++) {
		if (rc == 0 && !migrate_applied(db, names[i]))
			rc = migrate_one(db, dir, names[i]);
		free(names[i]);
	}
	free(names);
	return rc;
}
