/* Unit tests for change.c: message paths, the name after a change, and
 * the rename itself (vanished, gone, never replacing). */
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

/* ---- md_msgpath_parse ---- */

static void
parse_good(void **state)
{
	static const struct {
		const char *path, *root;
		int sub;
		const char *name;
	} t[] = {
		{ "M/new/x", "M", MD_NEW, "x" },
		{ "M/cur/x:2,S", "M", MD_CUR, "x:2,S" },
		{ "new/x", ".", MD_NEW, "x" },
		{ "cur/x:2,", ".", MD_CUR, "x:2," },
		{ "/a/new/x", "/a", MD_NEW, "x" },
		{ "/new/x", "/", MD_NEW, "x" },
		{ "./M/cur/y", "./M", MD_CUR, "y" },
		{ "/h/Maildir/.Work.A/cur/1.M2P3.h,S=4:2,FS",
		    "/h/Maildir/.Work.A", MD_CUR, "1.M2P3.h,S=4:2,FS" },
		{ "a b/new/x y", "a b", MD_NEW, "x y" },
		/* a maildir may itself be called new or cur */
		{ "x/new/cur/z", "x/new", MD_CUR, "z" },
		{ "a/cur/x:y:2,S", "a", MD_CUR, "x:y:2,S" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		struct md_msgpath mp;

		memset(&mp, 0x55, sizeof(mp));
		if (md_msgpath_parse(t[i].path, &mp) != 0)
			fail_msg("'%s' refused", t[i].path);
		assert_string_equal(mp.root, t[i].root);
		assert_int_equal(mp.sub, t[i].sub);
		assert_string_equal(mp.name, t[i].name);
	}
}

static void
parse_bad(void **state)
{
	static const char *const bad[] = { "", "x", "new", "cur", "new/",
		"a/cur/", "a/new", "a/cur", "/", "a/cur/.x", "a/new/.x:2,S",
		"a/cur/.", "a/cur/..", "a/cur/:2,S", "a/new/:x", "a/tmp/x",
		"tmp/x", "a/newx/y", "a/anew/x", "anew/x", "a/xcur/y",
		"a/cur/x/", "a/cur/sub/x", "a/ne/x", "a/cu/x" };

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct md_msgpath mp;

		errno = 0;
		if (md_msgpath_parse(bad[i], &mp) != -1)
			fail_msg("'%s' taken as a message path", bad[i]);
		assert_int_equal(errno, EINVAL);
	}
}

static void
parse_too_long(void **state)
{
	char path[NAME_MAX + 16];
	struct md_msgpath mp;

	(void)state;
	/* a name of NAME_MAX bytes fits, one more does not */
	strcpy(path, "M/cur/");
	memset(path + 6, 'x', NAME_MAX);
	path[6 + NAME_MAX] = '\0';
	assert_int_equal(md_msgpath_parse(path, &mp), 0);
	assert_int_equal(strlen(mp.name), NAME_MAX);
	path[6 + NAME_MAX] = 'x';
	path[7 + NAME_MAX] = '\0';
	errno = 0;
	assert_int_equal(md_msgpath_parse(path, &mp), -1);
	assert_int_equal(errno, ENAMETOOLONG);
}

/* ---- md_change_name ---- */

/* PATH changed by SET, CLEAR (flag letters) and TO_CUR gives RC and, when
 * RC is 1, WANT. */
static void
name_after(const char *path, const char *set, const char *clear, int to_cur,
    int rc, const char *want)
{
	struct md_msgpath mp;
	struct md_change c;
	char out[NAME_MAX + 1];

	assert_int_equal(md_msgpath_parse(path, &mp), 0);
	memset(&c, 0, sizeof(c));
	assert_int_equal(md_flags_from_user(set, &c.set), 0);
	assert_int_equal(md_flags_from_user(clear, &c.clear), 0);
	c.to_cur = to_cur;
	strcpy(out, "untouched");
	if (md_change_name(&mp, &c, out, sizeof(out)) != rc)
		fail_msg("%s +%s -%s%s: rc is not %d", path, set, clear,
		    to_cur ? " -C" : "", rc);
	if (rc == 1)
		assert_string_equal(out, want);
	/* the identity never changes */
	if (rc == 1) {
		size_t b = md_name_baselen(mp.name);

		assert_memory_equal(out, mp.name, b);
		assert_int_equal(out[b], ':');
	} else
		assert_string_equal(out, "untouched");
}

