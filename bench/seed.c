/*
 * bench-seed DIR N: fill a Pawprint database with N members with Chinese
 * names, phones and 1-3 pets each, through the server's own domain code
 * (member_create, pet_create: the same validation, cards and search index
 * as the RPC path), committing every 5,000 members.  Deterministic.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "clock.h"
#include "pawd.h"
#include "xmalloc.h"

static const char *surnames[] = { "王", "李", "张", "刘", "陈", "杨", "黄",
    "赵", "吴", "周", "徐", "孙", "马", "朱", "胡", "郭", "何", "高", "林",
    "罗", "郑", "梁", "谢", "宋", "唐", "许", "韩", "冯", "邓", "曹", "彭",
    "曾", "肖", "田", "董", "袁", "潘", "于", "蒋", "蔡", "余", "杜", "叶",
    "程", "苏", "魏", "吕", "丁", "任", "沈" };
static const char *given[] = { "伟", "芳", "娜", "秀", "英", "敏", "静",
    "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明", "超",
    "兰", "霞", "平", "刚", "桂", "华", "建", "国", "玉", "萍", "红", "鹏",
    "辉", "斌", "宇", "浩", "凯", "晨", "欣", "怡", "涵", "轩", "诺", "桐",
    "远", "琪", "嘉", "梦", "瑶", "曦", "豪" };
static const char *pets[] = { "旺财", "豆豆", "球球", "可乐", "布丁", "来福",
    "大黄", "小白", "咪咪", "橘子", "年糕", "雪球", "奶茶", "芝麻", "Lucky",
    "Max", "Kitty", "毛毛", "团团", "花花" };
static const char *species[] = { "dog", "cat", "cat", "dog", "rabbit" };

static uint64_t	rng = 88172645463325252ULL;

static uint32_t
next(uint32_t n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)(rng % n);
}

#define PICK(a)	(a)[next(sizeof (a) / sizeof (a)[0])]

static int
seed_one(struct db *db, int64_t i, struct perr *err)
{
	struct member_in	 in = { .consent = 1 };
	struct pet_in		 p = { .neutered = -1, .adopted = -1,
				    .weight_g = INT64_MIN };
	char			 name[64], phone[16], birth[11], pbirth[11];
	int64_t			 id;
	uint32_t		 n, k;

	snprintf(name, sizeof name, "%s%s%s", PICK(surnames), PICK(given),
	    next(3) ? PICK(given) : "");
	/* Unique: 13x/15x/18x prefixes and the running number. */
	snprintf(phone, sizeof phone, "1%c%09lld", "3589"[i % 4],
	    (long long)(i * 7919 % 1000000000));
	snprintf(birth, sizeof birth, "%04u-%02u-%02u", 1960 + next(45),
	    1 + next(12), 1 + next(28));
	in.name = name;
	in.phone = phone;
	in.birthday = birth;
	in.branch = "HQ";
	if ((id = member_create(db, &in, NULL, NULL, err)) < 0)
		return -1;
	for (n = 1 + next(2) + (next(4) == 0), k = 0; k < n; k++) {
		snprintf(pbirth, sizeof pbirth, "%04u-%02u-%02u", 2012 + next(13),
		    1 + next(12), 1 + next(28));
		p.name = PICK(pets);
		p.species = PICK(species);
		p.birth_date = pbirth;
		if (pet_create(db, id, &p, NULL, err) < 0)
			return -1;
	}
	return 0;
}

int
main(int argc, char **argv)
{
	struct db	*db;
	struct perr	 err;
	char		*path, *e = NULL;
	int64_t		 n, i, t0 = clock_ms();

	if (argc != 4) {
		fprintf(stderr, "usage: bench-seed DIR SCHEMA_DIR N\n");
		return 2;
	}
	if (sodium_init() < 0)
		return 1;
	n = atoll(argv[3]);
	path = xasprintf("%s/paw.db", argv[1]);
	if ((db = db_open(path, &e)) == NULL || migrate_run(db, argv[2]) != 0) {
		fprintf(stderr, "bench-seed: %s\n", e ? e : "migration failed");
		return 1;
	}
	for (i = 0; i < n; i++) {
		if (i % 5000 == 0 && (i == 0 || db_commit(db) == 0))
			db_begin(db);
		if (seed_one(db, i, &err) != 0) {
			fprintf(stderr, "bench-seed: member %lld: %s\n",
			    (long long)i, err.msg);
			return 1;
		}
		db_release(db);
		if (i % 100000 == 99999)
			fprintf(stderr, "  %lld members, %lld s\n",
			    (long long)i + 1, (long long)(clock_ms() - t0) / 1000);
	}
	db_commit(db);
	db_close(db);
	free(path);
	return 0;
}
