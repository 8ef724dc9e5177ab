/*
 * Members, pets and feedback (C1): the domain layer (member.c, pet.c).
 * These functions hold the rules and all the SQL; they never see an RPC
 * request.  They return 0 (or a row id) on success and -1 with err filled
 * (code, field, English message) on failure.  Text fields of the input
 * structs are borrowed and NULL when not given; "" clears an optional one.
 */
#ifndef MEMBER_H
#define MEMBER_H

#define CARD_LEN	11	/* "8", 9 digits, a Luhn check digit */
#define CARD_PATTERN	"^8[0-9]{10}$"	/* and the Luhn digit (card_valid) */

/*
 * The limits of members' and pets' fields, in characters: the rules here
 * and the method declarations (rpc-member.c, rpc-pet.c) use these, and the
 * terminal client learns them from system.methods.
 */
#define MEMBER_NAME_MAX		40
#define MEMBER_ADDRESS_MAX	200
#define MEMBER_NOTE_MAX		500
#define MEMBER_REASON_MAX	100
#define MEMBER_TAGS_MAX		20	/* tags */
#define MEMBER_TAG_MAX		20	/* characters of one */
#define MEMBER_REFERRAL_MAX	16
#define FEEDBACK_TEXT_MAX	500
#define SEARCH_OFFSET_MAX	100000
/*
 * A Chinese mobile (+86 optional) or, for other countries, "+", a country
 * code and the number, 7 to 15 digits in all (E.164); spaces and dashes
 * are ignored.
 */
#define PHONE_PATTERN \
    "^((\\+86)?1[3-9][0-9]{9}|\\+[1-79][0-9]{6,14}|\\+8[0-57-9][0-9]{5,13})$"
#define PHONE_IGNORE	" -"
#define PHONE_MAX	24	/* characters as typed */
#define PET_NAME_MAX		30
#define PET_BREED_MAX		40
#define PET_COLOUR_MAX		20
#define PET_SOURCE_MAX		60
#define PET_HEALTH_MAX		200
#define PET_PHOTO_MAX		200
#define PET_NOTE_MAX		500
#define PET_WEIGHT_MAX		200000	/* grams */
#define MICROCHIP_LEN		15	/* ISO 11784 */
#define MICROCHIP_PATTERN	"^[0-9]{15}$"
extern const char *const member_genders[];	/* "", female ... NULL */
extern const char *const pet_species[];		/* dog ... other, NULL */
extern const char *const pet_sexes[];
extern const char *const feedback_kinds[];	/* good, bad */
#define SEARCH_LIMIT	20	/* default page */
#define SEARCH_LIMIT_MAX 100
#define SEARCH_COUNT_CAP 1000	/* totals stop counting here */

/*
 * A member: their fields, declared once (entity.h).  Result lists show
 * the EF_LIST ones (the phone masked), a profile the EF_OUT ones.
 * referral_code is the member's own code; referred_by the member who
 * referred them, -1 if none; archived the epoch, 0 while active.
 */
#define MEMBER_OUT	(EF_OUT | EF_AUDIT)
#define MEMBER_FIELDS(K, F, a) \
    K(a, id, "id", ID, R, MEMBER_OUT | EF_LIST, 0, 0, 0, 0) \
    F(a, card_no, "card_no", PAT, C, MEMBER_OUT | EF_LIST, 0, CARD_LEN, \
	CARD_PATTERN, NULL) \
    F(a, name, "name", TEXT, W, MEMBER_OUT | EF_LIST | EF_REQ, 1, \
	MEMBER_NAME_MAX, 0, 0) \
    F(a, phone, "phone", PAT, W, MEMBER_OUT | EF_LIST | EF_MASK | EF_REQ, 0, \
	PHONE_MAX, PHONE_PATTERN, PHONE_IGNORE) \
    F(a, birthday, "birthday", DATE, W, MEMBER_OUT, 0, 0, 0, 0) \
    F(a, address, "address", TEXT, W, MEMBER_OUT, 0, MEMBER_ADDRESS_MAX, \
	0, 0) \
    F(a, gender, "gender", ENUM, W, MEMBER_OUT, 0, 0, member_genders, 0) \
    F(a, branch, "branch", PAT, W, MEMBER_OUT | EF_LIST, 0, BRANCH_CODE_MAX, \
	BRANCH_CODE_PATTERN, NULL) \
    F(a, consent, "consent", BOOL, W, MEMBER_OUT, 0, 0, 0, 0) \
    F(a, tags, "tags", TAGS, W, MEMBER_OUT, 0, MEMBER_TAGS_MAX, \
	MEMBER_TAG_MAX, 0) \
    F(a, note, "note", TEXT, W, MEMBER_OUT | EF_LINES, 0, MEMBER_NOTE_MAX, \
	0, 0) \
    F(a, referral_code, "referral_code", TEXT, R, MEMBER_OUT, 0, \
	MEMBER_REFERRAL_MAX, 0, 0) \
    F(a, referred_by, "referred_by", INT, R, MEMBER_OUT | EF_NIL, 0, 0, 0, 0) \
    F(a, pets, "pet_names", TEXT, R, EF_LIST, 0, PET_NAMES_MAX, 0, 0) \
    F(a, archived, "archived", SINCE, R, MEMBER_OUT | EF_LIST, 0, 0, 0, 0) \
    F(a, archive_reason, "archive_reason", TEXT, R, MEMBER_OUT | EF_NIL, 0, \
	MEMBER_REASON_MAX, 0, 0) \
    F(a, created, "created", INT, R, EF_OUT, 0, 0, 0, 0) \
    F(a, updated, "updated", INT, R, EF_OUT, 0, 0, 0, 0)