static void
new_to_cur(void **state)
{
	(void)state;
	name_after("M/new/B", "S", "", 0, 1, "B:2,S");
	name_after("M/new/B", "TSF", "", 0, 1, "B:2,FST");
	name_after("M/new/1.M2P3.h,S=40", "R", "", 0, 1, "1.M2P3.h,S=40:2,R");
	/* -C: to cur/ with empty flags, or with the flags it has */
	name_after("M/new/B", "", "", 1, 1, "B:2,");
	name_after("M/new/B:2,S", "", "", 1, 1, "B:2,S");
	name_after("M/new/B", "F", "", 1, 1, "B:2,F");
	/* clearing a flag that is set moves it too */
	name_after("M/new/B:2,FS", "", "S", 0, 1, "B:2,F");
}

static void
unchanged(void **state)
{
	(void)state;
	name_after("M/new/B", "", "", 0, 0, NULL);
	name_after("M/new/B", "", "S", 0, 0, NULL);
	name_after("M/new/B:2,S", "S", "", 0, 0, NULL);
	name_after("M/cur/B:2,S", "S", "", 0, 0, NULL);
	name_after("M/cur/B:2,S", "", "F", 0, 0, NULL);
	name_after("M/cur/B:2,FS", "SF", "TD", 0, 0, NULL);
	name_after("M/cur/B:2,S", "", "", 1, 0, NULL); /* -C in cur/ */
	name_after("M/cur/B", "", "S", 0, 0, NULL);
	name_after("M/cur/B:2,Sa", "a", "b", 0, 0, NULL);
	name_after("M/cur/B:2,", "", "", 0, 0, NULL);
}

static void
keeps_what_it_does_not_own(void **state)
{
	(void)state;
	/* flags come out in ASCII order, capitals first */
	name_after("M/cur/B:2,TS", "F", "", 0, 1, "B:2,FST");
	name_after("M/cur/B:2,TSRPFD", "", "T", 0, 1, "B:2,DFPRS");
	/* unknown letters and keywords stay */
	name_after("M/cur/B:2,SXa", "F", "", 0, 1, "B:2,FSXa");
	name_after("M/cur/B:2,Szb", "a", "S", 0, 1, "B:2,abz");
	/* the tail after the flags stays, the base with its fields too */
	name_after(
	    "M/cur/B,S=5,W=6:2,S,U=9", "F", "", 0, 1, "B,S=5,W=6:2,FS,U=9");
	name_after("M/new/B:2,,x=y", "", "", 1, 1, "B:2,,x=y");
	/* colons inside the base: flags are after the last one */
	name_after("M/cur/a:b:2,S", "R", "", 0, 1, "a:b:2,RS");
	/* all flags cleared */
	name_after("M/cur/B:2,FS", "", "FS", 0, 1, "B:2,");
	/* cur/ without info gains one */
	name_after("M/cur/B", "S", "", 0, 1, "B:2,S");
}

static void
name_too_long(void **state)
{
	struct md_msgpath mp;
	struct md_change c;
	char path[NAME_MAX + 16], out[NAME_MAX + 1];

	(void)state;
	strcpy(path, "M/new/");
	memset(path + 6, 'x', NAME_MAX - 2);
	path[6 + NAME_MAX - 2] = '\0';
	assert_int_equal(md_msgpath_parse(path, &mp), 0);
	memset(&c, 0, sizeof(c));
	md_flags_set(&c.set, 'S', 1);
	errno = 0;
	assert_int_equal(md_change_name(&mp, &c, out, sizeof(out)), -1);
	assert_int_equal(errno, ENAMETOOLONG);
	/* too small an output buffer */
	assert_int_equal(md_msgpath_parse("M/new/B", &mp), 0);
	errno = 0;
	assert_int_equal(md_change_name(&mp, &c, out, 4), -1);
	assert_int_equal(errno, ENAMETOOLONG);
}

