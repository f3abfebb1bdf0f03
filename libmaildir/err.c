/* err.c: recording where a library call failed. */
#include <errno.h>
#include <stdio.h>

#include "maildir.h"

/* Fill E (if any) and return -1, leaving errno as the failing call set it. */
int
md_err_set(
    struct md_err *e, const char *step, const char *dir, const char *name)
{
	int saved = errno;

	if (e != NULL) {
		e->step = step;
		if (name == NULL)
			snprintf(e->path, sizeof(e->path), "%s", dir);
		else
			snprintf(e->path, sizeof(e->path), "%s/%s", dir, name);
	}
	errno = saved;
	return -1;
}
