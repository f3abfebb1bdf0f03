/* Unit tests for check.c: each kind of damage found, nothing changed
 * without repair, and with repair what is safe put right by renames that
 * keep every message, mkdir and a new maildirsize. */
#include <dirent.h>
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
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "internal.h"
#include "scratch.h"

/* Short maildir paths, so that "M/cur/x" always fits in PATH_MAX. */
#define MLEN 600
#define HOURS(n) ((time_t)(n)*3600)

struct rec {
	enum md_check_kind kind;
	enum md_check_what what;
	char path[PATH_MAX], other[PATH_MAX];
	int64_t v[4];
	int error;
};

struct log {
	struct rec r[64];
	size_t n;
};

static void
collect(void *arg, const struct md_finding *f)
{
	struct log *l = arg;
	struct rec *r;

	assert_true(l->n < sizeof(l->r) / sizeof(l->r[0]));
	r = &l->r[l->n++];
	r->kind = f->kind;
	r->what = f->what;
	snprintf(r->path, sizeof(r->path), "%s", f->path);
	snprintf(r->other, sizeof(r->other), "%s", f->other ? f->other : "");
	memcpy(r->v, f->v, sizeof(r->v));
	r->error = f->error;
}

static struct md_namegen gen;

/* Check PATH (repairing when REPAIR) as if LATER seconds had passed. */
static int
run(const char *path, int repair, time_t later, struct log *l,
    struct md_check *c, struct md_err *e)
{
	memset(l, 0, sizeof(*l));
	memset(c, 0, sizeof(*c));
	c->repair = repair;
	c->now = time(NULL) + later;
	c->gen = &gen;
	c->report = collect;
	c->arg = l;
	return md_check_maildir(c, path, e);
}

/* The record of KIND about DIR/REL (REL "": DIR, NULL: any path); NULL
 * if none. */
static const struct rec *
found(const struct log *l, enum md_check_kind kind, const char *dir,
    const char *rel)
{
	char p[PATH_MAX + NAME_MAX];

	snprintf(p, sizeof(p), "%s%s%s", dir, rel && *rel ? "/" : "",
	    rel ? rel : "");
	for (size_t i = 0; i < l->n; i++)
		if (l->r[i].kind == kind &&
		    (rel == NULL || strcmp(l->r[i].path, p) == 0))
			return &l->r[i];
	return NULL;
}

static size_t
count_kind(const struct log *l, enum md_check_kind kind)
{
	size_t n = 0;

	for (size_t i = 0; i < l->n; i++)
		n += l->r[i].kind == kind;
	return n;
}

/* Every name below DIR (one level of subdirectories), sorted, joined. */
static void
listing(const char *dir, char *buf, size_t size)
{
	static const char *const subs[] = { ".", "tmp", "new", "cur" };

	buf[0] = '\0';
	for (size_t s = 0; s < 4; s++) {
		char p[PATH_MAX + NAME_MAX];
		struct dirent **list;
		int n;

		snprintf(p, sizeof(p), "%s/%s", dir, subs[s]);
		if ((n = scandir(p, &list, NULL, alphasort)) < 0)
			continue;
		for (int i = 0; i < n; i++) {
			strlcat(buf, subs[s], size);
			strlcat(buf, "/", size);
			strlcat(buf, list[i]->d_name, size);
			strlcat(buf, " ", size);
			free(list[i]);
		}
		free(list);
	}
}

/* chmod DIR/REL (REL "" for DIR itself) to MODE. */
static void
set_mode(const char *dir, const char *rel, mode_t mode)
{
	char p[PATH_MAX + NAME_MAX];

	snprintf(p, sizeof(p), "%s/%s", dir, rel);
	assert_int_equal(chmod(p, mode), 0);
}

/* The one name in DIR/SUB that does not start with PREFIX, into BUF. */
static int
other_name(
    const char *dir, const char *sub, const char * not, char *buf, size_t n)
{
	char p[PATH_MAX + NAME_MAX];
	DIR *d;
	struct dirent *de;
	int got = 0;

	snprintf(p, sizeof(p), "%s/%s", dir, sub);
	assert_non_null(d = opendir(p));
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.' ||
		    strncmp(de->d_name, not, strlen(not )) == 0)
			continue;
		snprintf(buf, n, "%s", de->d_name);
		got++;
	}
	closedir(d);
	return got == 1 ? 0 : -1;
}

/* ---- names ---- */

static void
categories(void **state)
{
	static const char *const want[] = { "missing", "mode", "stale",
		"nonmessage", "empty", "size", "misplaced", "flags",
		"duplicate", "quota", "cache", "repaired", "note" };

	(void)state;
	for (int k = MD_CHECK_MISSING; k <= MD_CHECK_NOTE; k++)
		assert_string_equal(md_check_category(k), want[k]);
	assert_string_equal(md_check_category(99), "unknown");
}

/* ---- finding ---- */