/* ---- md_change, md_find_base, md_rename_noreplace on files ---- */

static void
change_renames(void **state)
{
	char m[PATH_MAX];
	struct md_msgpath mp;
	struct md_change c;
	struct md_err e;
	time_t mtime = 0;

	(void)state;
	scratch_maildir(m, sizeof(m), "ren");
	scratch_put(m, "new/B", "body");
	memset(&c, 0, sizeof(c));
	md_flags_set(&c.set, 'S', 1);
	scratch_msgpath(&mp, m, "new/B");
	assert_int_equal(md_change(&mp, &c, &e), 1);
	assert_int_equal(mp.sub, MD_CUR);
	assert_string_equal(mp.name, "B:2,S");
	assert_string_equal(mp.root, m);
	assert_false(scratch_exists(m, "new/B", NULL));
	assert_true(scratch_exists(m, "cur/B:2,S", &mtime));
	assert_int_equal(mtime, 1000000000);
	/* the same change again: nothing to do */
	assert_int_equal(md_change(&mp, &c, &e), 0);
	assert_string_equal(mp.name, "B:2,S");
	assert_true(scratch_exists(m, "cur/B:2,S", NULL));
	/* a flag more, then one less */
	md_flags_set(&c.set, 'F', 1);
	assert_int_equal(md_change(&mp, &c, &e), 1);
	assert_string_equal(mp.name, "B:2,FS");
	memset(&c, 0, sizeof(c));
	md_flags_set(&c.clear, 'F', 1);
	assert_int_equal(md_change(&mp, &c, &e), 1);
	assert_string_equal(mp.name, "B:2,S");
	assert_true(scratch_exists(m, "cur/B:2,S", &mtime));
	assert_int_equal(mtime, 1000000000);
	assert_false(scratch_exists(m, "cur/B:2,FS", NULL));
}

static void
change_finds_renamed(void **state)
{
	char m[PATH_MAX];
	struct md_msgpath mp;
	struct md_change c;
	struct md_err e;

	(void)state;
	scratch_maildir(m, sizeof(m), "vanish");
	memset(&c, 0, sizeof(c));
	md_flags_set(&c.set, 'S', 1);

	/* another client moved it to cur/ with a flag of its own */
	scratch_put(m, "cur/V:2,R", "v");
	scratch_msgpath(&mp, m, "new/V");
	assert_int_equal(md_change(&mp, &c, &e), 1);
	assert_int_equal(mp.sub, MD_CUR);
	assert_string_equal(mp.name, "V:2,RS");
	assert_true(scratch_exists(m, "cur/V:2,RS", NULL));
	assert_false(scratch_exists(m, "cur/V:2,R", NULL));

	/* renamed within cur/ */
	scratch_put(m, "cur/W:2,F", "w");
	scratch_msgpath(&mp, m, "cur/W:2,T");
	assert_int_equal(md_change(&mp, &c, &e), 1);
	assert_string_equal(mp.name, "W:2,FS");
	assert_true(scratch_exists(m, "cur/W:2,FS", NULL));

	/* moved and already as wanted: found, nothing to do */
	scratch_put(m, "cur/X:2,S", "x");
	scratch_msgpath(&mp, m, "new/X");
	assert_int_equal(md_change(&mp, &c, &e), 0);
	assert_int_equal(mp.sub, MD_CUR);
	assert_string_equal(mp.name, "X:2,S");

	/* a name sharing only a prefix of the base is another message */
	scratch_put(m, "cur/Y1:2,S", "y1");
	scratch_msgpath(&mp, m, "new/Y");
	errno = 0;
	assert_int_equal(md_change(&mp, &c, &e), -1);
	assert_int_equal(errno, ENOENT);
	assert_int_equal(e.kind, MD_ERR_GONE);
	assert_true(scratch_exists(m, "cur/Y1:2,S", NULL));
	assert_false(scratch_exists(m, "cur/Y:2,S", NULL));
}

