/*
 * Unit tests of the typed method contract (server/contract.c) on a
 * declaration of its own with the shapes methods to come will use: a list
 * of maps (a basket's lines), money, an enum, a pattern, hex, dates.  Each
 * error must name the exact field, nested ones as lines[2].qty.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "pawd.h"

static int	npass, nfail;

#define CHECK(cond, name) do {						\
	if (cond) { npass++; printf("ok %d - %s\n", npass + nfail, name); } \
	else { nfail++; printf("not ok %d - %s\n", npass + nfail, name); } \
} while (0)

struct line_p {
	const char	*sku;
	int64_t		 qty;
	int64_t		 price;
};
FIELDS(line_fields, struct line_p,
    P_PAT("sku", struct line_p, sku, P_REQ, 16, "^[A-Z0-9-]+$", NULL),
    P_INT("qty", struct line_p, qty, P_REQ, 1, 999),
    P_MONEY("price", struct line_p, price, 0, 0, 100000000));
static const struct param line_item = P_ITEM_MAP(line_fields);
static const char *const pays[] = { "cash", "card", "wallet", NULL };

struct sale_p {
	const char	*note, *pay, *day, *ref;
	int		 gift;
	struct plist	 lines;
};
PARAMS(test_sale, struct sale_p,
    P_STR("note", struct sale_p, note, P_LINES, 0, 3),
    P_ENUM("pay", struct sale_p, pay, P_REQ, pays),
    P_DATE("day", struct sale_p, day, 0),
    { .name = "ref", .type = PT_HEX, .min = 8, .max = 8,
      .off = offsetof(struct sale_p, ref) },
    P_BOOL("gift", struct sale_p, gift, 0),
    P_LIST("lines", struct sale_p, lines, P_REQ, 1, 5, &line_item));

/* Decode what pack_sale() built (and free it); the error's field or "". */
static int
decode(msgpack_sbuffer *sb, struct sale_p **out,
    char *field, size_t len, enum err_code *code)
{
	msgpack_unpacked	 u;
	struct arena		*a = arena_create();
	struct perr		 err;
	char			 path[128];
	void			*in;
	int			 rc;

	msgpack_unpacked_init(&u);
	msgpack_unpack_next(&u, sb->data, sb->size, NULL);
	rc = params_decode(&rpc_test_sale_params, NULL, &u.data, a, &in,
	    NULL, &err, path, sizeof path);
	snprintf(field, len, "%s", rc == 0 || err.field == NULL ? "" :
	    err.field);
	*code = rc == 0 ? 0 : err.code;
	if (out != NULL && rc == 0) {
		*out = malloc(sizeof **out);
		memcpy(*out, in, sizeof **out);
		/* the strings live in the arena: copy what the test reads */
		(*out)->pay = strdup((*out)->pay);
		(*out)->note = (*out)->note ? strdup((*out)->note) : NULL;
		(*out)->lines.v = NULL;
	}
	arena_free(a);
	msgpack_unpacked_destroy(&u);
	msgpack_sbuffer_destroy(sb);
	return rc;
}

/* A map of n lines, the k-th (if k < n) replaced by what bad() packs. */
static void
pack_sale(msgpack_sbuffer *sb, int n, int k, void (*bad)(msgpack_packer *),
    const char *note)
{
	msgpack_packer	pk;
	int		i;

	msgpack_sbuffer_init(sb);
	msgpack_packer_init(&pk, sb, msgpack_sbuffer_write);
	msgpack_pack_map(&pk, note != NULL ? 3 : 2);
	mp_pack_kstr(&pk, "pay", "cash");
	if (note != NULL)
		mp_pack_kstr(&pk, "note", note);
	mp_pack_str(&pk, "lines");
	msgpack_pack_array(&pk, (uint32_t)n);
	for (i = 0; i < n; i++) {
		if (i == k) {
			bad(&pk);
			continue;
		}
		msgpack_pack_map(&pk, 2);
		mp_pack_kstr(&pk, "sku", "DOG-FOOD");
		mp_pack_kint(&pk, "qty", 2);
	}
}