static void
clean_maildir(void **state)
{
	char m[MLEN], p[PATH_MAX], q[PATH_MAX];
	struct md_check c;
	struct md_err e;
	struct log l;

	(void)state;
	scratch_maildir(m, sizeof(m), "clean");
	scratch_write(m, "new/1.M1P1.h,S=6", "hello\n");
	scratch_write(m, "cur/2.M2P2.h:2,FRS", "x");
	scratch_write(m, "cur/3.M3P3.h,S=2,W=3:2,Sab,U=7", "y\n");
	scratch_write(m, "cur/4.M4P4.h:2,", "z");
	scratch_write(m, "cur/5.M5P5.h:1,odd", "z");
	scratch_write(m, "tmp/6.M6P6.h", "in progress");
	scratch_write(m, "cur/.mutt-tmp", ""); /* dot-names are nobody's mail */
	snprintf(p, sizeof(p), "%s/cur/2.M2P2.h:2,FRS", m);
	snprintf(q, sizeof(q), "%s/cur/7.M7P7.h:2,S", m);
	assert_int_equal(symlink(p, q), 0); /* mairix does this */
	assert_int_equal(run(m, 0, 0, &l, &c, &e), 0);
	for (size_t i = 0; i < l.n; i++)
		fail_msg("clean maildir: %s %s", md_check_category(l.r[i].kind),
		    l.r[i].path);
	assert_int_equal(c.found, 0);
	/* fresh tmp/ files are deliveries, not stale ones */
	assert_int_equal(run(m, 0, HOURS(35), &l, &c, &e), 0);
	assert_int_equal(l.n, 0);
}

static void
each_kind(void **state)
{
	char m[MLEN], p[PATH_MAX], q[PATH_MAX];
	const struct rec *r;
	struct md_check c;
	struct md_err e;
	struct log l;

	(void)state;
	scratch_maildir(m, sizeof(m), "each");
	scratch_write(m, "new/a", "one");
	scratch_write(m, "cur/a:2,S", "two");
	scratch_write(m, "new/b:2,S", "three");
	scratch_write(m, "cur/c:2,SF", "four");
	scratch_write(m, "cur/d:2,FSS", "five");
	scratch_write(m, "cur/e", "");
	scratch_write(m, "cur/f,S=3:2,", "123456");
	scratch_write(m, "cur/:2,S", "nobase");
	scratch_write(m, "cur/g:2,S", "readable");
	snprintf(p, sizeof(p), "%s/cur/g:2,S", m);
	assert_int_equal(chmod(p, 0644), 0);
	snprintf(p, sizeof(p), "%s/cur/dir", m);
	assert_int_equal(mkdir(p, 0700), 0);
	snprintf(p, sizeof(p), "%s/cur/fifo", m);
	assert_int_equal(mkfifo(p, 0600), 0);
	snprintf(p, sizeof(p), "%s/cur/nowhere", m);
	snprintf(q, sizeof(q), "%s/cur/link", m);
	assert_int_equal(symlink(p, q), 0);
	snprintf(p, sizeof(p), "%s/new", m);
	assert_int_equal(chmod(p, 0750), 0);
	/* search, no listing: the way to new/ and cur/g:2,S is open */
	set_mode(m, "", 0711);
	set_mode(m, "cur", 0711);

	assert_int_equal(run(m, 0, 0, &l, &c, &e), 0);
	assert_non_null(r = found(&l, MD_CHECK_DUPLICATE, m, "new/a"));
	snprintf(p, sizeof(p), "%s/cur/a:2,S", m);
	assert_string_equal(r->other, p); /* cur/ is the one kept */
	assert_int_equal(r->v[0], 0);
	assert_null(found(&l, MD_CHECK_DUPLICATE, m, "cur/a:2,S"));
	assert_non_null(found(&l, MD_CHECK_MISPLACED, m, "new/b:2,S"));
	assert_non_null(r = found(&l, MD_CHECK_FLAGS, m, "cur/c:2,SF"));
	assert_int_equal(r->what, MD_CHECK_ORDER);
	assert_non_null(r = found(&l, MD_CHECK_FLAGS, m, "cur/d:2,FSS"));
	assert_int_equal(r->what, MD_CHECK_REPEAT);
	assert_non_null(found(&l, MD_CHECK_EMPTY, m, "cur/e"));
	assert_non_null(r = found(&l, MD_CHECK_SIZE, m, "cur/f,S=3:2,"));
	assert_int_equal(r->v[0], 3);
	assert_int_equal(r->v[1], 6);
	assert_non_null(r = found(&l, MD_CHECK_NONMESSAGE, m, "cur/:2,S"));
	assert_int_equal(r->what, MD_CHECK_NOBASE);
	assert_non_null(r = found(&l, MD_CHECK_NONMESSAGE, m, "cur/dir"));
	assert_int_equal(r->what, MD_CHECK_DIR);
	assert_non_null(r = found(&l, MD_CHECK_NONMESSAGE, m, "cur/fifo"));
	assert_int_equal(r->what, MD_CHECK_SPECIAL);
	assert_non_null(r = found(&l, MD_CHECK_NONMESSAGE, m, "cur/link"));
	assert_int_equal(r->what, MD_CHECK_DANGLING);
	assert_non_null(r = found(&l, MD_CHECK_MODE, m, "cur/g:2,S"));
	assert_int_equal(r->v[0], 0644);
	assert_int_equal(r->v[1], 0044);
	assert_int_equal(r->what, MD_CHECK_ANY);
	assert_non_null(r = found(&l, MD_CHECK_MODE, m, "new"));
	assert_int_equal(r->v[0], 0750);
	assert_int_equal(r->v[1], 0050);
	assert_int_equal(r->what, MD_CHECK_DIR);
	/* exactly these: nothing else, and no repair without asking */
	assert_int_equal(l.n, 12);
	assert_int_equal(c.found, 12);
	assert_int_equal(c.fixed, 0);
	assert_int_equal(count_kind(&l, MD_CHECK_REPAIRED), 0);
}

