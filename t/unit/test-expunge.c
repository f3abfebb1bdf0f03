/* Unit tests for expunge.c: ages, the choice by flags, and removal in a
 * scratch maildir (T, all, by age, tmp/ by ctime, dry runs, links,
 * directories, control files, files that vanish, quota lines). */
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
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "internal.h"
#include "scratch.h"

/* ---- md_age_parse ---- */

static void
age_good(void **state)
{
	static const struct {
		const char *s;
		time_t secs;
	} t[] = {
		{ "0s", 0 },
		{ "10s", 10 },
		{ "30m", 1800 },
		{ "12h", 43200 },
		{ "36h", 129600 },
		{ "7d", 604800 },
		{ "2w", 1209600 },
		{ "1d12h", 129600 },
		{ "1w1d1h1m1s", 694861 },
		{ "007d", 604800 },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		time_t secs = -1;

		if (md_age_parse(t[i].s, &secs) != 0)
			fail_msg("'%s' refused", t[i].s);
		assert_int_equal(secs, t[i].secs);
	}
}

static void
age_bad(void **state)
{
	static const char *const bad[] = { "", "7", "d", "7x", "-1d", "+1d",
		"7d ", " 7d", "1.5d", "7dd", "7D", "1d2", "s7", "0x10s",
		"7 d" };
	time_t secs = 42;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		errno = 0;
		if (md_age_parse(bad[i], &secs) != -1)
			fail_msg("'%s' taken as an age", bad[i]);
		assert_int_equal(errno, EINVAL);
	}
	assert_int_equal(secs, 42); /* untouched on failure */
	errno = 0;
	assert_int_equal(md_age_parse("99999999999999999999w", &secs), -1);
	assert_int_equal(errno, ERANGE);
	errno = 0;
	assert_int_equal(md_age_parse("2000000000w", &secs), -1);
	assert_int_equal(errno, ERANGE);
}

/* ---- md_expunge_wanted ---- */

static void
wanted(void **state)
{
	static const struct {
		const char *name;
		int trashed, all;
	} t[] = {
		{ "x:2,T", 1, 1 }, { "x:2,ST", 1, 1 }, { "x:2,FSTab", 1, 1 },
		{ "x,S=10:2,T,W=12", 1, 1 }, { "x:2,S", 0, 1 },
		{ "x:2,", 0, 1 }, { "x", 0, 1 }, { "xT", 0, 1 },
		{ "x:1,T", 0, 1 },     /* experimental info: no flags */
		{ "x:2,t", 0, 1 },     /* keyword t, not trashed */
		{ "T:2,S", 0, 1 },     /* a T in the base is no flag */
		{ "x:2,T:2,S", 0, 1 }, /* the last info counts */
	};
	struct md_expunge x;

	(void)state;
	memset(&x, 0, sizeof(x));
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		x.what = MD_EXPUNGE_TRASHED;
		if (md_expunge_wanted(&x, t[i].name) != t[i].trashed)
			fail_msg("T: '%s'", t[i].name);
		x.what = MD_EXPUNGE_ALL;
		if (md_expunge_wanted(&x, t[i].name) != t[i].all)
			fail_msg("all: '%s'", t[i].name);
		x.what = MD_EXPUNGE_TMP; /* tmp/ only: no message */
		assert_int_equal(md_expunge_wanted(&x, t[i].name), 0);
	}
}

/* ---- md_expunge_maildir ---- */

#define MAXEV 32

struct seen {
	int removed, problems;
	char names[MAXEV][NAME_MAX + 8]; /* "sub/name" */
	char steps[MAXEV][32];
	int errs[MAXEV];
	uint64_t sizes[MAXEV];
	const char *vanish[4]; /* removed by "another client" at event 1 */
	char dir[PATH_MAX];
};

static void
collect(void *arg, const struct md_expunge_event *ev)
{
	struct seen *s = arg;
	int saved = errno;

	if (ev->err != NULL) {
		if (s->problems < MAXEV) {
			snprintf(s->steps[s->problems], sizeof(s->steps[0]),
			    "%s", ev->err->step);
			s->errs[s->problems] = saved;
		}
		s->problems++;
		return;
	}
	if (s->removed < MAXEV) {
		snprintf(s->names[s->removed], sizeof(s->names[0]), "%s/%s",
		    ev->sub, ev->name);
		s->sizes[s->removed] = ev->size;
	}
	s->removed++;
	if (s->removed == 1)
		for (size_t i = 0; i < 4 && s->vanish[i] != NULL; i++) {
			char p[PATH_MAX + NAME_MAX];

			snprintf(p, sizeof(p), "%s/%s", s->dir, s->vanish[i]);
			unlink(p);
		}
}

