/* Unit tests for move.c: the fresh name, one rename or link on one file
 * system, renamed and gone sources, directories refused. The copy across
 * file systems is tested through md-move (t/0400-md-move.t). */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "internal.h"
#include "scratch.h"

struct pair {
	char from[PATH_MAX], to[PATH_MAX];
	struct md_maildir m;
	struct md_namegen g;
};

static struct pair *
pair(const char *a, const char *b)
{
	struct pair *p = calloc(1, sizeof(*p));
	struct md_err e;

	assert_non_null(p);
	scratch_maildir(p->from, sizeof(p->from), a);
	scratch_maildir(p->to, sizeof(p->to), b);
	assert_int_equal(md_maildir_open(&p->m, p->to, 0, &e), 0);
	assert_int_equal(md_namegen_init(&p->g), 0);
	return p;
}

static void
pair_free(struct pair *p)
{
	md_maildir_close(&p->m);
	free(p);
}

/* The part of OUT after "TO/SUB/": the new name. */
static const char *
name_in(const char *out, const char *to, const char *sub)
{
	size_t n = strlen(to);

	assert_memory_equal(out, to, n);
	assert_int_equal(out[n], '/');
	assert_memory_equal(out + n + 1, sub, 3);
	assert_int_equal(out[n + 4], '/');
	return out + n + 5;
}

static void
renames_with_fresh_base(void **state)
{
	struct pair *p = pair("r1", "r2");
	struct md_msgpath mp;
	struct md_err e;
	char out[PATH_MAX + NAME_MAX + 8];
	const char *name;
	uint64_t size = 0;
	struct stat before, after;
	time_t mtime;

	(void)state;
	scratch_put(p->from, "cur/old,S=5,U=9:2,FS,x", "hello");
	assert_int_equal(
	    lstat(strcat(strcpy(out, p->from), "/cur/old,S=5,U=9:2,FS,x"),
	        &before),
	    0);
	scratch_msgpath(&mp, p->from, "cur/old,S=5,U=9:2,FS,x");
	assert_int_equal(
	    md_move(&mp, &p->m, 0, NULL, &p->g, out, sizeof(out), &size, &e),
	    0);
	assert_int_equal(size, 5);
	name = name_in(out, p->to, "cur");
	assert_null(strstr(name, "old"));
	assert_null(strstr(name, ",U="));
	assert_string_equal(name + strlen(name) - 11, ",S=5:2,FS,x");
	assert_int_equal(lstat(out, &after), 0);
	assert_int_equal(before.st_ino, after.st_ino);
	assert_true(scratch_exists(p->to, name - 4, &mtime));
	assert_int_equal(mtime, 1000000000);
	assert_false(scratch_exists(p->from, "cur/old,S=5,U=9:2,FS,x", NULL));
	pair_free(p);
}

static void
new_stays_new_and_size_by_stat(void **state)
{
	struct pair *p = pair("n1", "n2");
	struct md_msgpath mp;
	struct md_err e;
	char out[PATH_MAX + NAME_MAX + 8];
	const char *name;
	uint64_t size = 0;

	(void)state;
	scratch_put(p->from, "new/plain", "1234567");
	scratch_msgpath(&mp, p->from, "new/plain");
	assert_int_equal(
	    md_move(&mp, &p->m, 0, NULL, &p->g, out, sizeof(out), &size, &e),
	    0);
	assert_int_equal(size, 7);
	name = name_in(out, p->to, "new");
	assert_null(strchr(name, ':'));
	assert_string_equal(name + strlen(name) - 4, ",S=7");
	pair_free(p);
}

static void
keep_links(void **state)
{
	struct pair *p = pair("k1", "k2");
	struct md_msgpath mp;
	struct md_err e;
	char out[PATH_MAX + NAME_MAX + 8];
	uint64_t size;
	struct stat st;

	(void)state;
	scratch_put(p->from, "cur/k:2,S", "abc");
	scratch_msgpath(&mp, p->from, "cur/k:2,S");
	assert_int_equal(
	    md_move(&mp, &p->m, 1, NULL, &p->g, out, sizeof(out), &size, &e),
	    0);
	assert_true(scratch_exists(p->from, "cur/k:2,S", NULL));
	assert_int_equal(lstat(out, &st), 0);
	assert_int_equal(st.st_nlink, 2);
	pair_free(p);
}

