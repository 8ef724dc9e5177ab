/*
 * Load generator for `make bench`: N encrypted connections to pawd, each
 * logged in before the clock starts, sending member.get and member.search
 * (card, phone suffix, 2-character name) from a samples file.  Closed loop
 * (next request when the answer arrives) or paced at a fixed total rate.
 * Prints requests per second and p50/p99 latency per kind.  The generator
 * shares the machine with pawd, so it stays light: paced sends come from a
 * timerfd (no spinning), and answers are checked by their envelope only.
 * With FLOODERS and FLOOD_N, that many more sessions each send FLOOD_N
 * searches at once at the start, pipelined, unmeasured: the figures are
 * those of the CONNS sessions served beside them (fairness).
 *
 *   bench-load HOME HOST:PORT USER PASSWORD SAMPLES CONNS SECONDS RATE
 *       [FLOODERS FLOOD_N]
 *   (RATE 0 = closed loop)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <netdb.h>
#include <unistd.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <sys/timerfd.h>

#include <sodium.h>

#include "chan.h"
#include "clock.h"
#include "hex.h"
#include "loop.h"
#include "rpc.h"
#include "xmalloc.h"

enum kind { K_GET, K_CARD, K_PHONE4, K_NAME, K__N };
static const char *kind_names[] = {
	[K_GET] = "member.get", [K_CARD] = "search card",
	[K_PHONE4] = "search phone4", [K_NAME] = "search name",
};

struct sample {
	enum kind	 kind;
	char		*value;
};

struct conn {
	struct chan	*chan;
	int		 open;
	int		 authed;
	int		 busy;
	uint32_t	 msgid;
	int64_t		 sent_us;
	enum kind	 kind;
	int		 flood;		/* answers still to come, flooding */
};

static struct sample	*samples;
static size_t		 nsamples;
static int64_t		*lat[K__N];
static size_t		 nlat[K__N], caplat[K__N];
static int		 measuring, errors, flooding;
static int64_t		 flood_end_us;
static struct loop	*loop;

static void
record_latency(enum kind k, int64_t us)
{
	if (!measuring)
		return;
	if (nlat[k] == caplat[k]) {
		caplat[k] = caplat[k] ? caplat[k] * 2 : 65536;
		lat[k] = xrealloc(lat[k], caplat[k] * sizeof *lat[k]);
	}
	lat[k][nlat[k]++] = us;
}

static void
send_request(struct conn *c)
{
	struct sample	*s = &samples[randombytes_uniform((uint32_t)nsamples)];
	msgpack_sbuffer	 sb;
	msgpack_packer	 pk;

	/* A flooding session sends searches only (the samples have some). */
	while (c->flood > 0 && s->kind == K_GET)
		s = &samples[randombytes_uniform((uint32_t)nsamples)];

	msgpack_sbuffer_init(&sb);
	msgpack_packer_init(&pk, &sb, msgpack_sbuffer_write);
	msgpack_pack_array(&pk, 4);
	msgpack_pack_uint8(&pk, 0);
	msgpack_pack_uint32(&pk, ++c->msgid);
	if (s->kind == K_GET) {
		mp_pack_str(&pk, "member.get");
		msgpack_pack_array(&pk, 1);
		msgpack_pack_map(&pk, 1);
		mp_pack_kint(&pk, "id", atoll(s->value));
	} else {
		mp_pack_str(&pk, "member.search");
		msgpack_pack_array(&pk, 1);
		msgpack_pack_map(&pk, 2);
		mp_pack_kstr(&pk, "q", s->value);
		mp_pack_kint(&pk, "limit", 50);
	}
	c->kind = s->kind;
	c->busy = 1;
	c->sent_us = clock_us();
	chan_send(c->chan, (uint8_t *)sb.data, sb.size);
	msgpack_sbuffer_destroy(&sb);
}

static const char	*g_user, *g_password;
static int		 g_rate;

static void
conn_open(struct chan *ch, void *arg)
{
	struct conn	*c = arg;
	msgpack_sbuffer	 sb;
	msgpack_packer	 pk;

	c->open = 1;
	msgpack_sbuffer_init(&sb);
	msgpack_packer_init(&pk, &sb, msgpack_sbuffer_write);
	msgpack_pack_array(&pk, 4);
	msgpack_pack_uint8(&pk, 0);
	msgpack_pack_uint32(&pk, ++c->msgid);
	mp_pack_str(&pk, "session.login");
	msgpack_pack_array(&pk, 1);
	msgpack_pack_map(&pk, 2);
	mp_pack_kstr(&pk, "staff", g_user);
	mp_pack_kstr(&pk, "password", g_password);
	chan_send(ch, (uint8_t *)sb.data, sb.size);
	msgpack_sbuffer_destroy(&sb);
}

