/*
 * bench-jitter SECONDS: how late this machine wakes a thread that asked to
 * sleep 200 microseconds, for SECONDS.  Prints p50, p99, p99.9 and the
 * maximum lateness.  On a virtual machine whose host is busy, a thread can
 * wait milliseconds for its CPU; `make bench` prints this next to its
 * latency figures, which no server can make smaller than this.
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "clock.h"
#include "xmalloc.h"

#define SLEEP_US	200

static int
cmp64(const void *a, const void *b)
{
	int64_t	x = *(const int64_t *)a, y = *(const int64_t *)b;

	return x < y ? -1 : x > y;
}

int
main(int argc, char **argv)
{
	struct timespec	 ts = { 0, SLEEP_US * 1000 };
	int64_t		*late, end, t0;
	size_t		 n = 0, cap;
	int		 secs = argc == 2 ? atoi(argv[1]) : 0;

	if (secs < 1 || secs > 600) {
		fprintf(stderr, "usage: bench-jitter SECONDS\n");
		return 2;
	}
	cap = (size_t)secs * (1000000 / SLEEP_US) + 1;
	late = xcalloc(cap, sizeof *late);
	end = clock_us() + (int64_t)secs * 1000000;
	while (n < cap && (t0 = clock_us()) < end) {
		nanosleep(&ts, NULL);
		late[n++] = clock_us() - t0 - SLEEP_US;
	}
	if (n == 0)
		return 1;
	qsort(late, n, sizeof *late, cmp64);
	printf("  this machine woke a %d us sleep late by: p50 %.3f  p99 %.3f  "
	    "p99.9 %.3f  max %.3f ms (%zu sleeps)\n", SLEEP_US,
	    late[n / 2] / 1e3, late[n * 99 / 100] / 1e3,
	    late[n * 999 / 1000] / 1e3, late[n - 1] / 1e3, n);
	free(late);
	return 0;
}