static void
stale_tmp(void **state)
{
	char m[MLEN];
	const struct rec *r;
	struct md_check c;
	struct md_err e;
	struct log l;

	(void)state;
	scratch_maildir(m, sizeof(m), "stale");
	scratch_write(m, "tmp/1.M1P1.h", "abandoned");
	/* ctime cannot be set back: the clock goes forward instead */
	assert_int_equal(run(m, 0, HOURS(36) - 60, &l, &c, &e), 0);
	assert_int_equal(l.n, 0);
	assert_int_equal(run(m, 1, HOURS(37), &l, &c, &e), 0);
	assert_non_null(r = found(&l, MD_CHECK_STALE, m, "tmp/1.M1P1.h"));
	assert_true(r->v[0] >= HOURS(37) && r->v[0] < HOURS(38));
	/* never deleted, even when repairing */
	assert_int_equal(l.n, 1);
	assert_true(scratch_exists(m, "tmp/1.M1P1.h", NULL));
}

static void
not_a_maildir(void **state)
{
	char m[MLEN];
	struct md_check c;
	struct md_err e;
	struct log l;

	(void)state;
	snprintf(m, sizeof(m), "%s/none", scratch);
	errno = 0;
	assert_int_equal(run(m, 1, 0, &l, &c, &e), -1);
	assert_int_equal(errno, ENOENT);
	assert_string_equal(e.step, "open");
	assert_false(scratch_exists(m, "", NULL));

	/* a directory with none of the three is not made into a maildir */
	assert_int_equal(mkdir(m, 0700), 0);
	errno = 0;
	assert_int_equal(run(m, 1, 0, &l, &c, &e), -1);
	assert_string_equal(e.step, "not a maildir");
	assert_int_equal(e.kind, MD_ERR_NOT_MAILDIR);
	assert_int_equal(l.n, 0);
	assert_false(scratch_exists(m, "cur", NULL));
}

static void
missing_parts(void **state)
{
	char m[MLEN], p[PATH_MAX];
	const struct rec *r;
	struct md_check c;
	struct md_err e;
	struct log l;
	struct stat st;

	(void)state;
	scratch_maildir(m, sizeof(m), "parts");
	snprintf(p, sizeof(p), "%s/tmp", m);
	assert_int_equal(rmdir(p), 0);
	snprintf(p, sizeof(p), "%s/new", m);
	assert_int_equal(rmdir(p), 0);
	scratch_write(m, "new", "a file where new/ belongs");
	assert_int_equal(run(m, 0, 0, &l, &c, &e), 0);
	assert_non_null(r = found(&l, MD_CHECK_MISSING, m, "tmp"));
	assert_int_equal(r->what, MD_CHECK_ABSENT);
	assert_non_null(r = found(&l, MD_CHECK_MISSING, m, "new"));
	assert_int_equal(r->what, MD_CHECK_NOTDIR);
	assert_false(scratch_exists(m, "tmp", NULL));

	assert_int_equal(run(m, 1, 0, &l, &c, &e), 0);
	assert_non_null(r = found(&l, MD_CHECK_REPAIRED, m, "tmp"));
	assert_int_equal(r->what, MD_CHECK_MKDIR);
	assert_int_equal(r->error, 0);
	snprintf(p, sizeof(p), "%s/tmp", m);
	assert_int_equal(stat(p, &st), 0);
	assert_true(S_ISDIR(st.st_mode));
	assert_int_equal(st.st_mode & 0777, 0700);
	/* the file where new/ belongs is left for a person to look at */
	assert_null(found(&l, MD_CHECK_REPAIRED, m, "new"));
	snprintf(p, sizeof(p), "%s/new", m);
	assert_int_equal(stat(p, &st), 0);
	assert_true(S_ISREG(st.st_mode));
	assert_int_equal(c.found, 2);
	assert_int_equal(c.fixed, 1);
}

/* ---- repairing ---- */

static void
read_only_without_repair(void **state)
{
	char m[MLEN], before[8192], after[8192];
	struct md_check c;
	struct md_err e;
	struct log l;

	(void)state;
	scratch_maildir(m, sizeof(m), "ro");
	scratch_write(m, "new/a:2,S", "1");
	scratch_write(m, "new/b", "2");
	scratch_write(m, "cur/b:2,TS", "3");
	scratch_write(m, "cur/c:2,SS", "4");
	listing(m, before, sizeof(before));
	assert_int_equal(run(m, 0, 0, &l, &c, &e), 0);
	assert_true(l.n >= 4);
	listing(m, after, sizeof(after));
	assert_string_equal(after, before);
}

