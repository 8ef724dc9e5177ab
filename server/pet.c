/*
 * Pets (C1): species, breed, sex, dates, weight, microchip, adoption.  A
 * pet belongs to an active member; the names of active pets feed the
 * member search index, so every change of a name or of archived rebuilds
 * the member's grams.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "match.h"
#include "db.h"
#include "pawd.h"
#include "utf8.h"
#include "xmalloc.h"

#define PET_COLS	ENTITY_COLS(PET_FIELDS)

const struct entity pet_entity = { "pet",
    ENTITY_TABLE(PET_FIELDS, struct pet) };

const char *const pet_species[] = { "dog", "cat", "rabbit", "bird", "fish",
    "reptile", "small_pet", "other", NULL };
const char *const pet_sexes[] = { "male", "female", "unknown", NULL };

/* A date that is valid and not after today, or "" (unknown). */
static int
past_date(const char *d, const char *field, struct perr *err)
{
	char	today[11];

	if (d == NULL || d[0] == '\0')
		return 0;
	if (!clock_date_valid(d))
		return perr_set(err, ERR_INVALID, field,
		    "%s must be a date YYYY-MM-DD", field);
	clock_today(today);
	if (strcmp(d, today) > 0)
		return perr_set(err, ERR_INVALID, field,
		    "%s cannot be in the future", field);
	return 0;
}

/* The checked and trimmed text fields of a pet_in (NULL if not given). */
struct pet_norm {
	char	*name, *breed, *colour, *source, *health, *photo, *note;
};

static void
pet_norm_free(struct pet_norm *n)
{
	free(n->name);
	free(n->breed);
	free(n->colour);
	free(n->source);
	free(n->health);
	free(n->photo);
	free(n->note);
}

/* One optional text field: checked and trimmed into *out when given. */
static int
pet_text(const char *in, const char *field, size_t min, size_t max,
    int multiline, char **out, struct perr *err)
{
	if (in == NULL)
		return 0;
	return member_text(in, field, min, max, multiline, out, err);
}

static int
pet_check_text(const struct pet_in *in, int creating, struct pet_norm *n,
    struct perr *err)
{
	memset(n, 0, sizeof *n);
	if (creating && in->name == NULL)
		return perr_set(err, ERR_INVALID, "name", "name is required");
	if (pet_text(in->name, "name", 1, PET_NAME_MAX, 0, &n->name,
	    err) != 0 ||
	    pet_text(in->breed, "breed", 0, PET_BREED_MAX, 0, &n->breed,
	    err) != 0 ||
	    pet_text(in->colour, "colour", 0, PET_COLOUR_MAX, 0, &n->colour,
	    err) != 0 ||
	    pet_text(in->adoption_source, "adoption_source", 0, PET_SOURCE_MAX,
	    0, &n->source, err) != 0 ||
	    pet_text(in->health, "health", 0, PET_HEALTH_MAX, 1, &n->health,
	    err) != 0 ||
	    pet_text(in->photo, "photo", 0, PET_PHOTO_MAX, 0, &n->photo,
	    err) != 0 ||
	    pet_text(in->note, "note", 0, PET_NOTE_MAX, 1, &n->note, err) != 0)
		return -1;
	if (n->photo != NULL && strlen(n->photo) > 250)
		return perr_set(err, ERR_INVALID, "photo",
		    "photo path too long");
	return 0;
}

static int
microchip_valid(const char *c)
{
	return match_pattern(MICROCHIP_PATTERN, NULL, c);
}

/* The microchip must not be on another pet. */
static int
microchip_free(struct db *db, const char *chip, int64_t self, struct perr *err)
{
	static const char sql[] = "SELECT id FROM pet WHERE microchip = ?";
	sqlite3_stmt	*st;

	if (chip == NULL || chip[0] == '\0')
		return 0;
	if ((st = db_prep(db, sql)) == NULL)
		return perr_set(err, ERR_INTERNAL, NULL, "database error");
	db_bind_text(st, 1, chip);
	if (sqlite3_step(st) == SQLITE_ROW &&
	    sqlite3_column_int64(st, 0) != self)
		return perr_set(err, ERR_CONFLICT, "microchip",
		    "microchip %s is already registered to pet %lld", chip,
		    (long long)sqlite3_column_int64(st, 0));
	return 0;
}

