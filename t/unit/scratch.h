/*
 * scratch.h: a scratch directory for the unit tests that need files,
 * made by scratch_setup and removed with all it holds by
 * scratch_teardown (cmocka group setup and teardown).
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>

static char scratch[512]; /* short: room for names under it */

static int
scratch_setup(void **state)
{
	const char *tmp = getenv("TMPDIR");

	(void)state;
	snprintf(scratch, sizeof(scratch), "%s/mdkit-unit-XXXXXX",
	    tmp && *tmp ? tmp : "/tmp");
	return mkdtemp(scratch) == NULL ? -1 : 0;
}

static int
scratch_teardown(void **state)
{
	char cmd[PATH_MAX + 16];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", scratch);
	return system(cmd) == 0 ? 0 : -1;
}
