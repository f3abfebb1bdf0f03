/* err.c: recording what failed, where, and of which kind. */
#include <errno.h>
#include <stdio.h>

#include "internal.h"

int
md_err_kind(struct md_err *e, enum md_err_kind kind, const char *step,
    const char *dir, const char *name)
{
	int saved = errno;

	if (e != NULL) {
		e->kind = kind;
		e->step = step;
		if (name == NULL)
			snprintf(e->path, sizeof(e->path), "%s", dir);
		else
			snprintf(e->path, sizeof(e->path), "%s/%s", dir, name);
	}
	errno = saved;
	return -1;
}

int
md_err_set(
    struct md_err *e, const char *step, const char *dir, const char *name)
{
	return md_err_kind(e, MD_ERR_SYSTEM, step, dir, name);
}

int
md_err_permanent(enum md_err_kind kind)
{
	return kind == MD_ERR_LOOP || kind == MD_ERR_TOO_BIG;
}