/* A directory in cur/ is no message: not renamed, nor found by base. */
static void
change_directory(void **state)
{
	char m[PATH_MAX], p[PATH_MAX + 16];
	struct md_msgpath mp;
	struct md_change c = { 0 };
	struct md_err e;

	(void)state;
	scratch_maildir(m, sizeof(m), "dir");
	md_flags_set(&c.set, 'S', 1);
	snprintf(p, sizeof(p), "%s/cur/D:2,", m);
	assert_int_equal(mkdir(p, 0700), 0);
	scratch_msgpath(&mp, m, "cur/D:2,");
	errno = 0;
	assert_int_equal(md_change(&mp, &c, &e), -1);
	assert_int_equal(errno, EISDIR);
	assert_true(scratch_exists(m, "cur/D:2,", NULL));
	assert_false(scratch_exists(m, "cur/D:2,S", NULL));
	scratch_msgpath(&mp, m, "new/D");
	errno = 0;
	assert_int_equal(md_find_base(&mp), -1);
	assert_int_equal(errno, ENOENT);
}

static void
find_base(void **state)
{
	char m[PATH_MAX];
	struct md_msgpath mp;

	(void)state;
	scratch_maildir(m, sizeof(m), "find");
	scratch_put(m, "new/N", "n");
	scratch_put(m, "cur/C:2,FS", "c");
	scratch_put(m, "cur/CC:2,S", "cc");
	scratch_put(m, "cur/.C:2,S", "dot");

	scratch_msgpath(&mp, m, "cur/N:2,S");
	assert_int_equal(md_find_base(&mp), 0);
	assert_int_equal(mp.sub, MD_NEW);
	assert_string_equal(mp.name, "N");

	scratch_msgpath(&mp, m, "new/C");
	assert_int_equal(md_find_base(&mp), 0);
	assert_int_equal(mp.sub, MD_CUR);
	assert_string_equal(mp.name, "C:2,FS");

	scratch_msgpath(&mp, m, "new/CCC");
	errno = 0;
	assert_int_equal(md_find_base(&mp), -1);
	assert_int_equal(errno, ENOENT);
}

static void
change_gone(void **state)
{
	char m[PATH_MAX];
	struct md_msgpath mp;
	struct md_change c;
	struct md_err e;

	(void)state;
	scratch_maildir(m, sizeof(m), "gone");
	memset(&c, 0, sizeof(c));
	md_flags_set(&c.set, 'S', 1);
	scratch_msgpath(&mp, m, "new/G");
	errno = 0;
	assert_int_equal(md_change(&mp, &c, &e), -1);
	assert_int_equal(errno, ENOENT);
	assert_non_null(e.step);
	assert_non_null(strstr(e.path, "/new/G"));
	assert_false(scratch_exists(m, "cur/G:2,S", NULL));
}

/* cur/ vanished under us: the rename's ENOENT is about the target, and
 * it is reported at once as such, not retried until EAGAIN. */
static void
change_no_cur(void **state)
{
	char m[PATH_MAX], cur[PATH_MAX + 8];
	struct md_msgpath mp;
	struct md_change c;
	struct md_err e;

	(void)state;
	scratch_maildir(m, sizeof(m), "nocur");
	scratch_put(m, "new/N", "x");
	snprintf(cur, sizeof(cur), "%s/cur", m);
	assert_int_equal(rmdir(cur), 0);
	memset(&c, 0, sizeof(c));
	md_flags_set(&c.set, 'S', 1);
	scratch_msgpath(&mp, m, "new/N");
	assert_int_equal(md_change(&mp, &c, &e), -1);
	assert_int_equal(errno, ENOENT);
	assert_string_equal(e.step, "rename");
	assert_non_null(strstr(e.path, "/cur/N:2,S"));
	assert_true(scratch_exists(m, "new/N", NULL));
}

