/* Time: wall clock (UTC epoch seconds, pinned by PAW_TEST_NOW) and monotonic. */
#ifndef CLOCK_H
#define CLOCK_H

#include <stdint.h>

/* Epoch seconds; PAW_TEST_NOW (epoch seconds) pins it for tests. */
int64_t	clock_now(void);
/* Monotonic milliseconds and microseconds. */
int64_t	clock_ms(void);
int64_t	clock_us(void);
/*
 * Today's date in the business time zone (TZ, default Asia/Shanghai) as
 * YYYY-MM-DD into out (at least 11 bytes).
 */
void	clock_today(char *out);
/* The years a date may have: birthdays of the old, plans that run long. */
#define CLOCK_YEAR_MIN	1900
#define CLOCK_YEAR_MAX	2200
/* 1 if s is a valid YYYY-MM-DD calendar date. */
int	clock_date_valid(const char *s);

#endif
