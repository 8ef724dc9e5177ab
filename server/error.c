/* Domain errors: a code, the field they name and an English message. */
#include <stdarg.h>
#include <stdio.h>

#include "pawd.h"

int
perr_set(struct perr *e, enum err_code code, const char *field,
    const char *fmt, ...)
{
	va_list	ap;

	e->code = code;
	e->field = field;
	e->card_no[0] = '\0';
	e->archived = 0;
	va_start(ap, fmt);
	vsnprintf(e->msg, sizeof e->msg, fmt, ap);
	va_end(ap);
	return -1;
}