/*
 * The msgid and whether error is nil, from the first bytes of a response
 * [1, msgid, error, result]; -1 if it is not one.
 */
static int
response_head(const uint8_t *p, size_t len, uint32_t *msgid, int *failed)
{
	size_t	i = 2;

	if (len < 4 || p[0] != 0x94 || p[1] != 0x01)
		return -1;
	if (p[i] < 0x80)
		*msgid = p[i++];
	else if (p[i] == 0xcc && len >= 5)
		*msgid = p[i + 1], i += 2;
	else if (p[i] == 0xcd && len >= 6)
		*msgid = (uint32_t)p[i + 1] << 8 | p[i + 2], i += 3;
	else if (p[i] == 0xce && len >= 8)
		*msgid = (uint32_t)p[i + 1] << 24 | (uint32_t)p[i + 2] << 16 |
		    (uint32_t)p[i + 3] << 8 | p[i + 4], i += 5;
	else
		return -1;
	if (i >= len)
		return -1;
	*failed = p[i] != 0xc0;
	return 0;
}

static void
conn_record(struct chan *ch, const uint8_t *p, size_t len, void *arg)
{
	struct conn	*c = arg;
	uint32_t	 msgid;
	int		 failed;

	if (c->flood > 0 && c->authed) {
		if (--c->flood == 0 && --flooding == 0)
			flood_end_us = clock_us();
		return;
	}
	if (response_head(p, len, &msgid, &failed) != 0 || msgid != c->msgid)
		return;
	if (!c->authed) {
		if (failed) {
			fprintf(stderr, "bench: login failed\n");
			exit(1);
		}
		c->authed = 1;
		return;
	}
	if (failed)
		errors++;
	record_latency(c->kind, clock_us() - c->sent_us);
	c->busy = 0;
	if (g_rate == 0)
		send_request(c);
}

static void
conn_closed(struct chan *ch, const char *reason, void *arg)
{
	fprintf(stderr, "bench: connection closed: %s\n", reason);
	exit(1);
}

static const struct chan_cb conn_cb = {
	.open = conn_open, .record = conn_record, .closed = conn_closed,
};

static int
dial(const char *hostport)
{
	char		 host[128], *colon;
	struct addrinfo	 hints = { .ai_socktype = SOCK_STREAM }, *res;
	int		 fd, one = 1;

	snprintf(host, sizeof host, "%s", hostport);
	if ((colon = strrchr(host, ':')) == NULL)
		return -1;
	*colon = '\0';
	if (getaddrinfo(host, colon + 1, &hints, &res) != 0)
		return -1;
	fd = socket(res->ai_family, SOCK_STREAM, 0);
	if (connect(fd, res->ai_addr, res->ai_addrlen) != 0) {
		freeaddrinfo(res);
		return -1;
	}
	freeaddrinfo(res);
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	return fd;
}

static int
cmp64(const void *a, const void *b)
{
	int64_t	x = *(const int64_t *)a, y = *(const int64_t *)b;

	return x < y ? -1 : x > y;
}

static void
load_samples(const char *path)
{
	FILE	*f = fopen(path, "r");
	char	 line[256], *sp;

	if (f == NULL) {
		fprintf(stderr, "bench: %s: cannot open\n", path);
		exit(1);
	}
	while (fgets(line, sizeof line, f) != NULL) {
		line[strcspn(line, "\n")] = '\0';
		if ((sp = strchr(line, ' ')) == NULL)
			continue;
		*sp = '\0';
		samples = xrealloc(samples, (nsamples + 1) * sizeof *samples);
		samples[nsamples].kind = strcmp(line, "get") == 0 ? K_GET :
		    strcmp(line, "card") == 0 ? K_CARD :
		    strcmp(line, "phone4") == 0 ? K_PHONE4 : K_NAME;
		samples[nsamples++].value = xstrdup(sp + 1);
	}
	fclose(f);
}

/* Read device.key and server_key from a paw home. */
static void
load_home(const char *home, uint8_t key[32], uint8_t server[32])
{
	char	*path = xasprintf("%s/device.key", home), line[200];
	FILE	*f = fopen(path, "r");

	if (f == NULL || fgets(line, sizeof line, f) == NULL ||
	    (line[strcspn(line, "\n")] = '\0', hex_decode(line, key, 32)) != 0) {
		fprintf(stderr, "bench: %s: cannot read\n", path);
		exit(1);
	}
	fclose(f);
	free(path);
	path = xasprintf("%s/paw.conf", home);
	if ((f = fopen(path, "r")) == NULL)
		exit(1);
	while (fgets(line, sizeof line, f) != NULL) {
		line[strcspn(line, "\n")] = '\0';
		if (strncmp(line, "server_key=", 11) == 0)
			hex_decode(line + 11, server, 32);
	}
	fclose(f);
	free(path);
}