/* The names of up to 5 active pets, as result lists show them. */
#define PET_NAMES_MAX	160	/* characters */

struct member {
	ENTITY_ROW(MEMBER_FIELDS)
};
/* A member as written (entity.h: NULL, -1 when not given). */
struct member_in {
	ENTITY_IN(MEMBER_FIELDS)
};
extern const struct entity member_entity;
/* The columns of a member row (entity_row), for SELECT ... FROM member. */
#define MEMBER_COLS	ENTITY_COLS(MEMBER_FIELDS)

struct member_page {
	int	limit, offset, include_archived;
	int	total;		/* out: matches, at most SEARCH_COUNT_CAP */
	int	capped;		/* out: 1 if there are more than total */
};

struct member_counts {
	int	pets;		/* active pets */
	int	feedback, good, bad;
};

/*
 * A pet: its fields, declared once (entity.h).  weight_g is -1 when
 * unknown; archived is the epoch it was archived, 0 while active.
 */
#define PET_OUT		(EF_OUT | EF_AUDIT)
#define PET_FIELDS(K, F, a) \
    K(a, id, "id", ID, R, PET_OUT, 0, 0, 0, 0) \
    F(a, member_id, "member_id", ID, R, PET_OUT, 0, 0, 0, 0) \
    F(a, name, "name", TEXT, W, PET_OUT | EF_REQ, 1, PET_NAME_MAX, 0, 0) \
    F(a, species, "species", ENUM, W, PET_OUT | EF_REQ, 0, 0, pet_species, \
	0) \
    F(a, breed, "breed", TEXT, W, PET_OUT, 0, PET_BREED_MAX, 0, 0) \
    F(a, sex, "sex", ENUM, W, PET_OUT, 0, 0, pet_sexes, 0) \
    F(a, neutered, "neutered", BOOL, W, PET_OUT, 0, 0, 0, 0) \
    F(a, birth_date, "birth_date", DATE, W, PET_OUT, 0, 0, 0, 0) \
    F(a, colour, "colour", TEXT, W, PET_OUT, 0, PET_COLOUR_MAX, 0, 0) \
    F(a, weight_g, "weight_g", INT, W, PET_OUT | EF_NIL, 0, PET_WEIGHT_MAX, \
	0, 0) \
    F(a, microchip, "microchip", PAT, W, PET_OUT | EF_NIL, 0, MICROCHIP_LEN, \
	MICROCHIP_PATTERN, NULL) \
    F(a, adopted, "adopted", BOOL, W, PET_OUT, 0, 0, 0, 0) \
    F(a, adoption_date, "adoption_date", DATE, W, PET_OUT, 0, 0, 0, 0) \
    F(a, adoption_source, "adoption_source", TEXT, W, PET_OUT, 0, \
	PET_SOURCE_MAX, 0, 0) \
    F(a, health, "health", TEXT, W, PET_OUT | EF_LINES, 0, PET_HEALTH_MAX, \
	0, 0) \
    F(a, photo, "photo", TEXT, W, PET_OUT, 0, PET_PHOTO_MAX, 0, 0) \
    F(a, note, "note", TEXT, W, PET_OUT | EF_LINES, 0, PET_NOTE_MAX, 0, 0) \
    F(a, archived, "archived", SINCE, R, PET_OUT, 0, 0, 0, 0) \
    F(a, archive_reason, "archive_reason", TEXT, R, PET_OUT | EF_NIL, 0, \
	MEMBER_REASON_MAX, 0, 0) \
    F(a, created, "created", INT, R, EF_OUT, 0, 0, 0, 0) \
    F(a, updated, "updated", INT, R, EF_OUT, 0, 0, 0, 0)

struct pet {
	ENTITY_ROW(PET_FIELDS)
};
/* A pet as written (entity.h: NULL, -1 or PARAM_NONE when not given). */
struct pet_in {
	ENTITY_IN(PET_FIELDS)
};
extern const struct entity pet_entity;