/*
 * Validate the given fields against the pet as it will be (p: as it is,
 * zeroed when creating); trimmed text into n (free it).
 */
static int
pet_check(struct db *db, const struct pet_in *in, const struct pet *p,
    struct pet_norm *n, struct perr *err)
{
	const char	*birth, *adopt;

	birth = in->birth_date != NULL ? in->birth_date : p->birth_date;
	adopt = in->adoption_date != NULL ? in->adoption_date :
	    p->adoption_date;

	if (pet_check_text(in, p->id == 0, n, err) != 0)
		return -1;
	if (p->id == 0 && in->species == NULL)
		return perr_set(err, ERR_INVALID, "species",
		    "species is required");
	if (in->species != NULL && !one_of(in->species, pet_species))
		return perr_set(err, ERR_INVALID, "species",
		    "species must be dog, cat, rabbit, bird, fish, reptile, "
		    "small_pet or other");
	if (in->sex != NULL && !one_of(in->sex, pet_sexes))
		return perr_set(err, ERR_INVALID, "sex",
		    "sex must be male, female or unknown");
	if (past_date(in->birth_date, "birth_date", err) != 0 ||
	    past_date(in->adoption_date, "adoption_date", err) != 0)
		return -1;
	if (birth[0] != '\0' && adopt[0] != '\0' && strcmp(adopt, birth) < 0)
		return perr_set(err, ERR_INVALID, "adoption_date",
		    "adoption_date cannot be before birth_date");
	if (in->weight_g != INT64_MIN &&
	    (in->weight_g < 0 || in->weight_g > PET_WEIGHT_MAX))
		return perr_set(err, ERR_INVALID, "weight_g",
		    "weight_g must be 0-%d grams", PET_WEIGHT_MAX);
	if (in->microchip != NULL && in->microchip[0] != '\0' &&
	    !microchip_valid(in->microchip))
		return perr_set(err, ERR_INVALID, "microchip",
		    "microchip must be 15 digits (ISO 11784)");
	return microchip_free(db, in->microchip, p->id, err);
}

/* The member must exist (not_found) and be active (invalid). */
static int
pet_owner(struct db *db, int64_t member, struct perr *err)
{
	struct member	m;

	if (member_get(db, member, NULL, &m, err) != 0) {
		err->field = "member_id";
		return -1;
	}
	if (m.archived)
		return perr_set(err, ERR_INVALID, "member_id",
		    "member %s is archived", m.card_no);
	return 0;
}

static int64_t
pet_insert(struct db *db, int64_t member, const struct pet_in *in,
    const struct pet_norm *n, struct pet *out, struct perr *err)
{
	static const char sql[] =
	    "INSERT INTO pet (member_id, name, species, breed, sex, neutered, "
	    "birth_date, colour, weight_g, microchip, adopted, adoption_date, "
	    "adoption_source, health, photo, note, created, updated) VALUES "
	    "(?1, ?2, ?3, ?4, ?5, ?6, nullif(?7, ''), ?8, ?9, nullif(?10, ''), "
	    "?11, nullif(?12, ''), ?13, ?14, ?15, ?16, ?17, ?17) "
	    "RETURNING " PET_COLS;
	sqlite3_stmt	*st;

	if ((st = db_prep(db, sql)) == NULL)
		return perr_set(err, ERR_INTERNAL, NULL, "database error");
	sqlite3_bind_int64(st, 1, member);
	db_bind_text(st, 2, n->name);
	db_bind_text(st, 3, in->species);
	db_bind_text(st, 4, n->breed ? n->breed : "");
	db_bind_text(st, 5, in->sex ? in->sex : "unknown");
	sqlite3_bind_int(st, 6, in->neutered > 0);
	db_bind_text(st, 7, in->birth_date);
	db_bind_text(st, 8, n->colour ? n->colour : "");
	if (in->weight_g != INT64_MIN)
		sqlite3_bind_int64(st, 9, in->weight_g);
	db_bind_text(st, 10, in->microchip);
	/* An adoption date means the pet was adopted here. */
	sqlite3_bind_int(st, 11, in->adopted > 0 || (in->adopted < 0 &&
	    in->adoption_date != NULL && in->adoption_date[0] != '\0'));
	db_bind_text(st, 12, in->adoption_date);
	db_bind_text(st, 13, n->source ? n->source : "");
	db_bind_text(st, 14, n->health ? n->health : "");
	db_bind_text(st, 15, n->photo ? n->photo : "");
	db_bind_text(st, 16, n->note ? n->note : "");
	sqlite3_bind_int64(st, 17, clock_now());
	if (entity_step(db, st, &pet_entity, out) != 1)
		return perr_set(err, ERR_INTERNAL, NULL, "database error");
	return out->id;
}