static int
has_name(const struct seen *s, const char *name)
{
	for (int i = 0; i < s->removed && i < MAXEV; i++)
		if (strcmp(s->names[i], name) == 0)
			return 1;
	return 0;
}

static void
setx(struct md_expunge *x, struct seen *s, int what)
{
	memset(x, 0, sizeof(*x));
	memset(s, 0, sizeof(*s));
	x->what = what;
	x->report = collect;
	x->arg = s;
}

static void
trashed(void **state)
{
	char m[PATH_MAX], target[PATH_MAX], p[PATH_MAX + 16];
	struct md_expunge x;
	struct md_expunge_stats st = { 0 };
	struct md_err e;
	struct seen s;

	(void)state;
	scratch_maildir(m, sizeof(m), "T");
	scratch_fill(m, "new/n1:2,T", 3, 0);
	scratch_fill(m, "new/n2", 4, 0);
	scratch_fill(m, "cur/c1:2,ST", 5, 0);
	scratch_fill(m, "cur/c2,S=100:2,T", 7, 0); /* the name's size wins */
	scratch_fill(m, "cur/c3:2,S", 6, 0);
	scratch_fill(m, "cur/.hidden:2,T", 1, 0);
	scratch_fill(m, "tmp/t1:2,T", 1, 0);
	scratch_fill(m, "dovecot-uidlist", 1, 0);
	scratch_fill(m, "maildirsize", 0, 0);
	snprintf(p, sizeof(p), "%s/cur/dir:2,T", m);
	assert_int_equal(mkdir(p, 0700), 0);
	/* a link to a file outside: the link goes, the target stays */
	snprintf(target, sizeof(target), "%s/outside", scratch);
	scratch_fill(scratch, "outside", 9, 0);
	snprintf(p, sizeof(p), "%s/cur/l1:2,T", m);
	assert_int_equal(symlink(target, p), 0);

	setx(&x, &s, MD_EXPUNGE_TRASHED);
	assert_int_equal(md_expunge_maildir(m, &x, &st, &e), 0);
	assert_int_equal(s.problems, 0);
	assert_int_equal(st.messages, 4);
	assert_int_equal(s.removed, 4);
	assert_true(has_name(&s, "new/n1:2,T"));
	assert_true(has_name(&s, "cur/c1:2,ST"));
	assert_true(has_name(&s, "cur/c2,S=100:2,T"));
	assert_true(has_name(&s, "cur/l1:2,T"));
	/* 3 + 5 + 100 + the link's own size (the length of its target) */
	assert_int_equal(st.bytes, 108 + strlen(target));
	assert_int_equal(st.tmpfiles, 0);
	assert_false(scratch_exists(m, "new/n1:2,T", NULL));
	assert_false(scratch_exists(m, "cur/c1:2,ST", NULL));
	assert_false(scratch_exists(m, "cur/c2,S=100:2,T", NULL));
	assert_false(scratch_exists(m, "cur/l1:2,T", NULL));
	assert_true(scratch_exists(scratch, "outside", NULL));
	assert_true(scratch_exists(m, "new/n2", NULL));
	assert_true(scratch_exists(m, "cur/c3:2,S", NULL));
	assert_true(scratch_exists(m, "cur/.hidden:2,T", NULL));
	assert_true(scratch_exists(m, "cur/dir:2,T", NULL));
	assert_true(scratch_exists(m, "tmp/t1:2,T", NULL));
	assert_true(scratch_exists(m, "dovecot-uidlist", NULL));
	/* the quota loses what went: "-<bytes> -<count>" */
	{
		char line[64] = "", want[64];
		FILE *f;

		snprintf(p, sizeof(p), "%s/maildirsize", m);
		assert_non_null(f = fopen(p, "r"));
		assert_non_null(fgets(line, sizeof(line), f));
		fclose(f);
		snprintf(want, sizeof(want), "-%zu -4\n", 108 + strlen(target));
		assert_string_equal(line, want);
	}
	/* again: nothing left to do */
	setx(&x, &s, MD_EXPUNGE_TRASHED);
	memset(&st, 0, sizeof(st));
	assert_int_equal(md_expunge_maildir(m, &x, &st, &e), 0);
	assert_int_equal(st.messages + s.removed, 0);
}