static void
repairs(void **state)
{
	char m[MLEN], name[NAME_MAX + 1], p[PATH_MAX];
	const struct rec *r;
	struct md_check c;
	struct md_err e;
	struct log l;

	(void)state;
	scratch_maildir(m, sizeof(m), "fix");
	scratch_write(m, "new/a,S=3", "one");
	scratch_write(m, "cur/a,S=3:2,RS,U=4", "two");
	scratch_write(m, "new/b:2,S", "three");
	scratch_write(m, "cur/c:2,TSF", "four");
	scratch_write(m, "cur/d:2,aSS,tail", "five");
	scratch_write(m, "cur/e,S=9:2,S", "six"); /* report only */
	assert_int_equal(run(m, 1, 0, &l, &c, &e), 0);
	assert_int_equal(c.found, 5);
	assert_int_equal(c.fixed, 4);

	/* the duplicate: a fresh base, its ",S=" and (no) info kept */
	assert_non_null(r = found(&l, MD_CHECK_REPAIRED, m, "new/a,S=3"));
	assert_int_equal(r->error, 0);
	assert_int_equal(other_name(m, "new", "zzz", name, sizeof(name)), 0);
	snprintf(p, sizeof(p), "%s/new/%s", m, name);
	assert_string_equal(r->other, p);
	assert_int_not_equal(strncmp(name, "a", 1), 0);
	assert_non_null(strstr(name, ".M"));
	assert_string_equal(name + strlen(name) - 4, ",S=3");
	assert_true(scratch_exists(m, "cur/a,S=3:2,RS,U=4", NULL));
	/* misplaced: to cur/ under the same name */
	assert_false(scratch_exists(m, "new/b:2,S", NULL));
	assert_true(scratch_exists(m, "cur/b:2,S", NULL));
	/* flags: sorted, once each, the tail kept */
	assert_true(scratch_exists(m, "cur/c:2,FST", NULL));
	assert_true(scratch_exists(m, "cur/d:2,Sa,tail", NULL));
	assert_false(scratch_exists(m, "cur/d:2,aSS,tail", NULL));
	/* wrong ",S=" is not renamed */
	assert_true(scratch_exists(m, "cur/e,S=9:2,S", NULL));
	/* one file each, nothing lost */
	assert_int_equal(
	    scratch_entries(m, "new") + scratch_entries(m, "cur"), 6);

	assert_int_equal(run(m, 1, 0, &l, &c, &e), 0);
	assert_int_equal(l.n, 1);
	assert_non_null(found(&l, MD_CHECK_SIZE, m, "cur/e,S=9:2,S"));
}

static void
duplicate_with_bad_flags(void **state)
{
	char m[MLEN], name[NAME_MAX + 1];
	const struct rec *r;
	struct md_check c;
	struct md_err e;
	struct log l;

	(void)state;
	/* both in new/, one with info: kept is the one without it, the
	 * other gets a fresh base, sorted flags, and goes to cur/ */
	scratch_maildir(m, sizeof(m), "dupflags");
	scratch_write(m, "new/x,S=1,W=2", "1");
	scratch_write(m, "new/x,S=1,W=2:2,TS,k", "1");
	assert_int_equal(run(m, 1, 0, &l, &c, &e), 0);
	assert_non_null(
	    r = found(&l, MD_CHECK_DUPLICATE, m, "new/x,S=1,W=2:2,TS,k"));
	assert_non_null(
	    found(&l, MD_CHECK_MISPLACED, m, "new/x,S=1,W=2:2,TS,k"));
	assert_non_null(found(&l, MD_CHECK_FLAGS, m, "new/x,S=1,W=2:2,TS,k"));
	assert_int_equal(count_kind(&l, MD_CHECK_REPAIRED), 1); /* one rename */
	assert_int_equal(c.fixed, 3);
	assert_true(scratch_exists(m, "new/x,S=1,W=2", NULL));
	assert_int_equal(scratch_entries(m, "new"), 1);
	assert_int_equal(other_name(m, "cur", "x", name, sizeof(name)), 0);
	assert_string_equal(name + strlen(name) - 15, ",S=1,W=2:2,ST,k");
}

static void
duplicate_hard_link(void **state)
{
	char m[MLEN], a[PATH_MAX], b[PATH_MAX];
	const struct rec *r;
	struct md_check c;
	struct md_err e;
	struct log l;

	(void)state;
	scratch_maildir(m, sizeof(m), "link");
	scratch_write(m, "cur/h:2,S", "same");
	snprintf(a, sizeof(a), "%s/cur/h:2,S", m);
	snprintf(b, sizeof(b), "%s/new/h", m);
	assert_int_equal(link(a, b), 0);
	assert_int_equal(run(m, 0, 0, &l, &c, &e), 0);
	assert_non_null(r = found(&l, MD_CHECK_DUPLICATE, m, "new/h"));
	assert_int_equal(r->v[0], 1);
	assert_string_equal(r->other, a);
}

/* ---- modes: what others can reach ---- */

/* Open modes behind a directory that nobody else may search are no
 * finding: mail written under umask 022 into a maildir of mode 0700. */
static void
modes_unreachable(void **state)
{
	char m[MLEN];
	struct md_check c;
	struct md_err e;
	struct log l;

	(void)state;
	scratch_maildir(m, sizeof(m), "shut");
	scratch_write(m, "cur/1.M1P1.h:2,S", "read");
	scratch_write(m, "new/2.M2P2.h", "written");
	set_mode(m, "cur/1.M1P1.h:2,S", 0644);
	set_mode(m, "new/2.M2P2.h", 0666);
	set_mode(m, "cur", 0755);
	set_mode(m, "tmp", 0777);
	assert_int_equal(run(m, 1, 0, &l, &c, &e), 0);
	assert_int_equal(l.n, 0);
	assert_int_equal(c.found, 0);
	assert_int_equal(scratch_mode(m, "cur/1.M1P1.h:2,S"), 0644);

	/* search without listing lets through only: the maildir is no
	 * finding, cur/ (listed) and what is in it are */
	set_mode(m, "", 0711);
	assert_int_equal(run(m, 0, 0, &l, &c, &e), 0);
	assert_null(found(&l, MD_CHECK_MODE, m, ""));
	assert_non_null(found(&l, MD_CHECK_MODE, m, "cur"));
	assert_non_null(found(&l, MD_CHECK_MODE, m, "cur/1.M1P1.h:2,S"));
	assert_non_null(found(&l, MD_CHECK_MODE, m, "tmp"));
	/* new/ (0700) shuts its message away */
	assert_null(found(&l, MD_CHECK_MODE, m, "new/2.M2P2.h"));
	assert_int_equal(l.n, 3);
}

