/*
 * Pets (C1): species, breed, sex, dates, weight, microchip, adoption.  A
 * pet belongs to an active member; its name feeds the member search index.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "pawd.h"
#include "utf8.h"
#include "xmalloc.h"

static const char *species_ok[] = { "dog", "cat", "rabbit", "bird", "fish",
    "reptile", "small_pet", "other" };
static const char *sex_ok[] = { "male", "female", "unknown" };

static int
one_of(const char *v, const char **list, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++) {
		if (strcmp(v, list[i]) == 0)
			return 1;
	}
	return 0;
}

static int
past_date(const char *d, const char *field, struct perr *err)
{
	char	today[11];

	if (d == NULL || d[0] == '\0')
		return 0;
	clock_today(today);
	if (!clock_date_valid(d))
		return perr_set(err, ERR_INVALID, field,
		    "%s must be a date YYYY-MM-DD", field);
	if (strcmp(d, today) > 0)
		return perr_set(err, ERR_INVALID, field,
		    "%s cannot be in the future", field);
	return 0;
}

/* Validate the given fields against the pet as it will be (p: current). */
static int
pet_check(const struct pet_in *in, const struct pet *p, struct perr *err)
{
	const char	*birth = in->birth_date ? in->birth_date : p->birth_date;
	const char	*adopt = in->adoption_date ? in->adoption_date :
			    p->adoption_date;
	size_t		 i;

	if (in->name != NULL && (in->name[0] == '\0' ||
	    utf8_count(in->name) > 30 || in->name[0] == ' '))
		return perr_set(err, ERR_INVALID, "name",
		    "name must be 1-30 characters");
	if (in->species != NULL && !one_of(in->species, species_ok, 8))
		return perr_set(err, ERR_INVALID, "species", "species must be "
		    "dog, cat, rabbit, bird, fish, reptile, small_pet or other");
	if (in->sex != NULL && !one_of(in->sex, sex_ok, 3))
		return perr_set(err, ERR_INVALID, "sex",
		    "sex must be male, female or unknown");
	if (past_date(in->birth_date, "birth_date", err) != 0 ||
	    past_date(in->adoption_date, "adoption_date", err) != 0)
		return -1;
	if (birth[0] != '\0' && adopt[0] != '\0' && strcmp(adopt, birth) < 0)
		return perr_set(err, ERR_INVALID, "adoption_date",
		    "adoption_date cannot be before birth_date");
	if (in->weight_g != INT64_MIN && (in->weight_g < 0 || in->weight_g > 200000))
		return perr_set(err, ERR_INVALID, "weight_g",
		    "weight_g must be 0-200000 grams");
	if (in->microchip != NULL && in->microchip[0] != '\0') {
		for (i = 0; in->microchip[i] != '\0'; i++) {
			if (!isdigit((unsigned char)in->microchip[i]))
				break;
		}
		if (i != 15 || in->microchip[i] != '\0')
			return perr_set(err, ERR_INVALID, "microchip",
			    "microchip must be 15 digits (ISO 11784)");
	}
	if ((in->breed && utf8_count(in->breed) > 40) ||
	    (in->colour && utf8_count(in->colour) > 20) ||
	    (in->adoption_source && utf8_count(in->adoption_source) > 60) ||
	    (in->health && utf8_count(in->health) > 200) ||
	    (in->photo && strlen(in->photo) > 250) ||
	    (in->note && utf8_count(in->note) > 500))
		return perr_set(err, ERR_INVALID, NULL, "a text field is too long");
	return 0;
}

static int
pet_conflict(struct db *db, struct perr *err)
{
	if ((db_errcode(db) & 0xff) == SQLITE_CONSTRAINT)
		return perr_set(err, ERR_CONFLICT, "microchip",
		    "this microchip is already registered");
	return perr_set(err, ERR_INTERNAL, NULL, "database error");
}

int64_t
pet_create(struct db *db, int64_t member, const struct pet_in *in,
    struct perr *err)
{
	static const char sql[] =
	    "INSERT INTO pet (member_id, name, species, breed, sex, neutered, "
	    "birth_date, colour, weight_g, microchip, adopted, adoption_date, "
	    "adoption_source, health, photo, note, created, updated) VALUES "
	    "(?1, ?2, ?3, ?4, ?5, ?6, nullif(?7, ''), ?8, ?9, nullif(?10, ''), "
	    "?11, nullif(?12, ''), ?13, ?14, ?15, ?16, ?17, ?17)";
	struct member	 m;
	struct pet	 none;
	sqlite3_stmt	*st;
	int64_t		 id;

