/*
 * Wall and monotonic clocks.  The wall clock is the system's unless a data
 * directory's test clock is attached: a 16-byte file mapped shared, so the
 * pawd serving TCP, the pawd --stdio of every SSH session and pawd enroll
 * read one time, and a move made by one is seen by all at once.  Reading it
 * is one load from the mapping; with none attached clock_now() is time()
 * behind a branch that is always taken the same way.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/stat.h>

#include "clock.h"
#include "xmalloc.h"

#define CLOCK_MAGIC	"PAWCLOCK"

/* The file's layout. */
struct clock_file {
	char			magic[8];
	_Atomic int64_t		now;
};

/* Set before threads start, read only after: no lock. */
static struct clock_file	*test_clock;

int64_t
clock_now(void)
{
	if (__builtin_expect(test_clock != NULL, 0))
		return atomic_load_explicit(&test_clock->now,
		    memory_order_relaxed);
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

/*
 * Make the file at path, at the system time.  Written under another name
 * and linked into place, so no process ever maps a half-written clock;
 * EEXIST (another process made it first) is success.
 */
static int
clock_test_create(const char *path)
{
	struct clock_file	 cf;
	char			 tmp[4096];
	int			 fd, rc = -1, saved;

	memset(&cf, 0, sizeof cf);
	memcpy(cf.magic, CLOCK_MAGIC, sizeof cf.magic);
	atomic_init(&cf.now, (int64_t)time(NULL));
	if ((size_t)snprintf(tmp, sizeof tmp, "%s.%ld", path,
	    (long)getpid()) >= sizeof tmp) {
		errno = ENAMETOOLONG;
		return -1;
	}
	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
	    0600)) == -1)
		return -1;
	if (write(fd, &cf, sizeof cf) == (ssize_t)sizeof cf && fsync(fd) == 0 &&
	    (link(tmp, path) == 0 || errno == EEXIST))
		rc = 0;
	saved = errno;
	close(fd);
	unlink(tmp);
	errno = saved;
	return rc;
}

int
clock_test_attach(const char *path, int create, char **errstr)
{
	struct stat	 sb;
	void		*p;
	int		 fd;

	if ((fd = open(path, O_RDWR | O_CLOEXEC)) == -1 && errno == ENOENT) {
		if (!create)
			return 0;
		if (clock_test_create(path) == 0)
			fd = open(path, O_RDWR | O_CLOEXEC);
	}
	if (fd == -1)
		goto fail;
	if (fstat(fd, &sb) != 0 || sb.st_size != (off_t)sizeof *test_clock) {
		close(fd);
		errno = EINVAL;
		goto fail;
	}
	p = mmap(NULL, sizeof *test_clock, PROT_READ | PROT_WRITE, MAP_SHARED,
	    fd, 0);
	close(fd);
	if (p == MAP_FAILED)
		goto fail;
	if (memcmp(((struct clock_file *)p)->magic, CLOCK_MAGIC, 8) != 0) {
		munmap(p, sizeof *test_clock);
		errno = EINVAL;
		goto fail;
	}
	clock_test_detach();
	test_clock = p;
	return 1;
fail:
	*errstr = xasprintf("%s: %s", path, errno == EINVAL ?
	    "not a test clock file" : strerror(errno));
	return -1;
}

int
clock_test_on(void)
{
	return test_clock != NULL;
}

int
clock_test_set(int64_t t)
{
	int64_t	cur;

	if (test_clock == NULL)
		return -1;
	cur = atomic_load(&test_clock->now);
	do {
		if (t < cur)
			return -1;
	} while (!atomic_compare_exchange_weak(&test_clock->now, &cur, t));
	/* A move answered is a move kept, even if the machine stops now. */
	return msync(test_clock, sizeof *test_clock, MS_SYNC);
}

void
clock_test_detach(void)
{
	if (test_clock != NULL)
		munmap(test_clock, sizeof *test_clock);
	test_clock = NULL;
}

const char *
clock_zone(void)
{
	const char	*tz = getenv("TZ");

	if (tz == NULL || *tz == '\0') {
		setenv("TZ", "Asia/Shanghai", 1);
		tz = "Asia/Shanghai";
	}
	tzset();
	return tz;
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