/* Group and others each on their own way: a class reaches only what
 * every directory above lets it search. */
static void
modes_by_class(void **state)
{
	char m[MLEN];
	const struct rec *r;
	struct md_check c;
	struct md_err e;
	struct log l;

	(void)state;
	scratch_maildir(m, sizeof(m), "class");
	scratch_write(m, "cur/g:2,S", "group reads");
	scratch_write(m, "cur/o:2,S", "others read");
	set_mode(m, "cur/g:2,S", 0640);
	set_mode(m, "cur/o:2,S", 0604);
	/* others may search, the group may not */
	set_mode(m, "", 0701);
	set_mode(m, "cur", 0701);
	assert_int_equal(run(m, 0, 0, &l, &c, &e), 0);
	assert_int_equal(l.n, 1);
	assert_non_null(r = found(&l, MD_CHECK_MODE, m, "cur/o:2,S"));
	assert_int_equal(r->v[1], 0004);

	/* the group may search, others may not */
	set_mode(m, "", 0710);
	set_mode(m, "cur", 0750);
	assert_int_equal(run(m, 0, 0, &l, &c, &e), 0);
	assert_int_equal(l.n, 2);
	assert_non_null(r = found(&l, MD_CHECK_MODE, m, "cur"));
	assert_int_equal(r->v[1], 0050);
	assert_non_null(r = found(&l, MD_CHECK_MODE, m, "cur/g:2,S"));
	assert_int_equal(r->v[1], 0040);

	/* writing into a directory needs search too: 0722 lets nobody in */
	set_mode(m, "cur", 0722);
	set_mode(m, "", 0711);
	assert_int_equal(run(m, 0, 0, &l, &c, &e), 0);
	assert_int_equal(l.n, 0);
	set_mode(m, "cur", 0733);
	assert_int_equal(run(m, 0, 0, &l, &c, &e), 0);
	assert_non_null(r = found(&l, MD_CHECK_MODE, m, "cur"));
	assert_int_equal(r->v[1], 0033);
}

/* A maildir made by hand under umask 022: --repair takes from the group
 * and others every bit, never adds one, and the next check is clean. */
static void
modes_repair(void **state)
{
	static const char *const dirs[] = { "", "tmp", "new", "cur" };
	char m[MLEN], p[PATH_MAX], q[PATH_MAX];
	const struct rec *r;
	struct md_check c;
	struct md_err e;
	struct log l;

	(void)state;
	scratch_maildir(m, sizeof(m), "umask");
	for (size_t i = 0; i < 4; i++)
		set_mode(m, dirs[i], 0755);
	scratch_write(m, "cur/1.M1P1.h:2,S", "one");
	scratch_write(m, "new/2.M2P2.h", "two");
	scratch_write(m, "cur/3.M3P3.h:2,S", "three");
	set_mode(m, "cur/1.M1P1.h:2,S", 0644);
	set_mode(m, "new/2.M2P2.h", 0664);
	set_mode(m, "cur/3.M3P3.h:2,S", 0400); /* no class bits: kept */
	/* a link (as mairix makes) answers to its target's maildir */
	snprintf(p, sizeof(p), "%s/cur/1.M1P1.h:2,S", m);
	snprintf(q, sizeof(q), "%s/cur/4.M4P4.h:2,S", m);
	assert_int_equal(symlink(p, q), 0);

	assert_int_equal(run(m, 0, 0, &l, &c, &e), 0);
	assert_non_null(r = found(&l, MD_CHECK_MODE, m, ""));
	assert_int_equal(r->v[0], 0755);
	assert_int_equal(r->v[1], 0055);
	for (size_t i = 1; i < 4; i++)
		assert_non_null(found(&l, MD_CHECK_MODE, m, dirs[i]));
	assert_non_null(r = found(&l, MD_CHECK_MODE, m, "new/2.M2P2.h"));
	assert_int_equal(r->v[1], 0064);
	assert_non_null(found(&l, MD_CHECK_MODE, m, "cur/1.M1P1.h:2,S"));
	assert_null(found(&l, MD_CHECK_MODE, m, "cur/4.M4P4.h:2,S"));
	assert_int_equal(l.n, 6);
	assert_int_equal(scratch_mode(m, ""), 0755); /* nothing changed */

	assert_int_equal(run(m, 1, 0, &l, &c, &e), 0);
	assert_int_equal(count_kind(&l, MD_CHECK_REPAIRED), 6);
	assert_int_equal(c.fixed, 6);
	assert_non_null(r = found(&l, MD_CHECK_REPAIRED, m, "new/2.M2P2.h"));
	assert_int_equal(r->what, MD_CHECK_CHMOD);
	assert_int_equal(r->error, 0);
	assert_int_equal(r->v[0], 0600);
	for (size_t i = 0; i < 4; i++)
		assert_int_equal(scratch_mode(m, dirs[i]), 0700);
	assert_int_equal(scratch_mode(m, "cur/1.M1P1.h:2,S"), 0600);
	assert_int_equal(scratch_mode(m, "new/2.M2P2.h"), 0600);
	assert_int_equal(scratch_mode(m, "cur/3.M3P3.h:2,S"), 0400);
	assert_int_equal(run(m, 0, 0, &l, &c, &e), 0);
	assert_int_equal(l.n, 0);
}