	memset(&none, 0, sizeof none);
	if (member_get(db, member, NULL, &m, err) != 0) {
		err->field = "member_id";
		return -1;
	}
	if (m.archived)
		return perr_set(err, ERR_INVALID, "member_id",
		    "member %s is archived", m.card_no);
	if (pet_check(in, &none, err) != 0)
		return -1;
	if ((st = db_prep(db, sql)) == NULL)
		return perr_set(err, ERR_INTERNAL, NULL, "database error");
	sqlite3_bind_int64(st, 1, member);
	db_bind_text(st, 2, in->name);
	db_bind_text(st, 3, in->species);
	db_bind_text(st, 4, in->breed ? in->breed : "");
	db_bind_text(st, 5, in->sex ? in->sex : "unknown");
	sqlite3_bind_int(st, 6, in->neutered > 0);
	db_bind_text(st, 7, in->birth_date);
	db_bind_text(st, 8, in->colour ? in->colour : "");
	if (in->weight_g != INT64_MIN)
		sqlite3_bind_int64(st, 9, in->weight_g);
	db_bind_text(st, 10, in->microchip);
	sqlite3_bind_int(st, 11, in->adopted > 0);
	db_bind_text(st, 12, in->adoption_date);
	db_bind_text(st, 13, in->adoption_source ? in->adoption_source : "");
	db_bind_text(st, 14, in->health ? in->health : "");
	db_bind_text(st, 15, in->photo ? in->photo : "");
	db_bind_text(st, 16, in->note ? in->note : "");
	sqlite3_bind_int64(st, 17, clock_now());
	if (db_step_done(db, st) != 0)
		return pet_conflict(db, err);
	id = db_last_id(db);
	if (member_index(db, member) != 0)
		return perr_set(err, ERR_INTERNAL, NULL, "index error");
	return id;
}

int
pet_update(struct db *db, int64_t id, const struct pet_in *in, struct perr *err)
{
	static const char sql[] =
	    "UPDATE pet SET name = coalesce(?2, name), "
	    "species = coalesce(?3, species), breed = coalesce(?4, breed), "
	    "sex = coalesce(?5, sex), "
	    "neutered = CASE WHEN ?6 < 0 THEN neutered ELSE ?6 END, "
	    "birth_date = CASE WHEN ?7 IS NULL THEN birth_date ELSE nullif(?7, '') END, "
	    "colour = coalesce(?8, colour), "
	    "weight_g = CASE WHEN ?9 IS NULL THEN weight_g ELSE ?9 END, "
	    "microchip = CASE WHEN ?10 IS NULL THEN microchip ELSE nullif(?10, '') END, "
	    "adopted = CASE WHEN ?11 < 0 THEN adopted ELSE ?11 END, "
	    "adoption_date = CASE WHEN ?12 IS NULL THEN adoption_date "
	    "ELSE nullif(?12, '') END, "
	    "adoption_source = coalesce(?13, adoption_source), "
	    "health = coalesce(?14, health), photo = coalesce(?15, photo), "
	    "note = coalesce(?16, note), updated = ?17 WHERE id = ?1";
	struct pet	 p;
	sqlite3_stmt	*st;

	if (pet_get(db, id, &p, err) != 0 || pet_check(in, &p, err) != 0)
		return -1;
	if ((st = db_prep(db, sql)) == NULL)
		return perr_set(err, ERR_INTERNAL, NULL, "database error");
	sqlite3_bind_int64(st, 1, id);
	db_bind_text(st, 2, in->name);
	db_bind_text(st, 3, in->species);
	db_bind_text(st, 4, in->breed);
	db_bind_text(st, 5, in->sex);
	sqlite3_bind_int(st, 6, in->neutered);
	db_bind_text(st, 7, in->birth_date);
	db_bind_text(st, 8, in->colour);
	if (in->weight_g != INT64_MIN)
		sqlite3_bind_int64(st, 9, in->weight_g);
	db_bind_text(st, 10, in->microchip);
	sqlite3_bind_int(st, 11, in->adopted);
	db_bind_text(st, 12, in->adoption_date);
	db_bind_text(st, 13, in->adoption_source);
	db_bind_text(st, 14, in->health);
	db_bind_text(st, 15, in->photo);
	db_bind_text(st, 16, in->note);
	sqlite3_bind_int64(st, 17, clock_now());
	if (db_step_done(db, st) != 0)
		return pet_conflict(db, err);
	if (in->name != NULL && member_index(db, p.member_id) != 0)
		return perr_set(err, ERR_INTERNAL, NULL, "index error");
	return 0;
}

