/*
 * Pattern matching with a cache of compiled expressions.  The set of
 * patterns is small and fixed (they come from declarations), so the cache
 * is a short list searched by text; a mutex guards it because every event
 * loop checks parameters.  glibc's regexec() is safe to call on one
 * compiled expression from several threads.
 */
#include <pthread.h>
#include <regex.h>
#include <stdlib.h>
#include <string.h>

#include "match.h"
#include "xmalloc.h"

#define MATCH_CACHE	64
#define MATCH_INPUT	256	/* longer values never match */

struct compiled {
	char	*ere;
	regex_t	 re;
	int	 ok;
};

static struct compiled	cache[MATCH_CACHE];
static int		ncache;
static pthread_mutex_t	cache_lock = PTHREAD_MUTEX_INITIALIZER;

/* The compiled form of ere, compiled on first use; NULL if it cannot be. */
static const struct compiled *
match_compile(const char *ere)
{
	struct compiled	*c = NULL;
	int		 i;

	pthread_mutex_lock(&cache_lock);
	for (i = 0; i < ncache; i++) {
		if (strcmp(cache[i].ere, ere) == 0) {
			c = &cache[i];
			break;
		}
	}
	if (c == NULL && ncache < MATCH_CACHE) {
		c = &cache[ncache++];
		c->ere = xstrdup(ere);
		c->ok = regcomp(&c->re, ere, REG_EXTENDED | REG_NOSUB) == 0;
	}
	pthread_mutex_unlock(&cache_lock);
	return c != NULL && c->ok ? c : NULL;
}

int
match_pattern(const char *ere, const char *ignore, const char *s)
{
	const struct compiled	*c = match_compile(ere);
	char			 buf[MATCH_INPUT];
	size_t			 n = 0;

	if (c == NULL)
		return 0;
	for (; *s != '\0'; s++) {
		if (ignore != NULL && strchr(ignore, *s) != NULL)
			continue;
		if (n + 1 >= sizeof buf)
			return 0;
		buf[n++] = *s;
	}
	buf[n] = '\0';
	return regexec(&c->re, buf, 0, NULL, 0) == 0;
}