static void
all_and_older(void **state)
{
	char m[PATH_MAX];
	struct md_expunge x;
	struct md_expunge_stats st = { 0 };
	struct md_err e;
	struct seen s;

	(void)state;
	scratch_maildir(m, sizeof(m), "A");
	scratch_fill(m, "new/old", 1, 1000000000);
	scratch_fill(m, "cur/old:2,S", 2, 1000000000);
	scratch_fill(
	    m, "cur/edge:2,S", 3, 1500000000); /* exactly at the cutoff */
	scratch_fill(m, "cur/young:2,T", 4, 2000000000);
	scratch_fill(m, "tmp/t", 1, 1000000000);

	setx(&x, &s, MD_EXPUNGE_ALL | MD_EXPUNGE_OLDER);
	x.before.tv_sec = 1500000000;
	assert_int_equal(md_expunge_maildir(m, &x, &st, &e), 0);
	assert_int_equal(st.messages, 2);
	assert_int_equal(st.bytes, 3);
	assert_false(scratch_exists(m, "new/old", NULL));
	assert_false(scratch_exists(m, "cur/old:2,S", NULL));
	assert_true(
	    scratch_exists(m, "cur/edge:2,S", NULL)); /* not older: stays */
	assert_true(scratch_exists(m, "cur/young:2,T", NULL));
	assert_true(scratch_exists(m, "tmp/t", NULL));

	/* T and older: only trashed ones before the cutoff */
	scratch_fill(m, "cur/oldT:2,T", 5, 1000000000);
	setx(&x, &s, MD_EXPUNGE_TRASHED | MD_EXPUNGE_OLDER);
	x.before.tv_sec = 1500000001;
	memset(&st, 0, sizeof(st));
	assert_int_equal(md_expunge_maildir(m, &x, &st, &e), 0);
	assert_int_equal(st.messages, 1);
	assert_false(scratch_exists(m, "cur/oldT:2,T", NULL));
	assert_true(scratch_exists(m, "cur/edge:2,S", NULL));

	/* all, any age */
	setx(&x, &s, MD_EXPUNGE_ALL);
	memset(&st, 0, sizeof(st));
	assert_int_equal(md_expunge_maildir(m, &x, &st, &e), 0);
	assert_int_equal(st.messages, 2);
	assert_false(scratch_exists(m, "cur/young:2,T", NULL));
	assert_true(scratch_exists(m, "tmp/t", NULL));
}

static void
tmp_by_ctime(void **state)
{
	char m[PATH_MAX], p[PATH_MAX + 16];
	struct md_expunge x;
	struct md_expunge_stats st = { 0 };
	struct md_err e;
	struct seen s;
	struct timespec now;

	(void)state;
	scratch_maildir(m, sizeof(m), "Tmp");
	/* an old mtime does not make a tmp file stale: ctime does */
	scratch_fill(m, "tmp/a", 10, 1000000000);
	scratch_fill(m, "tmp/b", 20, 0);
	scratch_fill(m, "cur/x:2,T", 1, 0);
	snprintf(p, sizeof(p), "%s/tmp/sub", m);
	assert_int_equal(mkdir(p, 0700), 0);
	assert_int_equal(clock_gettime(CLOCK_REALTIME, &now), 0);

	setx(&x, &s, MD_EXPUNGE_TMP);
	x.tmp_before = now;
	x.tmp_before.tv_sec -= 3600; /* older than an hour: none */
	assert_int_equal(md_expunge_maildir(m, &x, &st, &e), 0);
	assert_int_equal(st.tmpfiles + st.messages, 0);
	assert_true(scratch_exists(m, "tmp/a", NULL));

	/* a dry run with a cutoff after now: both named, none removed */
	setx(&x, &s, MD_EXPUNGE_TMP | MD_EXPUNGE_DRY);
	x.tmp_before = now;
	x.tmp_before.tv_sec += 1;
	assert_int_equal(md_expunge_maildir(m, &x, &st, &e), 0);
	assert_int_equal(st.tmpfiles, 2);
	assert_int_equal(st.tmpbytes, 30);
	assert_true(has_name(&s, "tmp/a"));
	assert_true(has_name(&s, "tmp/b"));
	assert_true(scratch_exists(m, "tmp/a", NULL));
	assert_true(scratch_exists(m, "tmp/b", NULL));

	setx(&x, &s, MD_EXPUNGE_TMP);
	x.tmp_before = now;
	x.tmp_before.tv_sec += 1;
	memset(&st, 0, sizeof(st));
	assert_int_equal(md_expunge_maildir(m, &x, &st, &e), 0);
	assert_int_equal(st.tmpfiles, 2);
	assert_int_equal(st.messages, 0); /* tmp/ only: T messages stay */
	assert_false(scratch_exists(m, "tmp/a", NULL));
	assert_false(scratch_exists(m, "tmp/b", NULL));
	assert_true(scratch_exists(m, "tmp/sub", NULL));
	assert_true(scratch_exists(m, "cur/x:2,T", NULL));
}

