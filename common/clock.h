/*
 * Time: the wall clock (UTC epoch seconds), which a data directory's test
 * clock may replace, the business time zone, and the monotonic clock.
 */
#ifndef CLOCK_H
#define CLOCK_H

#include <stdint.h>

/*
 * Epoch seconds: the system's, or the test clock's once clock_test_attach()
 * has mapped one.  As cheap as time() while there is none.  Everything the
 * server does with time reads it (log lines keep the system's time).
 */
int64_t	clock_now(void);
/* Monotonic milliseconds and microseconds (never the test clock). */
int64_t	clock_ms(void);
int64_t	clock_us(void);

/*
 * The test clock: an epoch time kept in a 16-byte file (a magic word, then
 * the time as a native int64), shared through a mapping by every process
 * that attaches it, so a write is seen at once by all.  It stands still
 * between moves and only moves forward.
 *
 * Attach the file at path: with create, make it (mode 0600, at the system
 * time) if it is missing.  1 attached, 0 no file (and not create), -1 on
 * error with *errstr set (caller frees).  Call before starting threads.
 */
int	clock_test_attach(const char *path, int create, char **errstr);
/* 1 if clock_now() reads a test clock. */
int	clock_test_on(void);
/*
 * Move the test clock to t, durably: 0, or -1 if it is off or t is earlier
 * than its time (which stays).
 */
int	clock_test_set(int64_t t);
/* Back to the system clock (unit tests). */
void	clock_test_detach(void);

/*
 * The business time zone: TZ, or Asia/Shanghai when TZ is unset (then set,
 * so localtime_r() and mktime() use it).  Call once before threads start.
 */
const char *clock_zone(void);
/*
 * Today's date in the business time zone as YYYY-MM-DD into out (at least
 * 11 bytes).
 */
void	clock_today(char *out);
/* The years a date may have: birthdays of the old, plans that run long. */
#define CLOCK_YEAR_MIN	1900
#define CLOCK_YEAR_MAX	2200
/* 1 if s is a valid YYYY-MM-DD calendar date. */
int	clock_date_valid(const char *s);

#endif
