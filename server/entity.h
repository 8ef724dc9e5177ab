/*
 * Entity field tables.  Each entity's fields are declared once, as a list
 * macro in its header (member.h, pawd.h), one line per column:
 *
 *	#define PET_FIELDS(K, F, a) \
 *	    K(a, id,   "id",   ID,   R, EF_OUT | EF_AUDIT, 1, ID_LIMIT, 0, 0) \
 *	    F(a, name, "name", TEXT, W, EF_OUT | EF_AUDIT | EF_REQ, 1, 30, 0, 0)
 *
 * K is the key (the first column), F every other field; a is passed
 * through to them.  The arguments, in order:
 *	field	the C member, and the name on the wire and in audit JSON
 *	column	the SQL expression that selects it
 *	type	how it is stored in the row and packed (the FT_ list below)
 *	kind	W: a parameter of the entity's creation and updates; C: of
 *		its creation only; U: of updates only; R: not written
 *		through parameters (keys, times, state)
 *	flags	EF_*: where it is packed, audited, required ...
 *	lo, hi	characters of text (hi also sizes the row's buffer), a range
 *		of integers, a number of tags
 *	x, y	PAT: the pattern and the characters it ignores; ENUM and
 *		ROLE: the values; TAGS: characters of one tag
 *
 * From that one list come the row struct (ENTITY_ROW), the struct a write
 * is decoded into (ENTITY_IN), the method parameters of those writes
 * (ENTITY_CREATE_PARAMS, ENTITY_UPDATE_PARAMS), the SQL column list (ENTITY_COLS), the table that copies
 * a statement's row into the struct (ENTITY_TABLE, entity_row), the
 * msgpack maps with their sizes counted (entity_pack) and the audit JSON
 * (entity_json).  Only data files (those that include db.h) read rows.
 */
#ifndef ENTITY_H
#define ENTITY_H

#include <stddef.h>
#include <stdint.h>

#include <msgpack.h>

enum ftype {
	FT_ID = 1,	/* int64_t row id */
	FT_INT,		/* int64_t; EF_NIL: NULL is -1 and packs nil */
	FT_TEXT,	/* char[]; EF_NIL: NULL is "" and packs nil */
	FT_PAT,		/* text of a pattern (phone, codes) */
	FT_ENUM,	/* text, one of x */
	FT_DATE,	/* YYYY-MM-DD text, "" (NULL) packs nil */
	FT_BOOL,	/* int 0/1 */
	FT_SINCE,	/* int64_t epoch a state began, 0 (NULL) if not: packs
			   a boolean, audits the epoch or null */
	FT_UNTIL,	/* int64_t epoch a state lasts until: packs whether
			   it is after the server's clock; not audited */
	FT_TAGS,	/* JSON array text of strings: packs an array */
	FT_ROLE,	/* int role bit, stored and packed as its name */
	FT_KEY32,	/* uint8_t[32] blob, packed as 64 hex digits */
};

#define EF_OUT		0x01	/* packed where the entity is answered */
#define EF_LIST		0x02	/* packed in result lists */
#define EF_AUDIT	0x04	/* in the audit trail's before and after */
#define EF_NIL		0x08	/* empty packs nil (FT_INT, FT_TEXT) */
#define EF_REQ		0x10	/* required when the entity is created */
#define EF_LINES	0x20	/* text may hold newlines */
#define EF_BRANCH	0x40	/* names a branch: the method's scope applies */
#define EF_MASK		0x80	/* a phone, masked in result lists */

struct field {
	const char	*name;		/* NULL ends a table */
	const char	*column;	/* the SQL expression */
	enum ftype	 type;
	int		 flags;
	size_t		 off, size;	/* in the row struct */
};

struct entity {
	const char		*name;	/* the audit trail's entity */
	const struct field	*fields;	/* in column order */
};

