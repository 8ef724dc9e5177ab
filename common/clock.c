/* Wall and monotonic clocks; the wall clock can be pinned for tests. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "clock.h"

int64_t
clock_now(void)
{
	const char	*s = getenv("PAW_TEST_NOW");

	if (s != NULL && *s != '\0')
		return strtoll(s, NULL, 10);
	return (int64_t)time(NULL);
}

int64_t
clock_us(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

int64_t
clock_ms(void)
{
	return clock_us() / 1000;
}

void
clock_today(char *out)
{
	time_t		t = (time_t)clock_now();
	struct tm	tm;

	if (getenv("TZ") == NULL)
		setenv("TZ", "Asia/Shanghai", 0);
	localtime_r(&t, &tm);
	strftime(out, 11, "%Y-%m-%d", &tm);
}

int
clock_date_valid(const char *s)
{
	static const int mdays[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	int	y, m, d, i;

	if (strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		return 0;
	for (i = 0; i < 10; i++) {
		if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
			return 0;
	}
	y = atoi(s);
	m = atoi(s + 5);
	d = atoi(s + 8);
	if (y < CLOCK_YEAR_MIN || y > CLOCK_YEAR_MAX || m < 1 || m > 12 || d < 1 || d > mdays[m - 1])
		return 0;
	if (m == 2 && d == 29 && !((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		return 0;
	return 1;
}
