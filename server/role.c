/* Staff roles: their bits (pawd.h) and their names on the wire and in SQL. */
#include <string.h>

#include "pawd.h"

/* By bit: R_CLERK is 1 << 0 ... R_SUPPORT 1 << 3. */
const char *const staff_roles[] = {
	"clerk", "manager", "hq_admin", "support", NULL
};

const char *
role_name(int role)
{
	int	i;

	for (i = 0; staff_roles[i] != NULL; i++) {
		if (role == (1 << i))
			return staff_roles[i];
	}
	return "";
}

int
role_parse(const char *s)
{
	int	i;

	for (i = 0; s != NULL && staff_roles[i] != NULL; i++) {
		if (strcmp(s, staff_roles[i]) == 0)
			return 1 << i;
	}
	return 0;
}