static void
finds_renamed_source(void **state)
{
	struct pair *p = pair("f1", "f2");
	struct md_msgpath mp;
	struct md_err e;
	char out[PATH_MAX + NAME_MAX + 8];
	uint64_t size;

	(void)state;
	/* listed in new/, since moved to cur/ with flags by another client */
	scratch_put(p->from, "cur/moved:2,RS", "x");
	scratch_msgpath(&mp, p->from, "new/moved");
	assert_int_equal(
	    md_move(&mp, &p->m, 0, NULL, &p->g, out, sizeof(out), &size, &e),
	    0);
	assert_non_null(strstr(name_in(out, p->to, "cur"), ":2,RS"));
	assert_false(scratch_exists(p->from, "cur/moved:2,RS", NULL));
	pair_free(p);
}

static void
gone_and_directory(void **state)
{
	struct pair *p = pair("g1", "g2");
	struct md_msgpath mp;
	struct md_err e;
	char out[PATH_MAX + NAME_MAX + 8], d[PATH_MAX + 16];
	uint64_t size;

	(void)state;
	scratch_msgpath(&mp, p->from, "cur/nothing:2,S");
	errno = 0;
	assert_int_equal(
	    md_move(&mp, &p->m, 0, NULL, &p->g, out, sizeof(out), &size, &e),
	    -1);
	assert_int_equal(errno, ENOENT);
	assert_string_equal(e.step, "find");
	assert_int_equal(e.kind, MD_ERR_GONE);

	snprintf(d, sizeof(d), "%s/cur/dir:2,", p->from);
	assert_int_equal(mkdir(d, 0700), 0);
	scratch_msgpath(&mp, p->from, "cur/dir:2,");
	errno = 0;
	assert_int_equal(
	    md_move(&mp, &p->m, 0, NULL, &p->g, out, sizeof(out), &size, &e),
	    -1);
	assert_int_equal(errno, EISDIR);
	assert_true(scratch_exists(p->from, "cur/dir:2,", NULL));
	pair_free(p);
}

/* A keyword map renames letters in the new name; a letter it cannot
 * carry fails with MD_ERR_KEYWORD and leaves the message where it was. */
static void
keywords_carried(void **state)
{
	struct pair *p = pair("kwfrom", "kwto");
	struct md_msgpath mp;
	struct md_err e;
	char out[PATH_MAX + NAME_MAX + 8], map[26];
	uint64_t size = 0;

	(void)state;
	for (int i = 0; i < 26; i++)
		map[i] = (char)('a' + i);
	map[0] = 'd';
	map[1] = '\0';
	scratch_put(p->from, "cur/one:2,Sa", "hello");
	scratch_put(p->from, "cur/two:2,Sab", "hello");
	scratch_msgpath(&mp, p->from, "cur/one:2,Sa");
	assert_int_equal(
	    md_move(&mp, &p->m, 0, map, &p->g, out, sizeof(out), &size, &e), 0);
	assert_string_equal(out + strlen(out) - 5, ":2,Sd");
	scratch_msgpath(&mp, p->from, "cur/two:2,Sab");
	assert_int_equal(
	    md_move(&mp, &p->m, 0, map, &p->g, out, sizeof(out), &size, &e),
	    -1);
	assert_int_equal(e.kind, MD_ERR_KEYWORD);
	assert_int_equal(errno, ENOENT);
	strcat(strcpy(out, p->from), "/cur/two:2,Sab");
	assert_int_equal(access(out, F_OK), 0);
	pair_free(p);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(renames_with_fresh_base),
		cmocka_unit_test(new_stays_new_and_size_by_stat),
		cmocka_unit_test(keep_links),
		cmocka_unit_test(keywords_carried),
		cmocka_unit_test(finds_renamed_source),
		cmocka_unit_test(gone_and_directory),
	};

	return cmocka_run_group_tests(tests, scratch_setup, scratch_teardown);
}