/* A maildir shared with its group as shared mailboxes are: a
 * set-group-ID root. Group access is wanted there, others' is not, and
 * a repair takes only theirs. */
static void
modes_shared(void **state)
{
	static const char *const dirs[] = { "", "tmp", "new", "cur" };
	char m[MLEN];
	const struct rec *r;
	struct md_check c;
	struct md_err e;
	struct log l;

	(void)state;
	scratch_maildir(m, sizeof(m), "shared");
	scratch_write(m, "cur/1.M1P1.h:2,S", "team");
	set_mode(m, "cur/1.M1P1.h:2,S", 0660);
	set_mode(m, "", 02770);
	for (size_t i = 1; i < 4; i++)
		set_mode(m, dirs[i], 0770);
	assert_int_equal(run(m, 0, 0, &l, &c, &e), 0);
	assert_int_equal(l.n, 0);

	set_mode(m, "", 02775);
	set_mode(m, "cur", 0775);
	set_mode(m, "cur/1.M1P1.h:2,S", 0664);
	assert_int_equal(run(m, 1, 0, &l, &c, &e), 0);
	assert_non_null(r = found(&l, MD_CHECK_MODE, m, ""));
	assert_int_equal(r->v[1], 0005);
	assert_non_null(r = found(&l, MD_CHECK_MODE, m, "cur/1.M1P1.h:2,S"));
	assert_int_equal(r->v[1], 0004);
	assert_int_equal(scratch_mode(m, ""), 02770);
	assert_int_equal(scratch_mode(m, "cur"), 0770);
	assert_int_equal(scratch_mode(m, "cur/1.M1P1.h:2,S"), 0660);
	assert_int_equal(run(m, 0, 0, &l, &c, &e), 0);
	assert_int_equal(l.n, 0);
}

/* A folder is reached through its Maildir++ root. */
static void
modes_folder(void **state)
{
	char root[MLEN], f[MLEN + 16];
	struct md_check c;
	struct md_err e;
	struct log l;

	(void)state;
	scratch_maildir(root, sizeof(root), "froot");
	scratch_maildir(f, sizeof(f), "froot/.Work");
	scratch_write(f, "maildirfolder", "");
	scratch_write(f, "cur/1.M1P1.h:2,S", "folder mail");
	set_mode(f, "", 0755);
	set_mode(f, "cur", 0755);
	set_mode(f, "cur/1.M1P1.h:2,S", 0644);
	assert_int_equal(run(f, 0, 0, &l, &c, &e), 0);
	assert_int_equal(l.n, 0); /* the root (0700) shuts it away */
	set_mode(root, "", 0711);
	assert_int_equal(run(f, 0, 0, &l, &c, &e), 0);
	assert_int_equal(l.n, 3); /* .Work, its cur/ and the message */
	assert_non_null(found(&l, MD_CHECK_MODE, f, "cur/1.M1P1.h:2,S"));
}

/* Root only: a directory of another group may hold the file's group
 * among its others, and a file of another owner is not changed. */
static void
modes_owners(void **state)
{
	char m[MLEN], p[PATH_MAX];
	const struct rec *r;
	struct md_check c;
	struct md_err e;
	struct log l;

	(void)state;
	if (geteuid() != 0)
		skip();
	scratch_maildir(m, sizeof(m), "owners");
	scratch_write(m, "cur/1.M1P1.h:2,S", "group reads");
	set_mode(m, "cur/1.M1P1.h:2,S", 0640);
	set_mode(m, "", 0701);
	set_mode(m, "cur", 0701);
	assert_int_equal(run(m, 0, 0, &l, &c, &e), 0);
	assert_int_equal(l.n, 0); /* the group may not search */
	/* directories of another group: the file's group may be among
	 * their others, whom they let search */
	assert_int_equal(chown(m, (uid_t)-1, SCRATCH_NOBODY), 0);
	snprintf(p, sizeof(p), "%s/cur", m);
	assert_int_equal(chown(p, (uid_t)-1, SCRATCH_NOBODY), 0);
	assert_int_equal(run(m, 0, 0, &l, &c, &e), 0);
	assert_non_null(r = found(&l, MD_CHECK_MODE, m, "cur/1.M1P1.h:2,S"));
	assert_int_equal(r->v[1], 0040);

	/* another's file (a link to it, say) is reported, not changed */
	snprintf(p, sizeof(p), "%s/cur/1.M1P1.h:2,S", m);
	assert_int_equal(chown(p, SCRATCH_NOBODY, (gid_t)-1), 0);
	assert_int_equal(run(m, 1, 0, &l, &c, &e), 0);
	assert_non_null(
	    r = found(&l, MD_CHECK_REPAIRED, m, "cur/1.M1P1.h:2,S"));
	assert_int_equal(r->what, MD_CHECK_CHMOD);
	assert_int_equal(r->error, EPERM);
	assert_int_equal(c.fixed, 0);
	assert_int_equal(scratch_mode(m, "cur/1.M1P1.h:2,S"), 0640);
}

/* ---- quota ---- */

/* M's maildirsize TEXT is a finding: the verdict V of md_quota_read, on
 * line LINE. */
