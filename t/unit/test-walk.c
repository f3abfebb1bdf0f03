/* Unit tests for cmd/walk.c: each target, then its folders, and the one
 * rule for going on after a failure. */
#include <errno.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "common.h"
#include "scratch.h"

/* What the walk did: "PATH:FOLDER" for each maildir it was given, PATH
 * under the scratch directory; FAIL names the one that fails in part. */
struct seen {
	char s[1024];
	const char *fail;
};

static int
visit(void *arg, const char *path, int folder)
{
	struct seen *v = arg;
	const char *rel = path + strlen(scratch) + 1;

	snprintf(v->s + strlen(v->s), sizeof(v->s) - strlen(v->s), "%s%s:%d",
	    v->s[0] ? " " : "", rel, folder);
	if (v->fail != NULL && strcmp(rel, v->fail) == 0)
		return CMD_WALK_FAILED;
	return md_maildir_check(path, NULL) == 0 ? CMD_WALK_OK
	                                         : CMD_WALK_UNUSABLE;
}

/* The walk of ARG (under the scratch directory) with RECURSIVE: what it
 * did, into V; whether it failed. */
static int
walk(struct seen *v, const char *arg, int recursive)
{
	char p[PATH_MAX];
	struct cmd_walk w = { recursive, visit, v, 0 };

	v->s[0] = '\0';
	scratch_path(p, sizeof(p), scratch, arg);
	cmd_walk_arg(&w, p);
	return w.failed;
}

static void
targets(void **state)
{
	char b[PATH_MAX];
	struct seen v = { .fail = NULL };

	(void)state;
	scratch_maildir(b, sizeof(b), "R");
	scratch_maildir(b, sizeof(b), "R/.a");
	scratch_put(b, "maildirfolder", ""); /* a folder by its file */
	scratch_maildir(b, sizeof(b), "R/.a.b");
	scratch_maildir(b, sizeof(b), "R/.x.y"); /* without R/.x */
	scratch_dir(b, sizeof(b), "R/.junk");    /* no cur/: no folder */
	scratch_dir(b, sizeof(b), "N");          /* no maildir ... */
	scratch_maildir(b, sizeof(b), "N/.z");   /* ... with a dot-maildir */

	assert_int_equal(walk(&v, "R", 0), 0);
	assert_string_equal(v.s, "R:0");
	assert_int_equal(walk(&v, "R", 1), 0);
	assert_string_equal(v.s, "R:0 R/.a:1 R/.a.b:1 R/.x.y:1");
	/* a folder: its subfolders beside it */
	assert_int_equal(walk(&v, "R/.a", 1), 0);
	assert_string_equal(v.s, "R/.a:0 R/.a.b:1");
	/* a failure in part: told, and the walk goes on */
	v.fail = "R/.a";
	assert_int_equal(walk(&v, "R", 1), 1);
	assert_string_equal(v.s, "R:0 R/.a:1 R/.a.b:1 R/.x.y:1");
	v.fail = "R";
	assert_int_equal(walk(&v, "R", 1), 1);
	assert_string_equal(v.s, "R:0 R/.a:1 R/.a.b:1 R/.x.y:1");
	v.fail = NULL;
	/* a missing folder: its subfolders all the same */
	assert_int_equal(walk(&v, "R/.x", 1), 1);
	assert_string_equal(v.s, "R/.x:0 R/.x.y:1");
	/* no maildir and no folder: no folders */
	assert_int_equal(walk(&v, "N", 1), 1);
	assert_string_equal(v.s, "N:0");
	/* a folder of a missing root: its own failure, no list */
	assert_int_equal(walk(&v, "none/.w", 1), 1);
	assert_string_equal(v.s, "none/.w:0");
}

/* A target that cannot be named is a failure; FN never sees it. */
static void
bad_target(void **state)
{
	char arg[PATH_MAX + 16];
	struct seen v = { .fail = NULL };
	struct cmd_walk w = { 1, visit, &v, 0 };

	(void)state;
	memset(arg, 'a', sizeof(arg) - 1);
	arg[sizeof(arg) - 1] = '\0';
	cmd_walk_arg(&w, arg);
	assert_int_equal(w.failed, 1);
	assert_string_equal(v.s, "");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(targets),
		cmocka_unit_test(bad_target),
	};

	return cmocka_run_group_tests(tests, scratch_setup, scratch_teardown);
}