static void
dry_run(void **state)
{
	char m[PATH_MAX];
	struct md_expunge x;
	struct md_expunge_stats st = { 0 };
	struct md_err e;
	struct seen s;

	(void)state;
	scratch_maildir(m, sizeof(m), "Dry");
	scratch_fill(m, "cur/a:2,T", 4, 0);
	scratch_fill(m, "new/b,S=9", 2, 0);
	scratch_fill(m, "maildirsize", 0, 0);
	setx(&x, &s, MD_EXPUNGE_ALL | MD_EXPUNGE_DRY);
	assert_int_equal(md_expunge_maildir(m, &x, &st, &e), 0);
	assert_int_equal(st.messages, 2);
	assert_int_equal(st.bytes, 13);
	assert_int_equal(s.removed, 2);
	assert_true(scratch_exists(m, "cur/a:2,T", NULL));
	assert_true(scratch_exists(m, "new/b,S=9", NULL));
	{
		struct stat sb;
		char p[PATH_MAX + 16];

		snprintf(p, sizeof(p), "%s/maildirsize", m);
		assert_int_equal(stat(p, &sb), 0);
		assert_int_equal(sb.st_size, 0); /* no quota line */
	}
}

static void
vanished(void **state)
{
	char m[PATH_MAX];
	struct md_expunge x;
	struct md_expunge_stats st = { 0 };
	struct md_err e;
	struct seen s;

	(void)state;
	scratch_maildir(m, sizeof(m), "Gone");
	/* with ",S=" no stat: the unlink meets ENOENT; without, the stat */
	scratch_fill(m, "cur/a,S=1:2,T", 1, 0);
	scratch_fill(m, "cur/b:2,T", 1, 0);
	scratch_fill(m, "cur/c,S=1:2,T", 1, 0);
	scratch_fill(m, "cur/d:2,T", 1, 0);
	setx(&x, &s, MD_EXPUNGE_TRASHED);
	/* after the first removal "another client" takes the rest */
	snprintf(s.dir, sizeof(s.dir), "%s", m);
	s.vanish[0] = "cur/a,S=1:2,T";
	s.vanish[1] = "cur/b:2,T";
	s.vanish[2] = "cur/c,S=1:2,T";
	s.vanish[3] = "cur/d:2,T";
	assert_int_equal(md_expunge_maildir(m, &x, &st, &e), 0);
	assert_int_equal(s.problems, 0);
	assert_int_equal(st.messages, 1);
	assert_int_equal(s.removed, 1);
	assert_int_equal(st.problems, 0);
}

static void
linked_subdir(void **state)
{
	char m[PATH_MAX], out[PATH_MAX], p[PATH_MAX + 16];
	struct md_expunge x;
	struct md_expunge_stats st = { 0 };
	struct md_err e;
	struct seen s;

	(void)state;
	scratch_maildir(m, sizeof(m), "Link");
	scratch_maildir(out, sizeof(out), "Elsewhere");
	scratch_fill(out, "new/victim:2,T", 1, 0);
	scratch_fill(m, "cur/c:2,T", 1, 0);
	snprintf(p, sizeof(p), "%s/new", m);
	assert_int_equal(rmdir(p), 0);
	snprintf(out, sizeof(out), "%s/Elsewhere/new", scratch);
	assert_int_equal(symlink(out, p), 0);
	setx(&x, &s, MD_EXPUNGE_TRASHED);
	memset(&e, 0, sizeof(e));
	assert_int_equal(md_expunge_maildir(m, &x, &st, &e), -1);
	assert_int_equal(s.problems, 1);
	assert_string_equal(s.steps[0], "open");
	assert_int_equal(s.errs[0], ELOOP);
	assert_string_equal(e.step, "open");
	assert_int_equal(e.kind, MD_ERR_SYMLINK);
	snprintf(p, sizeof(p), "%s/new", m);
	assert_string_equal(e.path, p);
	assert_int_equal(st.problems, 1);
	/* not followed; cur/ is still done */
	assert_true(scratch_exists(scratch, "Elsewhere/new/victim:2,T", NULL));
	assert_false(scratch_exists(m, "cur/c:2,T", NULL));
	assert_int_equal(st.messages, 1);
}