static void
untrusted(const char *m, const char *text, enum md_quota_verdict v, long line)
{
	const struct rec *r;
	struct md_check c;
	struct md_err e;
	struct log l;

	scratch_write(m, "maildirsize", text);
	assert_int_equal(run(m, 0, 0, &l, &c, &e), 0);
	assert_non_null(r = found(&l, MD_CHECK_QUOTA, m, "maildirsize"));
	assert_int_equal(r->what, MD_CHECK_UNTRUSTED);
	assert_int_equal(r->v[0], v);
	assert_int_equal(r->v[1], line);
}

static void
quota_drift(void **state)
{
	char m[MLEN], p[PATH_MAX], line[256];
	const struct rec *r;
	struct md_check c;
	struct md_err e;
	struct log l;
	FILE *f;

	(void)state;
	scratch_maildir(m, sizeof(m), "quota");
	scratch_write(m, "cur/1.M1P1.h,S=5:2,S", "12345");
	scratch_write(m, "new/2.M2P2.h,S=3", "123");
	scratch_write(m, "maildirsize", "1000S,10C\n5 1\n");
	assert_int_equal(run(m, 0, 0, &l, &c, &e), 0);
	assert_int_equal(l.n, 1);
	assert_non_null(r = found(&l, MD_CHECK_QUOTA, m, "maildirsize"));
	assert_int_equal(r->what, MD_CHECK_DRIFT);
	assert_int_equal(r->v[0], 5);
	assert_int_equal(r->v[1], 1);
	assert_int_equal(r->v[2], 8);
	assert_int_equal(r->v[3], 2);

	assert_int_equal(run(m, 1, 0, &l, &c, &e), 0);
	assert_non_null(r = found(&l, MD_CHECK_REPAIRED, m, "maildirsize"));
	assert_int_equal(r->what, MD_CHECK_RECALC);
	assert_int_equal(r->error, 0);
	assert_int_equal(c.fixed, 1);
	snprintf(p, sizeof(p), "%s/maildirsize", m);
	assert_non_null(f = fopen(p, "r"));
	assert_non_null(fgets(line, sizeof(line), f));
	assert_string_equal(line, "1000S,10C\n"); /* the limits stay */
	fclose(f);
	assert_int_equal(run(m, 0, 0, &l, &c, &e), 0);
	assert_int_equal(l.n, 0);

	/* appended lines add up, padded or not */
	scratch_write(m, "maildirsize", "1000S,10C\n   5   1\n3 1\n");
	assert_int_equal(run(m, 0, 0, &l, &c, &e), 0);
	assert_int_equal(l.n, 0);
	/* a blank line sends delivery to count again: so it is a finding */
	untrusted(m, "1000S,10C\n   5   1\n\n3 1\n", MD_QUOTA_BLANK, 3);
}

static void
quota_damaged(void **state)
{
	char m[MLEN];
	const struct rec *r;
	struct md_check c;
	struct md_err e;
	struct log l;

	(void)state;
	scratch_maildir(m, sizeof(m), "qbad");
	scratch_write(m, "cur/1.M1P1.h,S=5:2,S", "12345");
	untrusted(m, "1000S\n5 1\nfive one\n", MD_QUOTA_BADLINE, 3);
	assert_int_equal(run(m, 1, 0, &l, &c, &e), 0);
	assert_int_equal(c.fixed, 1);
	assert_int_equal(run(m, 0, 0, &l, &c, &e), 0);
	assert_int_equal(l.n, 0);

	untrusted(m, "1000S\n-10 -3\n", MD_QUOTA_NEGATIVE, 0);
	/* sums past what int64 holds: a damaged line, no overflow */
	untrusted(m,
	    "1000S\n9223372036854775807 1\n"
	    "9223372036854775807 1\n",
	    MD_QUOTA_BADLINE, 3);

	/* limits read as delivery reads them: "100M" is no byte limit
	 * there, and a repair must not make it one */
	scratch_write(m, "maildirsize", "100M,9C\n0 0\n");
	assert_int_equal(run(m, 1, 0, &l, &c, &e), 0);
	assert_non_null(found(&l, MD_CHECK_QUOTA, m, "maildirsize"));
	{
		char p[MLEN + 16], line[64] = "";
		FILE *f;

		snprintf(p, sizeof(p), "%s/maildirsize", m);
		assert_non_null(f = fopen(p, "r"));
		assert_non_null(fgets(line, sizeof(line), f));
		fclose(f);
		assert_string_equal(line, "9C\n");
	}

	/* no limits line at all: reported, never rewritten */
	scratch_write(m, "maildirsize", "");
	assert_int_equal(run(m, 1, 0, &l, &c, &e), 0);
	assert_non_null(r = found(&l, MD_CHECK_QUOTA, m, "maildirsize"));
	assert_int_equal(r->what, MD_CHECK_UNTRUSTED);
	assert_int_equal(r->v[0], MD_QUOTA_NODEF);
	assert_int_equal(count_kind(&l, MD_CHECK_REPAIRED), 0);
	assert_int_equal(c.fixed, 0);

	/* a folder's maildirsize is none of its business */
	scratch_write(m, "maildirfolder", "");
	assert_int_equal(run(m, 0, 0, &l, &c, &e), 0);
	assert_int_equal(l.n, 0);
}

/* The header cache: none is fine, a damaged one is reported, and a
 * repair rebuilds it; one that lags behind is only a note. */