static void
report(double secs)
{
	size_t	k, total = 0;

	for (k = 0; k < K__N; k++)
		total += nlat[k];
	printf("  %.0f requests/s over %.1f s, %d errors\n", total / secs,
	    secs, errors);
	for (k = 0; k < K__N; k++) {
		if (nlat[k] == 0)
			continue;
		qsort(lat[k], nlat[k], sizeof *lat[k], cmp64);
		printf("  %-14s n=%-8zu p50 %6.3f  p90 %6.3f  p99 %6.3f  "
		    "max %7.3f ms\n", kind_names[k], nlat[k],
		    lat[k][nlat[k] / 2] / 1000.0,
		    lat[k][nlat[k] * 90 / 100] / 1000.0,
		    lat[k][nlat[k] * 99 / 100] / 1000.0,
		    lat[k][nlat[k] - 1] / 1000.0);
	}
}

static struct conn	*pace_conns;
static int		 pace_n;
static size_t		 pace_rr;

/* Each tick of the timer goes to the next idle connection. */
static void
pace_tick(int fd, int events, void *arg)
{
	uint64_t	ticks;
	int		i;

	if (read(fd, &ticks, sizeof ticks) != (ssize_t)sizeof ticks)
		return;
	while (ticks-- > 0) {
		for (i = 0; i < pace_n && pace_conns[pace_rr % pace_n].busy; i++)
			pace_rr++;
		if (i < pace_n)
			send_request(&pace_conns[pace_rr++ % pace_n]);
	}
}

static void
pace_start(struct conn *conns, int n)
{
	long			 ns = 1000000000L / g_rate;
	struct itimerspec	 it = {
		.it_interval = { ns / 1000000000L, ns % 1000000000L },
		.it_value = { ns / 1000000000L, ns % 1000000000L },
	};
	int			 fd;

	pace_conns = conns;
	pace_n = n;
	if ((fd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK)) == -1 ||
	    timerfd_settime(fd, 0, &it, NULL) == -1) {
		fprintf(stderr, "bench: timerfd failed\n");
		exit(1);
	}
	loop_add_fd(loop, fd, LOOP_READ, pace_tick, NULL);
}

int
main(int argc, char **argv)
{
	uint8_t		 key[32], server[32];
	struct conn	*conns;
	int		 n, secs, i, authed, fd;
	int64_t		 start, end;

	int		 nflood = 0, flood_n = 0, j;

	if (argc != 9 && argc != 11) {
		fprintf(stderr, "usage: bench-load HOME HOST:PORT USER PASSWORD "
		    "SAMPLES CONNS SECONDS RATE [FLOODERS FLOOD_N]\n");
		return 2;
	}
	if (argc == 11) {
		nflood = atoi(argv[9]);
		flood_n = atoi(argv[10]);
	}
	if (sodium_init() < 0)
		return 1;
	load_home(argv[1], key, server);
	g_user = argv[3];
	g_password = argv[4];
	load_samples(argv[5]);
	n = atoi(argv[6]);
	secs = atoi(argv[7]);
	g_rate = atoi(argv[8]);
	loop = loop_create();
	conns = xcalloc((size_t)(n + nflood), sizeof *conns);
	for (i = 0; i < n + nflood; i++) {
		if ((fd = dial(argv[2])) < 0) {
			fprintf(stderr, "bench: cannot connect\n");
			return 1;
		}
		conns[i].chan = chan_connect(loop, fd, fd, key, server,
		    CHAN_SESSION, NULL, NULL, (const uint8_t *)"\x80", 1,
		    &conn_cb, &conns[i]);
	}
	do {
		loop_once(loop, 100);
		for (authed = 0, i = 0; i < n + nflood; i++)
			authed += conns[i].authed;
	} while (authed < n + nflood);
	measuring = 1;
	start = clock_us();
	end = start + (int64_t)secs * 1000000;
	for (i = n; i < n + nflood; i++) {
		conns[i].flood = flood_n;
		flooding++;
		for (j = 0; j < flood_n; j++)
			send_request(&conns[i]);
	}
	if (g_rate == 0) {
		for (i = 0; i < n; i++)
			send_request(&conns[i]);
	} else
		pace_start(conns, n);
	while (clock_us() < end && (nflood == 0 || flooding > 0))
		loop_once(loop, 10);
	measuring = 0;
	report((clock_us() - start) / 1e6);
	if (nflood > 0 && flooding == 0)
		printf("  %d sessions x %d pipelined searches answered in "
		    "%.1f s\n", nflood, flood_n, (flood_end_us - start) / 1e6);
	else if (nflood > 0)
		printf("  flood not finished in %d s\n", secs);
	return 0;
}