/* A path given without a root prints back without "./". */
static void
format_paths(void **state)
{
	struct md_msgpath mp;
	char buf[PATH_MAX];

	(void)state;
	assert_int_equal(md_msgpath_parse("cur/x:2,S", &mp), 0);
	assert_int_equal(md_msgpath_format(&mp, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "cur/x:2,S");
	assert_int_equal(md_msgpath_parse("./new/y", &mp), 0);
	assert_int_equal(md_msgpath_format(&mp, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "./new/y");
	assert_int_equal(md_msgpath_parse("/new/z", &mp), 0);
	assert_int_equal(md_msgpath_format(&mp, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "/new/z");
	assert_int_equal(md_msgpath_parse("M//cur//w", &mp), 0);
	assert_int_equal(md_msgpath_format(&mp, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "M/cur/w");
	assert_int_equal(md_msgpath_format(&mp, buf, 4), -1);
	assert_int_equal(errno, ENAMETOOLONG);
}

static void
change_never_replaces(void **state)
{
	char m[PATH_MAX];
	struct md_msgpath mp;
	struct md_change c;
	struct md_err e;
	char p[PATH_MAX + 16];
	int fd;
	char buf[8] = "";

	(void)state;
	scratch_maildir(m, sizeof(m), "norep");
	scratch_put(m, "new/D", "from new");
	scratch_put(m, "cur/D:2,S", "in cur");
	memset(&c, 0, sizeof(c));
	md_flags_set(&c.set, 'S', 1);
	scratch_msgpath(&mp, m, "new/D");
	errno = 0;
	assert_int_equal(md_change(&mp, &c, &e), -1);
	assert_int_equal(errno, EEXIST);
	assert_true(scratch_exists(m, "new/D", NULL));
	assert_true(
	    (size_t)snprintf(p, sizeof(p), "%s/cur/D:2,S", m) < sizeof(p));
	fd = open(p, O_RDONLY);
	assert_true(fd >= 0);
	assert_int_equal(read(fd, buf, sizeof(buf) - 1), 6);
	close(fd);
	assert_string_equal(buf, "in cur");
}

static void
rename_noreplace(void **state)
{
	char m[PATH_MAX];
	int fd;

	(void)state;
	scratch_maildir(m, sizeof(m), "rn");
	scratch_put(m, "cur/a", "a");
	scratch_put(m, "cur/b", "b");
	fd = open(m, O_RDONLY | O_DIRECTORY);
	assert_true(fd >= 0);
	errno = 0;
	assert_int_equal(md_rename_noreplace(fd, "cur/a", fd, "cur/b"), -1);
	assert_int_equal(errno, EEXIST);
	assert_true(scratch_exists(m, "cur/a", NULL));
	assert_int_equal(md_rename_noreplace(fd, "cur/a", fd, "cur/c"), 0);
	assert_false(scratch_exists(m, "cur/a", NULL));
	assert_true(scratch_exists(m, "cur/c", NULL));
	errno = 0;
	assert_int_equal(md_rename_noreplace(fd, "cur/a", fd, "cur/d"), -1);
	assert_int_equal(errno, ENOENT);
	close(fd);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(parse_good),
		cmocka_unit_test(parse_bad),
		cmocka_unit_test(parse_too_long),
		cmocka_unit_test(new_to_cur),
		cmocka_unit_test(unchanged),
		cmocka_unit_test(keeps_what_it_does_not_own),
		cmocka_unit_test(name_too_long),
		cmocka_unit_test(change_renames),
		cmocka_unit_test(change_finds_renamed),
		cmocka_unit_test(change_directory),
		cmocka_unit_test(find_base),
		cmocka_unit_test(change_gone),
		cmocka_unit_test(change_no_cur),
		cmocka_unit_test(format_paths),
		cmocka_unit_test(change_never_replaces),
		cmocka_unit_test(rename_noreplace),
	};

	return cmocka_run_group_tests(tests, scratch_setup, scratch_teardown);
}
