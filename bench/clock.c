/*
 * bench-clock: what clock_now() costs beside time(), with no test clock
 * (the production case: it must cost what time() costs) and with one
 * mapped.  Nanoseconds per call, the best of 7 rounds of 20 million.
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"
#include "xmalloc.h"

#define CALLS	20000000
#define ROUNDS	7

static volatile int64_t	sink;

static int64_t
call_time(void)
{
	return (int64_t)time(NULL);
}

/* The best round's nanoseconds per call of fn. */
static double
measure(int64_t (*fn)(void))
{
	double	best = 1e9, ns;
	int64_t	t0, acc;
	int	r, i;

	for (r = 0; r < ROUNDS; r++) {
		acc = 0;
		t0 = clock_us();
		for (i = 0; i < CALLS; i++)
			acc += fn();
		ns = (double)(clock_us() - t0) * 1000.0 / CALLS;
		sink = acc;
		if (ns < best)
			best = ns;
	}
	return best;
}

int
main(void)
{
	char	 path[] = "/tmp/bench-clock.XXXXXX", *file, *err = NULL;
	double	 t, off, on;

	if (mkdtemp(path) == NULL)
		return 1;
	file = xasprintf("%s/test-clock", path);
	t = measure(call_time);
	off = measure(clock_now);
	if (clock_test_attach(file, 1, &err) != 1) {
		fprintf(stderr, "%s\n", err);
		return 1;
	}
	on = measure(clock_now);
	clock_test_detach();
	unlink(file);
	rmdir(path);
	free(file);
	printf("time():                       %.2f ns/call\n", t);
	printf("clock_now(), no test clock:   %.2f ns/call (%+.0f%%)\n", off,
	    (off - t) * 100.0 / t);
	printf("clock_now(), test clock:      %.2f ns/call\n", on);
	return 0;
}
