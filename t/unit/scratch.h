/*
 * scratch.h: a scratch directory for the unit tests that need files,
 * made by scratch_setup and removed with all it holds by
 * scratch_teardown (cmocka group setup and teardown); helpers to fill
 * it and look at it, each asserting that what it does works, and
 * scratch_unprivileged to run a check as a user who is not root.
 *
 * Paths are ROOT/REL: a maildir made here and a name in it ("cur/x:2,S";
 * REL "" is ROOT itself). Files are made mode 0600; which helper makes
 * one says what else is known of it:
 *
 *	scratch_put	a new file with TEXT, its mtime SCRATCH_MTIME
 *	scratch_fill	a new file of LEN bytes 'x', its mtime as given
 *	scratch_write	TEXT, written over what is there, made now
 *	scratch_replace	LEN bytes, a new file (inode) in place of the old
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <grp.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "internal.h"

#define SCRATCH_NOBODY 65534     /* uid and gid that root's children drop to */
#define SCRATCH_MTIME 1000000000 /* scratch_put's mtime: 2001-09-09 */

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

/* Group setup and teardown for tests of one opened maildir: the scratch
 * directory becomes scratch/M, a maildir opened into *M (made if need
 * be), and *G a fresh name generator. */
static __attribute__((unused)) int
scratch_setup_maildir(void **state, struct md_maildir *m, struct md_namegen *g)
{
	if (scratch_setup(state) == -1)
		return -1;
	strlcat(scratch, "/M", sizeof(scratch));
	md_namegen_init(g);
	return md_maildir_open(m, scratch, MD_CREATE, NULL);
}

static __attribute__((unused)) int
scratch_teardown_maildir(void **state, struct md_maildir *m)
{
	md_maildir_close(m);
	*strrchr(scratch, '/') = '\0';
	return scratch_teardown(state);
}

/* ROOT/REL into BUF (of SIZE bytes), which must hold it. */
static __attribute__((unused)) void
scratch_path(char *buf, size_t size, const char *root, const char *rel)
{
	assert_true((size_t)snprintf(buf, size, "%s/%s", root, rel) < size);
}

/* A new directory scratch/NAME, mode 0700, its path into BUF. */
static __attribute__((unused)) const char *
scratch_dir(char *buf, size_t size, const char *name)
{
	scratch_path(buf, size, scratch, name);
	assert_int_equal(mkdir(buf, 0700), 0);
	return buf;
}

/* A new maildir scratch/NAME, mode 0700 with its tmp/, new/ and cur/; its
 * path into BUF. */
static __attribute__((unused)) const char *
scratch_maildir(char *buf, size_t size, const char *name)
{
	static const char *const subs[] = { "tmp", "new", "cur" };

	scratch_dir(buf, size, name);
	for (size_t i = 0; i < 3; i++) {
		char p[PATH_MAX + 16];

		scratch_path(p, sizeof(p), buf, subs[i]);
		assert_int_equal(mkdir(p, 0700), 0);
	}
	return buf;
}

/*
 * Write ROOT/REL, opened with FLAGS (O_EXCL: it must be new; O_TRUNC:
 * what is there is written over), mode 0600: the LEN bytes at DATA, or
 * LEN bytes 'x' when DATA is NULL; its mtime MTIME unless that is 0.
 */
static __attribute__((unused)) void
scratch_file_(const char *root, const char *rel, int flags, const void *data,
    size_t len, time_t mtime)
{
	char p[PATH_MAX + NAME_MAX + 8], x[512];
	struct timespec ts[2] = { { mtime, 0 }, { mtime, 0 } };
	int fd;

	scratch_path(p, sizeof(p), root, rel);
	fd = open(p, O_WRONLY | O_CREAT | flags, 0600);
	assert_true(fd >= 0);
	assert_int_equal(fchmod(fd, 0600), 0);
	if (data != NULL)
		assert_int_equal(write(fd, data, len), (ssize_t)len);
	else {
		memset(x, 'x', sizeof(x));
		for (size_t n; len > 0; len -= n) {
			n = len < sizeof(x) ? len : sizeof(x);
			assert_int_equal(write(fd, x, n), (ssize_t)n);
		}
	}
	if (mtime != 0)
		assert_int_equal(futimens(fd, ts), 0);
	assert_int_equal(close(fd), 0);
}

/* Create ROOT/REL (new) with TEXT and an mtime of SCRATCH_MTIME. */
static __attribute__((unused)) void
scratch_put(const char *root, const char *rel, const char *text)
{
	scratch_file_(root, rel, O_EXCL, text, strlen(text), SCRATCH_MTIME);
}

/* Create ROOT/REL (new) of LEN bytes 'x', its mtime MTIME (0: now). */
static __attribute__((unused)) void
scratch_fill(const char *root, const char *rel, size_t len, time_t mtime)
{
	scratch_file_(root, rel, O_EXCL, NULL, len, mtime);
}

/* ROOT/REL holds TEXT, made or written over (mode 0600 again), now. */
static __attribute__((unused)) void
scratch_write(const char *root, const char *rel, const char *text)
{
	scratch_file_(root, rel, O_TRUNC, text, strlen(text), 0);
}