/* The row struct: one member per field. */
#define ENT_ROW_ID(f, hi)	int64_t f;
#define ENT_ROW_INT(f, hi)	int64_t f;
#define ENT_ROW_TEXT(f, hi)	char f[(hi) * 4 + 1];
#define ENT_ROW_PAT(f, hi)	char f[(hi) + 1];	/* ASCII by its pattern */
#define ENT_ROW_ENUM(f, hi)	char f[16];
#define ENT_ROW_DATE(f, hi)	char f[11];
#define ENT_ROW_BOOL(f, hi)	int f;
#define ENT_ROW_SINCE(f, hi)	int64_t f;
#define ENT_ROW_UNTIL(f, hi)	int64_t f;
#define ENT_ROW_TAGS(f, hi)	char f[2048];
#define ENT_ROW_ROLE(f, hi)	int f;
#define ENT_ROW_KEY32(f, hi)	uint8_t f[32];
#define ENT_ROW(a, f, c, t, k, fl, lo, hi, x, y)	ENT_ROW_##t(f, hi)
#define ENTITY_ROW(LIST)	LIST(ENT_ROW, ENT_ROW, _)

/*
 * The write struct, what the contract decodes a write into: text NULL
 * when not given, integers PARAM_NONE, booleans -1, tags a struct plist.
 */
#define ENT_IN_INT(f)		int64_t f;
#define ENT_IN_TEXT(f)		const char *f;
#define ENT_IN_PAT(f)		const char *f;
#define ENT_IN_ENUM(f)		const char *f;
#define ENT_IN_DATE(f)		const char *f;
#define ENT_IN_ROLE(f)		const char *f;
#define ENT_IN_BOOL(f)		int f;
#define ENT_IN_TAGS(f)		struct plist f;
#define ENT_IN_W(f, t)		ENT_IN_##t(f)
#define ENT_IN_C(f, t)		ENT_IN_##t(f)
#define ENT_IN_U(f, t)		ENT_IN_##t(f)
#define ENT_IN_R(f, t)
#define ENT_IN(a, f, c, t, k, fl, lo, hi, x, y)	ENT_IN_##k(f, t)
#define ENTITY_IN(LIST)		LIST(ENT_IN, ENT_IN, _)

/*
 * Parameters: ENTITY_CREATE_PARAMS(LIST, st, base, req) declares the W
 * and C fields of the write struct at st's member base, each preceded by
 * a comma (put it right after another declaration, such as the key's);
 * req is P_REQ to require the EF_REQ fields.  ENTITY_UPDATE_PARAMS
 * declares the W and U fields, none required.
 */
#define ENT_A_ST(st, base, req)		st
#define ENT_A_BASE(st, base, req)	base
#define ENT_A_REQ(st, base, req)	req
#define ENT_PFL(a, fl) \
	((((fl) & EF_REQ) ? ENT_A_REQ a : 0) | \
	(((fl) & EF_LINES) ? P_LINES : 0) | (((fl) & EF_BRANCH) ? P_BRANCH : 0))