int64_t
pet_create(struct db *db, int64_t member, const struct pet_in *in,
    struct pet *out, struct perr *err)
{
	struct pet	 none, row;
	struct pet_norm	 n;
	int64_t		 id = -1;

	memset(&none, 0, sizeof none);
	memset(&n, 0, sizeof n);
	if (pet_owner(db, member, err) != 0 ||
	    pet_check(db, in, &none, &n, err) != 0)
		goto out;
	if ((id = pet_insert(db, member, in, &n, out ? out : &row, err)) < 0)
		goto out;
	if (member_index(db, member) != 0)
		id = perr_set(err, ERR_INTERNAL, NULL,
		    "search index not saved");
out:
	pet_norm_free(&n);
	return id;
}

static int
pet_write(struct db *db, int64_t id, const struct pet_in *in,
    const struct pet_norm *n, struct pet *out)
{
	static const char sql[] =
	    "UPDATE pet SET name = coalesce(?2, name), "
	    "species = coalesce(?3, species), breed = coalesce(?4, breed), "
	    "sex = coalesce(?5, sex), "
	    "neutered = CASE WHEN ?6 < 0 THEN neutered ELSE ?6 END, "
	    "birth_date = CASE WHEN ?7 IS NULL THEN birth_date "
	    "ELSE nullif(?7, '') END, "
	    "colour = coalesce(?8, colour), "
	    "weight_g = CASE WHEN ?9 IS NULL THEN weight_g ELSE ?9 END, "
	    "microchip = CASE WHEN ?10 IS NULL THEN microchip "
	    "ELSE nullif(?10, '') END, "
	    "adopted = CASE WHEN ?11 < 0 THEN adopted ELSE ?11 END, "
	    "adoption_date = CASE WHEN ?12 IS NULL THEN adoption_date "
	    "ELSE nullif(?12, '') END, "
	    "adoption_source = coalesce(?13, adoption_source), "
	    "health = coalesce(?14, health), photo = coalesce(?15, photo), "
	    "note = coalesce(?16, note), updated = ?17 WHERE id = ?1 "
	    "RETURNING " PET_COLS;
	sqlite3_stmt	*st;

	if ((st = db_prep(db, sql)) == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	db_bind_text(st, 2, n->name);
	db_bind_text(st, 3, in->species);
	db_bind_text(st, 4, n->breed);
	db_bind_text(st, 5, in->sex);
	sqlite3_bind_int(st, 6, in->neutered < 0 ? -1 : in->neutered > 0);
	db_bind_text(st, 7, in->birth_date);
	db_bind_text(st, 8, n->colour);
	if (in->weight_g != INT64_MIN)
		sqlite3_bind_int64(st, 9, in->weight_g);
	db_bind_text(st, 10, in->microchip);
	if (in->adopted >= 0)
		sqlite3_bind_int(st, 11, in->adopted > 0);
	else
		sqlite3_bind_int(st, 11, in->adoption_date != NULL &&
		    in->adoption_date[0] != '\0' ? 1 : -1);
	db_bind_text(st, 12, in->adoption_date);
	db_bind_text(st, 13, n->source);
	db_bind_text(st, 14, n->health);
	db_bind_text(st, 15, n->photo);
	db_bind_text(st, 16, n->note);
	sqlite3_bind_int64(st, 17, clock_now());
	return entity_step(db, st, &pet_entity, out) == 1 ? 0 : -1;
}

int
pet_update(struct db *db, int64_t id, const struct pet_in *in,
    struct pet *before, struct pet *after, struct perr *err)
{
	struct pet	 p, row;
	struct pet_norm	 n;
	int		 rc = -1;

	memset(&n, 0, sizeof n);
	if (pet_get(db, id, &p, err) != 0)
		return -1;
	if (p.archived)
		return perr_set(err, ERR_CONFLICT, "id", "pet %lld is archived",
		    (long long)id);
	if (pet_owner(db, p.member_id, err) != 0) {
		err->code = ERR_CONFLICT;
		err->field = "id";
		goto out;
	}
	if (pet_check(db, in, &p, &n, err) != 0)
		goto out;
	if (before != NULL)
		*before = p;
	if (pet_write(db, id, in, &n, after ? after : &row) != 0)
		perr_set(err, ERR_INTERNAL, NULL, "database error");
	else if (n.name != NULL && member_index(db, p.member_id) != 0)
		perr_set(err, ERR_INTERNAL, NULL, "search index not saved");
	else
		rc = 0;
out:
	pet_norm_free(&n);
	return rc;
}

int
pet_archive(struct db *db, int64_t id, const char *reason, struct perr *err)
{
	static const char sql[] =
	    "UPDATE pet SET archived = ?2, archive_reason = ?3, updated = ?2 "
	    "WHERE id = ?1";
	struct pet	 p;
	sqlite3_stmt	*st;
	char		*r;
	int		 rc = -1;

	if (pet_get(db, id, &p, err) != 0)
		return -1;
	if (p.archived)
		return perr_set(err, ERR_CONFLICT, "id",
		    "pet %lld is already archived", (long long)id);
	if (member_text(reason != NULL ? reason : "", "reason", 0,
	    MEMBER_REASON_MAX, 0, &r,
	    err) != 0)
		return -1;
	if ((st = db_prep(db, sql)) != NULL) {
		sqlite3_bind_int64(st, 1, id);
		sqlite3_bind_int64(st, 2, clock_now());
		db_bind_text(st, 3, r);
		rc = db_step_done(db, st);
	}
	free(r);
	if (rc != 0 || member_index(db, p.member_id) != 0)
		return perr_set(err, ERR_INTERNAL, NULL, "database error");
	return 0;
}

int
pet_get(struct db *db, int64_t id, struct pet *p, struct perr *err)
{
	static const char sql[] = "SELECT " PET_COLS " FROM pet WHERE id = ?";
	sqlite3_stmt	*st = db_prep(db, sql);

	if (st == NULL)
		return perr_set(err, ERR_INTERNAL, NULL, "database error");
	sqlite3_bind_int64(st, 1, id);
	switch (entity_step(db, st, &pet_entity, p)) {
	case 1:
		return 0;
	case 0:
		return perr_set(err, ERR_NOT_FOUND, "id", "no such pet");
	default:
		return perr_set(err, ERR_INTERNAL, NULL, "database error");
	}
}

int
pet_list(struct db *db, int64_t member, pet_fn *cb, void *arg)
{
	static const char sql[] =
	    "SELECT " PET_COLS " FROM pet WHERE member_id = ? "
	    "ORDER BY archived IS NOT NULL, id";
	sqlite3_stmt	*st = db_prep(db, sql);
	struct pet	 p;
	int		 n = 0;
	int		 rc = 0;

	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, member);
	while ((rc = db_step(db, st)) == 1) {
		if (entity_row(&pet_entity, st, &p) != 0)
			return -1;
		cb(&p, arg);
		n++;
	}
	return rc < 0 ? -1 : n;
}
