/* Levelled logging with UTC timestamps, one line per message. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <sys/time.h>

#include "log.h"

static enum log_level	 log_min = LOG_INFO;
static FILE		*log_file;

static const char *log_names[] = {
	[LOG_DEBUG] = "debug",
	[LOG_INFO] = "info",
	[LOG_WARN] = "warn",
	[LOG_ERROR] = "error",
};

int
log_open(enum log_level level, const char *path)
{
	FILE	*f;

	log_min = level;
	if (path == NULL)
		return 0;
	if ((f = fopen(path, "a")) == NULL)
		return -1;
	setvbuf(f, NULL, _IOLBF, 0);
	if (log_file != NULL && log_file != stderr)
		fclose(log_file);
	log_file = f;
	return 0;
}

int
log_level_parse(const char *s)
{
	size_t	i;

	for (i = 0; i < sizeof log_names / sizeof log_names[0]; i++) {
		if (strcmp(s, log_names[i]) == 0)
			return (int)i;
	}
	return -1;
}

void
log_msg(enum log_level level, const char *fmt, ...)
{
	struct timeval	 tv;
	struct tm	 tm;
	char		 ts[32];
	va_list		 ap;
	FILE		*f = log_file != NULL ? log_file : stderr;

	if (level < log_min)
		return;
	gettimeofday(&tv, NULL);
	gmtime_r(&tv.tv_sec, &tm);
	strftime(ts, sizeof ts, "%Y-%m-%dT%H:%M:%S", &tm);
	fprintf(f, "%s.%03dZ %-5s ", ts, (int)(tv.tv_usec / 1000),
	    log_names[level]);
	va_start(ap, fmt);
	vfprintf(f, fmt, ap);
	va_end(ap);
	fputc('\n', f);
}
