/* Allocation that never returns NULL: out of memory aborts the process. */
#ifndef XMALLOC_H
#define XMALLOC_H

#include <stddef.h>

void	*xmalloc(size_t);
void	*xcalloc(size_t, size_t);
void	*xrealloc(void *, size_t);
char	*xstrdup(const char *);
/* Copy len bytes and add a NUL (msgpack strings are not terminated). */
char	*xmemdupz(const void *, size_t);
char	*xasprintf(const char *, ...) __attribute__((format(printf, 1, 2)));

#endif