/* Praise or a complaint, and who heard it where. */
#define FEEDBACK_OUT	(EF_OUT | EF_AUDIT)
#define FEEDBACK_FIELDS(K, F, a) \
    K(a, id, "id", ID, R, FEEDBACK_OUT, 0, 0, 0, 0) \
    F(a, member_id, "member_id", ID, R, FEEDBACK_OUT, 0, 0, 0, 0) \
    F(a, kind, "kind", ENUM, C, FEEDBACK_OUT | EF_REQ, 0, 0, feedback_kinds, \
	0) \
    F(a, text, "text", TEXT, C, FEEDBACK_OUT | EF_REQ | EF_LINES, 1, \
	FEEDBACK_TEXT_MAX, 0, 0) \
    F(a, staff, "staff", TEXT, R, FEEDBACK_OUT, 0, ID_MAX / 4, 0, 0) \
    F(a, branch, "branch", TEXT, R, FEEDBACK_OUT, 0, ID_MAX / 4, 0, 0) \
    F(a, created, "created", INT, R, EF_OUT, 0, 0, 0, 0)

struct feedback {
	ENTITY_ROW(FEEDBACK_FIELDS)
};
struct feedback_in {
	ENTITY_IN(FEEDBACK_FIELDS)
};
extern const struct entity feedback_entity;

/* One result-list row, packed (hits_pack_row). */
typedef void	member_hit_fn(const char *row, size_t len, void *);
typedef void	pet_fn(const struct pet *, void *);
typedef void	feedback_fn(const struct feedback *, void *);

/* member.c */
/*
 * Check a text field: valid UTF-8, trimmed of spaces, tabs and the
 * ideographic space, min to max characters, no control characters (but
 * newlines when multiline).  The trimmed copy in *out (caller frees).
 */
int	member_text(const char *in, const char *field, size_t min, size_t max,
	    int multiline, char **out, struct perr *);
/* 1 if v is one of the NULL-terminated list. */
int	one_of(const char *v, const char *const *list);
/*
 * Sign a member up, referred by the member whose code referrer is (NULL:
 * none): the new id, or -1 (a taken phone names its card); the row in out
 * (may be NULL).
 */
int64_t	member_create(struct db *, const struct member_in *,
	    const char *referrer, struct member *out, struct perr *);
/*
 * Change the fields given; an archived member is a conflict.  The rows
 * before and after (either may be NULL).
 */
int	member_update(struct db *, int64_t id, const struct member_in *,
	    struct member *before, struct member *after, struct perr *);
/* Archive with a reason (may be NULL); twice is a conflict.  Rows too. */
int	member_archive(struct db *, int64_t id, const char *reason,
	    struct member *before, struct member *after, struct perr *);
/* Load by card number if card is not NULL, else by id; not_found. */
int	member_get(struct db *, int64_t id, const char *card,
	    struct member *, struct perr *);
/* The feedback counts of a member in one pass (pets: the caller's); 0/-1. */
int	member_counts(struct db *, int64_t id, struct member_counts *);
/*
 * Find members by card number, full phone, last four digits, or a
 * substring of their name or a pet's name; cb is called once per hit of
 * the page.  invalid for a bad limit, offset or query.
 */
int	member_search(struct db *, const char *q, struct member_page *,
	    member_hit_fn *, void *, struct perr *);
/*
 * hits.c: the fields of result lists of every member in memory, kept up to
 * date from member_change (see there).  hits_sync() before reading;
 * hits_copy() copies the records of ids into buf (at[i] their offset, or
 * -1 if not cached) and returns how many it found; hits_row() is the
 * packed row of one of them.
 */
struct hits	*hits_load(struct db *);
void		 hits_free(struct hits *);
int		 hits_sync(struct hits *, struct db *);
size_t		 hits_copy(struct hits *, const int64_t *ids, size_t n,
		    char *buf, size_t len, ssize_t *at);
const char	*hits_row(const char *buf, ssize_t at, size_t *len);
/*
 * Rebuild the search grams of one member (their name and their active pets'
 * names) and the pet names shown in result lists.
 */
int	member_index(struct db *, int64_t id);
/* Record praise or a complaint: the feedback id, or -1. */
int64_t	feedback_add(struct db *, int64_t member, const struct feedback_in *,
	    const struct actor *, struct feedback *out, struct perr *);
int	feedback_get(struct db *, int64_t id, struct feedback *,
	    struct perr *);
/* The newest limit feedback of a member, newest first; how many. */
int	feedback_list(struct db *, int64_t member, int limit, feedback_fn *,
	    void *);

/* pet.c */
/* Add a pet to an active member: the new id, or -1; the row in out. */
int64_t	pet_create(struct db *, int64_t member, const struct pet_in *,
	    struct pet *out, struct perr *);
/* Change the fields given; the row before and after (either may be NULL). */
int	pet_update(struct db *, int64_t id, const struct pet_in *,
	    struct pet *before, struct pet *after, struct perr *);
/* Archive a pet (died, returned): it leaves lists and the search index. */
int	pet_archive(struct db *, int64_t id, const char *reason,
	    struct perr *);
int	pet_get(struct db *, int64_t id, struct pet *, struct perr *);
/* The pets of a member, oldest first, archived ones last; how many. */
int	pet_list(struct db *, int64_t member, pet_fn *, void *);

#endif