static void bad_qty(msgpack_packer *pk)
{ msgpack_pack_map(pk, 2); mp_pack_kstr(pk, "sku", "A"); mp_pack_kint(pk, "qty", 0); }
static void bad_type(msgpack_packer *pk)
{ msgpack_pack_map(pk, 2); mp_pack_kstr(pk, "sku", "A"); mp_pack_kstr(pk, "qty", "2"); }
static void bad_key(msgpack_packer *pk)
{ msgpack_pack_map(pk, 3); mp_pack_kstr(pk, "sku", "A"); mp_pack_kint(pk, "qty", 1);
  mp_pack_kint(pk, "discount", 5); }
static void no_qty(msgpack_packer *pk)
{ msgpack_pack_map(pk, 1); mp_pack_kstr(pk, "sku", "A"); }
static void bad_sku(msgpack_packer *pk)
{ msgpack_pack_map(pk, 2); mp_pack_kstr(pk, "sku", "a b"); mp_pack_kint(pk, "qty", 1); }
static void huge_qty(msgpack_packer *pk)
{ msgpack_pack_map(pk, 2); mp_pack_kstr(pk, "sku", "A"); mp_pack_str(pk, "qty");
  msgpack_pack_uint64(pk, UINT64_MAX); }
static void not_map(msgpack_packer *pk)
{ msgpack_pack_int(pk, 7); }

static void
test_nested(void)
{
	static const struct {
		void		(*bad)(msgpack_packer *);
		const char	*field;
		enum err_code	 code;
		const char	*name;
	} cases[] = {
		{ bad_qty, "lines[2].qty", ERR_INVALID, "qty below its range" },
		{ bad_type, "lines[2].qty", ERR_BAD_REQUEST, "qty of the wrong type" },
		{ bad_key, "lines[2].discount", ERR_BAD_REQUEST, "an undeclared key" },
		{ no_qty, "lines[2].qty", ERR_INVALID, "a required key missing" },
		{ bad_sku, "lines[2].sku", ERR_INVALID, "a pattern not matched" },
		{ huge_qty, "lines[2].qty", ERR_INVALID, "2^64-1 is no int64" },
		{ not_map, "lines[2]", ERR_BAD_REQUEST, "an item that is no map" },
	};
	msgpack_sbuffer	 sb;
	struct sale_p	*s = NULL;
	enum err_code	 code;
	char		 field[128], name[160];
	size_t		 i;

	pack_sale(&sb, 3, -1, NULL, NULL);
	CHECK(decode(&sb, &s, field, sizeof field, &code) == 0 &&
	    strcmp(s->pay, "cash") == 0 && s->lines.n == 3 && s->gift == -1 &&
	    s->note == NULL, "a good basket decodes, absent values absent");
	if (s != NULL) {
		free((char *)s->pay);
		free(s);
	}
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		pack_sale(&sb, 3, 2, cases[i].bad, NULL);
		snprintf(name, sizeof name, "%s: %s", cases[i].name,
		    cases[i].field);
		CHECK(decode(&sb, NULL, field, sizeof field, &code) != 0 &&
		    strcmp(field, cases[i].field) == 0 && code == cases[i].code,
		    name);
	}
	pack_sale(&sb, 6, -1, NULL, NULL);
	CHECK(decode(&sb, NULL, field, sizeof field, &code) != 0 &&
	    strcmp(field, "lines") == 0 && code == ERR_INVALID,
	    "more items than declared: the list is named");
	pack_sale(&sb, 0, -1, NULL, NULL);
	CHECK(decode(&sb, NULL, field, sizeof field, &code) != 0 &&
	    strcmp(field, "lines") == 0, "fewer items than declared");
}

