/* Domain errors: a code, the field they name and an English message. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "pawd.h"

int
perr_set(struct perr *e, enum err_code code, const char *field,
    const char *fmt, ...)
{
	va_list	ap;

	e->code = code;
	e->field = field;
	e->nextra = 0;
	va_start(ap, fmt);
	vsnprintf(e->msg, sizeof e->msg, fmt, ap);
	va_end(ap);
	return -1;
}

static struct rpc_extra *
perr_extra(struct perr *e, const char *key)
{
	struct rpc_extra	*x;

	if (e->nextra >= RPC_EXTRA_MAX)
		return NULL;
	x = &e->extra[e->nextra++];
	memset(x, 0, sizeof *x);
	x->key = key;
	return x;
}

void
perr_extra_str(struct perr *e, const char *key, const char *v)
{
	struct rpc_extra	*x = perr_extra(e, key);

	if (x != NULL)
		snprintf(x->str, sizeof x->str, "%s", v);
}

void
perr_extra_bool(struct perr *e, const char *key, int v)
{
	struct rpc_extra	*x = perr_extra(e, key);

	if (x != NULL) {
		x->is_bool = 1;
		x->flag = v != 0;
	}
}