#define ENT_P_INT(a, f, fl, lo, hi, x, y) \
	P_INT(#f, ENT_A_ST a, ENT_A_BASE a.f, ENT_PFL(a, fl), lo, hi)
#define ENT_P_TEXT(a, f, fl, lo, hi, x, y) \
	P_STR(#f, ENT_A_ST a, ENT_A_BASE a.f, ENT_PFL(a, fl), lo, hi)
#define ENT_P_PAT(a, f, fl, lo, hi, x, y) \
	P_PAT(#f, ENT_A_ST a, ENT_A_BASE a.f, ENT_PFL(a, fl), hi, x, y)
#define ENT_P_ENUM(a, f, fl, lo, hi, x, y) \
	P_ENUM(#f, ENT_A_ST a, ENT_A_BASE a.f, ENT_PFL(a, fl), x)
#define ENT_P_ROLE(a, f, fl, lo, hi, x, y) \
	P_ENUM(#f, ENT_A_ST a, ENT_A_BASE a.f, ENT_PFL(a, fl), x)
#define ENT_P_DATE(a, f, fl, lo, hi, x, y) \
	P_DATE(#f, ENT_A_ST a, ENT_A_BASE a.f, ENT_PFL(a, fl))
#define ENT_P_BOOL(a, f, fl, lo, hi, x, y) \
	P_BOOL(#f, ENT_A_ST a, ENT_A_BASE a.f, ENT_PFL(a, fl))
#define ENT_P_TAGS(a, f, fl, lo, hi, x, y) \
	{ P_(#f, PT_LIST, ENT_A_ST a, ENT_A_BASE a.f, ENT_PFL(a, fl)), \
	    .min = lo, .max = hi, \
	    .item = (const struct param[]){ P_ITEM_STR(0, 1, x) } }
#define ENT_PK(a, f, t, fl, lo, hi, x, y)	, ENT_P_##t(a, f, fl, lo, hi, x, y)
#define ENT_PNONE(a, f, t, fl, lo, hi, x, y)
#define ENT_PC_W	ENT_PK
#define ENT_PC_C	ENT_PK
#define ENT_PC_U	ENT_PNONE
#define ENT_PC_R	ENT_PNONE
#define ENT_PU_W	ENT_PK
#define ENT_PU_C	ENT_PNONE
#define ENT_PU_U	ENT_PK
#define ENT_PU_R	ENT_PNONE
#define ENT_PARAMC(a, f, c, t, k, fl, lo, hi, x, y) \
	ENT_PC_##k(a, f, t, fl, lo, hi, x, y)
#define ENT_PARAMU(a, f, c, t, k, fl, lo, hi, x, y) \
	ENT_PU_##k(a, f, t, fl, lo, hi, x, y)
#define ENTITY_CREATE_PARAMS(LIST, st, base, req) \
	LIST(ENT_PARAMC, ENT_PARAMC, (st, base, req))
#define ENTITY_UPDATE_PARAMS(LIST, st, base) \
	LIST(ENT_PARAMU, ENT_PARAMU, (st, base, 0))

/* The column list, for SELECT ENTITY_COLS(PET_FIELDS) FROM pet ... */
#define ENT_COL1(a, f, c, t, k, fl, lo, hi, x, y)	c
#define ENT_COL(a, f, c, t, k, fl, lo, hi, x, y)	", " c
#define ENTITY_COLS(LIST)	LIST(ENT_COL1, ENT_COL, _)

/* The field table, for entity_row() and the packers. */
#define ENT_FIELD(a, f, c, t, k, fl, lo, hi, x, y) \
	{ #f, c, FT_##t, fl, offsetof(a, f), sizeof(((a *)0)->f) },
#define ENTITY_TABLE(LIST, row) \
	((const struct field[]){ LIST(ENT_FIELD, ENT_FIELD, row) { NULL } })

/* How many fields have a flag of mask. */
int	entity_count(const struct entity *, int mask);
/*
 * Pack the fields of row that have a flag of mask as a map (entity_pack)
 * or as that many key-value pairs inside the caller's map (with
 * entity_count).  With EF_LIST, EF_MASK phones are masked.
 */
void	entity_pack(const struct entity *, msgpack_packer *, const void *row,
	    int mask);
void	entity_pack_fields(const struct entity *, msgpack_packer *,
	    const void *row, int mask);
/* The EF_AUDIT fields of row as a JSON object text (caller frees). */
char	*entity_json(const struct entity *, const void *row);
/*
 * "SELECT " and the columns of the fields with a flag of mask, then rest:
 * for a statement built once and kept (caller frees), where a compiled-in
 * ENTITY_COLS would select more than a hot path reads.
 */
char	*entity_select(const struct entity *, int mask, const char *rest);
/* Mask a phone for lists: 138****5678. */
void	entity_mask_phone(const char *phone, char *out, size_t len);

#endif