static const char pet_cols[] =
    "SELECT id, member_id, name, species, breed, sex, neutered, "
    "coalesce(birth_date, ''), colour, coalesce(weight_g, -1), "
    "coalesce(microchip, ''), adopted, coalesce(adoption_date, ''), "
    "adoption_source, health, photo, note, created, updated FROM pet ";

static void
pet_from_row(struct pet *p, sqlite3_stmt *st)
{
	memset(p, 0, sizeof *p);
	p->id = sqlite3_column_int64(st, 0);
	p->member_id = sqlite3_column_int64(st, 1);
	snprintf(p->name, sizeof p->name, "%s", db_col(st, 2));
	snprintf(p->species, sizeof p->species, "%s", db_col(st, 3));
	snprintf(p->breed, sizeof p->breed, "%s", db_col(st, 4));
	snprintf(p->sex, sizeof p->sex, "%s", db_col(st, 5));
	p->neutered = sqlite3_column_int(st, 6);
	snprintf(p->birth_date, sizeof p->birth_date, "%s", db_col(st, 7));
	snprintf(p->colour, sizeof p->colour, "%s", db_col(st, 8));
	p->weight_g = sqlite3_column_int64(st, 9);
	snprintf(p->microchip, sizeof p->microchip, "%s", db_col(st, 10));
	p->adopted = sqlite3_column_int(st, 11);
	snprintf(p->adoption_date, sizeof p->adoption_date, "%s", db_col(st, 12));
	snprintf(p->adoption_source, sizeof p->adoption_source, "%s",
	    db_col(st, 13));
	snprintf(p->health, sizeof p->health, "%s", db_col(st, 14));
	snprintf(p->photo, sizeof p->photo, "%s", db_col(st, 15));
	snprintf(p->note, sizeof p->note, "%s", db_col(st, 16));
	p->created = sqlite3_column_int64(st, 17);
	p->updated = sqlite3_column_int64(st, 18);
}

int
pet_get(struct db *db, int64_t id, struct pet *p, struct perr *err)
{
	static char	 sql[512];
	sqlite3_stmt	*st;

	if (sql[0] == '\0')
		snprintf(sql, sizeof sql, "%sWHERE id = ?", pet_cols);
	st = db_prep(db, sql);
	sqlite3_bind_int64(st, 1, id);
	if (st == NULL || sqlite3_step(st) != SQLITE_ROW)
		return perr_set(err, ERR_NOT_FOUND, "id", "no such pet");
	pet_from_row(p, st);
	return 0;
}

int
pet_list(struct db *db, int64_t member, pet_fn *cb, void *arg)
{
	static char	 sql[512];
	sqlite3_stmt	*st;
	struct pet	 p;
	int		 n = 0;

	if (sql[0] == '\0')
		snprintf(sql, sizeof sql, "%sWHERE member_id = ? ORDER BY id",
		    pet_cols);
	st = db_prep(db, sql);
	sqlite3_bind_int64(st, 1, member);
	while (st != NULL && sqlite3_step(st) == SQLITE_ROW) {
		pet_from_row(&p, st);
		cb(&p, arg);
		n++;
	}
	return n;
}

char *
pet_json(struct db *db, int64_t id)
{
	static const char sql[] =
	    "SELECT json_object('id', id, 'member_id', member_id, 'name', name, "
	    "'species', species, 'breed', breed, 'sex', sex, 'neutered', neutered,"
	    " 'birth_date', birth_date, 'colour', colour, 'weight_g', weight_g, "
	    "'microchip', microchip, 'adopted', adopted, 'adoption_date', "
	    "adoption_date, 'adoption_source', adoption_source, 'health', health,"
	    " 'note', note) FROM pet WHERE id = ?";

	return db_json(db, sql, id);
}