/* ROOT/REL a new file (a new inode; what was there unlinked) holding the
 * LEN bytes at DATA, made now. */
static __attribute__((unused)) void
scratch_replace(const char *root, const char *rel, const void *data, size_t len)
{
	char p[PATH_MAX + NAME_MAX + 8];

	scratch_path(p, sizeof(p), root, rel);
	assert_true(unlink(p) == 0 || errno == ENOENT);
	scratch_file_(root, rel, O_EXCL, data, len, 0);
}

/* Does ROOT/REL exist (lstat)? Its mtime into *MTIME. */
static __attribute__((unused)) int
scratch_exists(const char *root, const char *rel, time_t *mtime)
{
	char p[PATH_MAX + NAME_MAX + 8];
	struct stat st;

	scratch_path(p, sizeof(p), root, rel);
	if (lstat(p, &st) == -1)
		return 0;
	if (mtime != NULL)
		*mtime = st.st_mtime;
	return 1;
}

/* The permission bits of ROOT/REL (lstat), which must exist. */
static __attribute__((unused)) mode_t
scratch_mode(const char *root, const char *rel)
{
	char p[PATH_MAX + NAME_MAX + 8];
	struct stat st;

	scratch_path(p, sizeof(p), root, rel);
	assert_int_equal(lstat(p, &st), 0);
	return st.st_mode & 07777;
}

/* The contents of the file ROOT/REL, which must exist: malloc'd, with a
 * NUL after them; their size into *LEN unless LEN is NULL. */
static __attribute__((unused)) void *
scratch_slurp(const char *root, const char *rel, size_t *len)
{
	char p[PATH_MAX + NAME_MAX + 8];
	struct stat st;
	char *buf;
	int fd;

	scratch_path(p, sizeof(p), root, rel);
	assert_true((fd = open(p, O_RDONLY)) >= 0);
	assert_int_equal(fstat(fd, &st), 0);
	assert_non_null(buf = malloc((size_t)st.st_size + 1));
	/* one byte more asked for: the file ends where fstat said */
	assert_int_equal(read(fd, buf, (size_t)st.st_size + 1), st.st_size);
	assert_int_equal(close(fd), 0);
	buf[st.st_size] = '\0';
	if (len != NULL)
		*len = (size_t)st.st_size;
	return buf;
}

/* How many names the directory ROOT/REL holds, "." and ".." not counted. */
static __attribute__((unused)) size_t
scratch_entries(const char *root, const char *rel)
{
	char p[PATH_MAX + NAME_MAX + 8];
	struct dirent *de;
	size_t n = 0;
	DIR *d;

	scratch_path(p, sizeof(p), root, rel);
	assert_non_null(d = opendir(p));
	while ((de = readdir(d)) != NULL)
		n += strcmp(de->d_name, ".") != 0 &&
		     strcmp(de->d_name, "..") != 0;
	assert_int_equal(closedir(d), 0);
	return n;
}

/* ROOT/REL parsed as a message path into *MP. */
static __attribute__((unused)) void
scratch_msgpath(struct md_msgpath *mp, const char *root, const char *rel)
{
	char p[PATH_MAX + NAME_MAX + 8];

	scratch_path(p, sizeof(p), root, rel);
	assert_int_equal(md_msgpath_parse(p, mp), 0);
}

/* nftw's callback for scratch_give_away. */
static __attribute__((unused)) int
scratch_chown_(const char *p, const struct stat *st, int flag, struct FTW *f)
{
	(void)st, (void)flag, (void)f;
	return lchown(p, SCRATCH_NOBODY, SCRATCH_NOBODY);
}

/*
 * When we are root: PATH and all below it given to SCRATCH_NOBODY, and
 * the scratch directory opened to others (0711) so that they reach it,
 * for scratch_unprivileged; the caller sets scratch back to 0700.
 * Nothing to do for anyone else.
 */
static __attribute__((unused)) void
scratch_give_away(const char *path)
{
	if (geteuid() != 0)
		return;
	assert_int_equal(chmod(scratch, 0711), 0);
	assert_int_equal(nftw(path, scratch_chown_, 16, FTW_PHYS), 0);
}

/*
 * Run FN(ARG) in a child without the privileges of root (when we are
 * root, as uid and gid SCRATCH_NOBODY; the files it needs must allow
 * that), and return its exit status; 125 when privileges could not be
 * dropped.
 */
static __attribute__((unused)) int
scratch_unprivileged(int (*fn)(void *), void *arg)
{
	pid_t pid;
	int st;

	fflush(NULL);
	if ((pid = fork()) == 0) {
		if (geteuid() == 0 &&
		    (setgroups(0, NULL) == -1 || setgid(SCRATCH_NOBODY) == -1 ||
		        setuid(SCRATCH_NOBODY) == -1 || setuid(0) != -1))
			_exit(125);
		_exit(fn(arg));
	}
	assert_true(pid > 0);
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(WIFEXITED(st));
	return WEXITSTATUS(st);
}