static void
cache(void **state)
{
	struct md_cache_build b;
	struct md_summary s;
	const struct rec *r;
	struct md_check c;
	struct md_err e;
	struct log l;
	char m[MLEN], p[PATH_MAX];
	struct timespec old[2] = { { 1000000000, 0 }, { 1000000000, 0 } };
	struct stat before, after;

	(void)state;
	scratch_maildir(m, sizeof(m), "cache");
	scratch_write(m, "cur/1.M1P1.h,S=12:2,S", "Subject: x\n\n");
	assert_int_equal(run(m, 0, 0, &l, &c, &e), 0);
	assert_int_equal(l.n, 0);

	scratch_write(m, "mdkit-cache", "mdkit-hc but then nothing");
	assert_int_equal(run(m, 0, 0, &l, &c, &e), 0);
	assert_non_null(r = found(&l, MD_CHECK_CACHE, m, "mdkit-cache"));
	assert_int_equal(r->what, MD_CHECK_DAMAGED);
	assert_string_equal(r->other, "truncated");

	/* an entry of a message that is not there, a message without an
	 * entry: the cache lags behind, which is no finding */
	memset(&s, 0, sizeof(s));
	md_cache_build_init(&b);
	assert_int_equal(md_cache_add(&b, "9.M9P9.h", 8, &s), 0);
	assert_int_equal(md_cache_write(&b, m, &gen, &e), 0);
	md_cache_build_free(&b);
	snprintf(p, sizeof(p), "%s/mdkit-cache", m);
	assert_int_equal(stat(p, &before), 0);
	assert_int_equal(run(m, 0, 0, &l, &c, &e), 0);
	assert_int_equal(c.found, 0);
	assert_null(found(&l, MD_CHECK_CACHE, m, NULL));
	assert_int_equal(l.n, 1);
	assert_non_null(r = found(&l, MD_CHECK_NOTE, m, "mdkit-cache"));
	assert_int_equal(r->what, MD_CHECK_BEHIND);
	assert_int_equal(r->v[0], 1);
	assert_int_equal(r->v[1], 1);
	/* keeping it current is md-index's work, not a repair */
	assert_int_equal(run(m, 1, 0, &l, &c, &e), 0);
	assert_int_equal(count_kind(&l, MD_CHECK_REPAIRED), 0);
	assert_int_equal(c.found, 0);
	assert_int_equal(stat(p, &after), 0);
	assert_int_equal(after.st_ino, before.st_ino);

	/* an entry that no longer says what its message holds (its mtime
	 * changed under the same name) is a finding; a rebuild repairs it
	 * and the lag with it */
	{
		struct md_index ix;
		struct md_index_stats st;

		memset(&ix, 0, sizeof(ix));
		ix.g = &gen;
		ix.flags = MD_INDEX_REBUILD;
		assert_non_null(ix.z = malloc(sizeof(*ix.z)));
		md_summarizer_init(ix.z);
		assert_int_equal(md_index_update(&ix, m, &st, &e), 0);
		md_summarizer_free(ix.z);
		free(ix.z);
	}
	snprintf(p, sizeof(p), "%s/cur/1.M1P1.h,S=12:2,S", m);
	assert_int_equal(utimensat(AT_FDCWD, p, old, 0), 0);
	scratch_write(m, "new/2.M2P2.h", "Subject: y\n\n");
	assert_int_equal(run(m, 0, 0, &l, &c, &e), 0);
	assert_non_null(r = found(&l, MD_CHECK_CACHE, m, "mdkit-cache"));
	assert_int_equal(r->what, MD_CHECK_OUTDATED);
	assert_int_equal(r->v[0], 1);
	assert_non_null(r = found(&l, MD_CHECK_NOTE, m, "mdkit-cache"));
	assert_int_equal(r->v[0], 1);
	assert_int_equal(r->v[1], 0);
	assert_int_equal(c.found, 1);

	assert_int_equal(run(m, 1, 0, &l, &c, &e), 0);
	assert_non_null(r = found(&l, MD_CHECK_REPAIRED, m, "mdkit-cache"));
	assert_int_equal(r->what, MD_CHECK_REBUILT);
	assert_int_equal(r->error, 0);
	assert_int_equal(r->v[0], 2);
	assert_null(found(&l, MD_CHECK_NOTE, m, NULL));
	assert_int_equal(run(m, 0, 0, &l, &c, &e), 0);
	assert_int_equal(l.n, 0);
	assert_int_equal(scratch_entries(m, "tmp"), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(categories),
		cmocka_unit_test(clean_maildir),
		cmocka_unit_test(each_kind),
		cmocka_unit_test(stale_tmp),
		cmocka_unit_test(not_a_maildir),
		cmocka_unit_test(missing_parts),
		cmocka_unit_test(read_only_without_repair),
		cmocka_unit_test(repairs),
		cmocka_unit_test(duplicate_with_bad_flags),
		cmocka_unit_test(duplicate_hard_link),
		cmocka_unit_test(modes_unreachable),
		cmocka_unit_test(modes_by_class),
		cmocka_unit_test(modes_repair),
		cmocka_unit_test(modes_shared),
		cmocka_unit_test(modes_folder),
		cmocka_unit_test(modes_owners),
		cmocka_unit_test(quota_drift),
		cmocka_unit_test(quota_damaged),
		cmocka_unit_test(cache),
	};

	umask(022);
	md_namegen_init(&gen);
	return cmocka_run_group_tests(tests, scratch_setup, scratch_teardown);
}