static void
unreadable(void **state)
{
	char m[PATH_MAX];
	struct md_expunge x;
	struct md_expunge_stats st = { 0 };
	struct md_err e;
	struct seen s;

	(void)state;
	snprintf(m, sizeof(m), "%s/missing", scratch);
	setx(&x, &s, MD_EXPUNGE_TRASHED | MD_EXPUNGE_TMP);
	errno = 0;
	assert_int_equal(md_expunge_maildir(m, &x, &st, &e), -1);
	assert_int_equal(errno, ENOENT);
	assert_string_equal(e.step, "open");
	assert_string_equal(e.path, m);
	assert_int_equal(s.problems, 1);
	assert_int_equal(st.problems, 1);

	/* no report function: problems are still counted */
	scratch_maildir(m, sizeof(m), "NoTmp");
	{
		char p[PATH_MAX + 8];

		snprintf(p, sizeof(p), "%s/tmp", m);
		assert_int_equal(rmdir(p), 0);
	}
	memset(&x, 0, sizeof(x));
	memset(&st, 0, sizeof(st));
	x.what = MD_EXPUNGE_TMP;
	assert_int_equal(md_expunge_maildir(m, &x, &st, &e), -1);
	assert_int_equal(errno, ENOENT);
	assert_int_equal(st.problems, 1);
}

static void
trash_keeps_quota(void **state)
{
	char m[PATH_MAX], t[PATH_MAX], p[PATH_MAX + 16];
	struct md_expunge x;
	struct md_expunge_stats st = { 0 };
	struct md_err e;
	struct seen s;
	struct stat sb;

	(void)state;
	scratch_maildir(m, sizeof(m), "Q");
	scratch_maildir(t, sizeof(t), "Q/.Trash");
	scratch_fill(t, "maildirfolder", 0, 0);
	scratch_fill(m, "maildirsize", 0, 0);
	scratch_fill(t, "cur/a,S=50:2,S", 50, 0);
	scratch_maildir(t, sizeof(t), "Q/.Work");
	scratch_fill(t, "maildirfolder", 0, 0);
	scratch_fill(t, "cur/b,S=70:2,T", 70, 0);

	setx(&x, &s, MD_EXPUNGE_ALL);
	snprintf(p, sizeof(p), "%s/.Trash", m);
	assert_int_equal(md_expunge_maildir(p, &x, &st, &e), 0);
	assert_int_equal(st.messages, 1);
	snprintf(p, sizeof(p), "%s/maildirsize", m);
	assert_int_equal(stat(p, &sb), 0);
	assert_int_equal(sb.st_size, 0); /* Trash is not in the quota */

	setx(&x, &s, MD_EXPUNGE_TRASHED);
	assert_int_equal(md_expunge_maildir(t, &x, &st, &e), 0);
	{
		char line[64] = "";
		FILE *f;

		assert_non_null(f = fopen(p, "r"));
		assert_non_null(fgets(line, sizeof(line), f));
		fclose(f);
		assert_string_equal(line, "-70 -1\n"); /* in the root's */
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(age_good),
		cmocka_unit_test(age_bad),
		cmocka_unit_test(wanted),
		cmocka_unit_test(trashed),
		cmocka_unit_test(all_and_older),
		cmocka_unit_test(tmp_by_ctime),
		cmocka_unit_test(dry_run),
		cmocka_unit_test(vanished),
		cmocka_unit_test(linked_subdir),
		cmocka_unit_test(unreadable),
		cmocka_unit_test(trash_keeps_quota),
	};

	return cmocka_run_group_tests(tests, scratch_setup, scratch_teardown);
}
