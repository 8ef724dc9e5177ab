/*
 * Unit tests of common/: the msgpack gate fed truncated, oversized and random
 * input, envelopes, UTF-8 widths, enrollment codes, buffers.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/stat.h>

#include <sodium.h>

#include "buf.h"
#include "clock.h"
#include "enroll.h"
#include "hex.h"
#include "rpc.h"
#include "utf8.h"
#include "xmalloc.h"

static int	npass, nfail;

#define CHECK(cond, name) do {						\
	if (cond) { npass++; printf("ok %d - %s\n", npass + nfail, name); } \
	else { nfail++; printf("not ok %d - %s\n", npass + nfail, name); } \
} while (0)

static void
test_mp_check(void)
{
	static const uint8_t huge_array[] = { 0xdd, 0x00, 0xff, 0xff, 0xff };
	static const uint8_t huge_map[] = { 0xdf, 0x7f, 0xff, 0xff, 0xff, 0x01 };
	static const uint8_t huge_str[] = { 0xdb, 0xff, 0xff, 0xff, 0xff, 'a' };
	static const uint8_t ok_req[] = { 0x94, 0x00, 0x01, 0xab, 's', 'y', 's',
	    't', 'e', 'm', '.', 'p', 'i', 'n', 'g', 0x90 };
	uint8_t		 deep[100], rnd[64];
	msgpack_unpacked u;
	struct rpc_msg	 m;
	int		 i, crashes = 0;

	CHECK(mp_check(huge_array, sizeof huge_array, 32) != 0,
	    "array32 announcing 16M elements is refused before allocation");
	CHECK(mp_check(huge_map, sizeof huge_map, 32) != 0,
	    "map32 announcing 2G pairs is refused");
	CHECK(mp_check(huge_str, sizeof huge_str, 32) != 0,
	    "str32 longer than the record is refused");
	CHECK(mp_check(ok_req, sizeof ok_req, 32) == 0, "a request passes");
	for (i = 1; i < (int)sizeof ok_req; i++) {
		if (mp_check(ok_req, (size_t)i, 32) == 0)
			break;
	}
	CHECK(i == (int)sizeof ok_req, "every truncation of a request is refused");
	memset(deep, 0x91, sizeof deep);
	deep[99] = 0xc0;
	CHECK(mp_check(deep, sizeof deep, 32) != 0, "nesting deeper than 32 refused");
	CHECK(mp_check((const uint8_t *)"\xc1", 1, 32) != 0, "0xc1 refused");
	CHECK(mp_check((const uint8_t *)"\x01\x02", 2, 32) != 0,
	    "trailing bytes refused");
	CHECK(mp_unpack(&u, ok_req, sizeof ok_req) == 0 &&
	    rpc_parse(&u.data, &m) == 0 && m.type == RPC_REQUEST &&
	    m.msgid == 1 && m.params == NULL, "request envelope parses");
	msgpack_unpacked_destroy(&u);
	for (i = 0; i < 20000; i++) {
		randombytes_buf(rnd, sizeof rnd);
		if (mp_unpack(&u, rnd, 1 + (size_t)(rnd[0] % 63)) == 0)
			(void)rpc_parse(&u.data, &m);
		msgpack_unpacked_destroy(&u);
	}
	CHECK(crashes == 0, "20000 random messages decode or fail cleanly");
}

static void
test_utf8(void)
{
	CHECK(utf8_width("张伟") == 4, "two Chinese characters are 4 columns");
	CHECK(utf8_width("Zhang 张") == 8, "mixed width");
	CHECK(utf8_chop("张伟华", 5) == 6, "chop never splits a wide character");
	CHECK(utf8_chop("abc", 2) == 2, "chop ASCII");
	CHECK(!utf8_valid("\xe5\xbc", 2), "truncated UTF-8 is invalid");
	CHECK(!utf8_valid("\xc0\xaf", 2), "overlong encoding is invalid");
	CHECK(utf8_valid("宠物", 6), "valid Chinese");
	CHECK(utf8_prev("a张", 4) == 3, "backspace removes one character");
}

static void
test_utf8_fit(void)
{
	const char	*next;
	size_t		 n;
	int		 cut;

	n = utf8_chop_ellipsis("Alice", 5, 1, &cut);
	CHECK(n == 5 && !cut, "a text that fits is not cut");
	n = utf8_chop_ellipsis("Alexandra", 5, 1, &cut);
	CHECK(n == 4 && cut, "a cut leaves a column for the ellipsis");
	n = utf8_chop_ellipsis("张伟华明", 6, 1, &cut);
	CHECK(n == 6 && cut, "a cut before the ellipsis never splits a wide "
	    "character");
	n = utf8_chop_ellipsis("Ann Marie", 5, 1, &cut);
	CHECK(n == 3 && cut, "no space before the ellipsis");

	n = utf8_wrap("try again in 15 minutes", 10, &next);
	CHECK(n == 9 && strcmp(next, "in 15 minutes") == 0,
	    "wrap breaks at the last space and skips it");
	n = utf8_wrap("张伟华明", 5, &next);
	CHECK(n == 6 && strcmp(next, "华明") == 0,
	    "wrap of Chinese breaks between characters");
	n = utf8_wrap("张伟华", 5, &next);
	CHECK(n == 6 && strcmp(next, "华") == 0, "wrap never splits a wide "
	    "character");
	n = utf8_wrap("abcdefghij", 4, &next);
	CHECK(n == 4 && strcmp(next, "efghij") == 0, "a long word is broken");
	n = utf8_wrap("张", 1, &next);
	CHECK(n == 3 && *next == '\0', "a character wider than the line is a "
	    "line of its own");
	n = utf8_wrap("short", 10, &next);
	CHECK(n == 5 && *next == '\0', "a short text is one line");
}

static void
test_enroll(void)
{
	uint8_t	key[32], s[32], k2[32], s2[32], id[16], psk[32];
	char	code[ENROLL_CODE_MAX], *lower;
	size_t	i;

	randombytes_buf(key, 32);
	randombytes_buf(s, 32);
	enroll_code_make(key, s, code);
	CHECK(strncmp(code, "PAW1-", 5) == 0, "code starts with PAW1-");
	CHECK(enroll_code_parse(code, k2, s2) == 0 && memcmp(key, k2, 32) == 0 &&
	    memcmp(s, s2, 32) == 0, "code round-trips");
	lower = strdup(code);
	for (i = 0; lower[i]; i++) {
		if (lower[i] >= 'A' && lower[i] <= 'Z')
			lower[i] = (char)(lower[i] - 'A' + 'a');
		if (lower[i] == '-')
			lower[i] = ' ';
	}
	CHECK(enroll_code_parse(lower, k2, s2) == 0, "case and dashes ignored");
	lower[10] = lower[10] == '0' ? '1' : '0';
	CHECK(enroll_code_parse(lower, k2, s2) != 0, "a typo fails the check");
	free(lower);
	CHECK(enroll_code_parse("PAW1-XYZ", k2, s2) != 0, "short code refused");
	enroll_derive(s, id, psk);
	CHECK(crypto_kdf_derive_from_key(k2, 32, 2, "PAWENROL", s) == 0 &&
	    memcmp(k2, psk, 32) == 0, "PSK is KDF id 2");
}

static void
test_misc(void)
{
	struct buf	b;
	uint8_t		raw[4];
	char		hex[9];
	int		i;

	buf_init(&b);
	for (i = 0; i < 100000; i++)
		buf_add_u32(&b, (uint32_t)i);
	buf_consume(&b, 4 * 99999);
	CHECK(buf_used(&b) == 4 && get_u32(buf_ptr(&b)) == 99999, "buffer grows and consumes");
	buf_free(&b);
	CHECK(hex_decode("0aFf10zz", raw, 4) != 0, "bad hex refused");
	CHECK(hex_decode("0aFf1000", raw, 4) == 0 && raw[1] == 0xff, "hex decodes");
	hex_encode(raw, 4, hex);
	CHECK(strcmp(hex, "0aff1000") == 0, "hex encodes lowercase");
	CHECK(clock_date_valid("2024-02-29") && !clock_date_valid("2023-02-29") &&
	    !clock_date_valid("2024-13-01") && !clock_date_valid("2024-1-01"),
	    "calendar dates validated");
	CHECK(err_from_word("conflict", 8) == ERR_CONFLICT &&
	    strcmp(err_word(ERR_INVALID), "invalid") == 0, "error words stable");
}

/* The test clock: made once, shared by whoever attaches it, forward only. */
static void
test_clock(void)
{
	char		 dir[] = "/tmp/test-clock.XXXXXX", *path, *err = NULL;
	int64_t		 t;
	FILE		*f;
	struct stat	 sb;

	if (mkdtemp(dir) == NULL)
		return;
	path = xasprintf("%s/test-clock", dir);
	CHECK(clock_test_attach(path, 0, &err) == 0 && !clock_test_on(),
	    "no file, not told to make one: the system clock");
	CHECK(clock_test_set(1) == -1, "no test clock to move");
	t = (int64_t)time(NULL);
	CHECK(clock_test_attach(path, 1, &err) == 1 && clock_test_on(),
	    "made and attached");
	CHECK(stat(path, &sb) == 0 && (sb.st_mode & 0777) == 0600 &&
	    sb.st_size == 16, "a 16-byte file, mode 0600");
	CHECK(clock_now() >= t && clock_now() <= t + 5, "starts at the system time");
	CHECK(clock_test_set(t + 1000) == 0 && clock_now() == t + 1000, "moved");
	CHECK(clock_test_set(t + 999) == -1 && clock_now() == t + 1000,
	    "never back");
	CHECK(clock_test_set(t + 1000) == 0, "to the same time is no move back");
	clock_test_detach();
	CHECK(!clock_test_on() && clock_now() - (int64_t)time(NULL) <= 1,
	    "detached: the system clock again");
	CHECK(clock_test_attach(path, 0, &err) == 1 && clock_now() == t + 1000,
	    "attached again: the time kept");
	clock_test_detach();
	if ((f = fopen(path, "w")) != NULL) {
		fputs("1800000000\n", f);
		fclose(f);
	}
	CHECK(clock_test_attach(path, 1, &err) == -1 && err != NULL &&
	    strstr(err, "not a test clock") != NULL && !clock_test_on(),
	    "another file is refused, and left alone");
	free(err);
	unlink(path);
	rmdir(dir);
	free(path);
}

int
main(void)
{
	if (sodium_init() < 0)
		return 1;
	test_mp_check();
	test_utf8();
	test_utf8_fit();
	test_enroll();
	test_misc();
	test_clock();
	printf("common: %d passed, %d failed\n", npass, nfail);
	return nfail != 0;
}