static void
test_text(void)
{
	msgpack_sbuffer	 sb;
	struct sale_p	*s = NULL;
	enum err_code	 code;
	char		 field[128];

	pack_sale(&sb, 1, -1, NULL, "猫狗鱼");
	CHECK(decode(&sb, &s, field, sizeof field, &code) == 0 &&
	    strcmp(s->note, "猫狗鱼") == 0,
	    "3 Chinese characters (9 bytes) fit a 3-character limit");
	if (s != NULL) {
		free((char *)s->pay);
		free((char *)s->note);
		free(s);
	}
	pack_sale(&sb, 1, -1, NULL, "猫狗鱼鸟");
	CHECK(decode(&sb, NULL, field, sizeof field, &code) != 0 &&
	    strcmp(field, "note") == 0 && code == ERR_INVALID,
	    "4 characters do not: counted in characters");
	pack_sale(&sb, 1, -1, NULL, "\xe3\x80\x80 ab \xe3\x80\x80");
	CHECK(decode(&sb, NULL, field, sizeof field, &code) == 0,
	    "blanks and ideographic spaces at the ends are not counted");
	pack_sale(&sb, 1, -1, NULL, "a\x01");
	CHECK(decode(&sb, NULL, field, sizeof field, &code) != 0 &&
	    code == ERR_INVALID, "control characters refused");
	pack_sale(&sb, 1, -1, NULL, "a\nb");
	CHECK(decode(&sb, NULL, field, sizeof field, &code) == 0,
	    "a newline where lines are allowed");
	pack_sale(&sb, 1, -1, NULL, "\xff\xfe");
	CHECK(decode(&sb, NULL, field, sizeof field, &code) != 0 &&
	    code == ERR_BAD_REQUEST && strcmp(field, "note") == 0,
	    "bytes that are not UTF-8");
	pack_sale(&sb, 1, -1, NULL, "x");
	CHECK(decode(&sb, NULL, field, sizeof field, &code) == 0,
	    "one character");
}

/* One top-level key with a string value added to a good basket. */
static int
decode_extra(const char *key, const char *val, char *field, size_t len,
    enum err_code *code)
{
	msgpack_sbuffer	sb;
	msgpack_packer	pk;

	msgpack_sbuffer_init(&sb);
	msgpack_packer_init(&pk, &sb, msgpack_sbuffer_write);
	msgpack_pack_map(&pk, strcmp(key, "pay") == 0 ? 2 : 3);
	if (strcmp(key, "pay") != 0)
		mp_pack_kstr(&pk, "pay", "card");
	mp_pack_kstr(&pk, key, val);
	mp_pack_str(&pk, "lines");
	msgpack_pack_array(&pk, 1);
	msgpack_pack_map(&pk, 2);
	mp_pack_kstr(&pk, "sku", "A");
	mp_pack_kint(&pk, "qty", 1);
	return decode(&sb, NULL, field, len, code);
}

static void
test_scalars(void)
{
	enum err_code	code;
	char		field[128];

	CHECK(decode_extra("pay", "bitcoin", field, sizeof field, &code) != 0 &&
	    code == ERR_INVALID && strcmp(field, "pay") == 0,
	    "an enum value not declared");
	CHECK(decode_extra("pay", "wallet", field, sizeof field, &code) == 0,
	    "a declared enum value");
	CHECK(decode_extra("day", "2200-12-31", field, sizeof field, &code) == 0,
	    "the last date of the range");
	CHECK(decode_extra("day", "2201-01-01", field, sizeof field, &code) != 0 &&
	    strcmp(field, "day") == 0, "a year past the range");
	CHECK(decode_extra("day", "2024-02-30", field, sizeof field, &code) != 0,
	    "a day that does not exist");
	CHECK(decode_extra("ref", "0a1b2c3d", field, sizeof field, &code) == 0,
	    "hex of the declared length");
	CHECK(decode_extra("ref", "0a1b2c3g", field, sizeof field, &code) != 0 &&
	    strcmp(field, "ref") == 0, "a character that is not hex");
	CHECK(decode_extra("ref", "0a1b2c", field, sizeof field, &code) != 0,
	    "hex too short");
	CHECK(decode_extra("gift", "yes", field, sizeof field, &code) != 0 &&
	    code == ERR_BAD_REQUEST && strcmp(field, "gift") == 0,
	    "a bool sent as text");
	CHECK(decode_extra("color", "red", field, sizeof field, &code) != 0 &&
	    code == ERR_BAD_REQUEST && strcmp(field, "color") == 0,
	    "an undeclared parameter is named");
}

int
main(void)
{
	if (sodium_init() < 0)
		return 1;
	test_nested();
	test_text();
	test_scalars();
	printf("contract: %d passed, %d failed\n", npass, nfail);
	return nfail != 0;
}
