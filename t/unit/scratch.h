/*
 * scratch.h: a scratch directory for the unit tests that need files,
 * made by scratch_setup and removed with all it holds by
 * scratch_teardown (cmocka group setup and teardown); helpers to fill
 * it, and scratch_unprivileged to run a check as a user who is not root.
 */
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define SCRATCH_NOBODY 65534 /* uid and gid that root's children drop to */

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

/* scratch/NAME with tmp/, new/ and cur/, its path into BUF. */
static __attribute__((unused)) void
scratch_maildir(char *buf, size_t size, const char *name)
{
	static const char *const subs[] = { "", "/tmp", "/new", "/cur" };

	for (size_t i = 0; i < 4; i++) {
		char p[PATH_MAX + 16];

		assert_true((size_t)snprintf(p, sizeof(p), "%s/%s%s", scratch,
		                name, subs[i]) < sizeof(p));
		assert_int_equal(mkdir(p, 0700), 0);
	}
	assert_true((size_t)snprintf(buf, size, "%s/%s", scratch, name) < size);
}

/* Create ROOT/REL with CONTENT and an mtime of 2001-09-09. */
static __attribute__((unused)) void
scratch_put(const char *root, const char *rel, const char *content)
{
	char p[PATH_MAX + NAME_MAX + 8];
	struct timespec ts[2] = { { 1000000000, 0 }, { 1000000000, 0 } };
	int fd;

	assert_true(
	    (size_t)snprintf(p, sizeof(p), "%s/%s", root, rel) < sizeof(p));
	fd = open(p, O_WRONLY | O_CREAT | O_EXCL, 0600);
	assert_true(fd >= 0);
	assert_int_equal(
	    write(fd, content, strlen(content)), (ssize_t)strlen(content));
	assert_int_equal(futimens(fd, ts), 0);
	close(fd);
}

/* Does ROOT/REL exist (lstat)? Its mtime into *MTIME. */
static __attribute__((unused)) int
scratch_exists(const char *root, const char *rel, time_t *mtime)
{
	char p[PATH_MAX + NAME_MAX + 8];
	struct stat st;

	assert_true(
	    (size_t)snprintf(p, sizeof(p), "%s/%s", root, rel) < sizeof(p));
	if (lstat(p, &st) == -1)
		return 0;
	if (mtime != NULL)
		*mtime = st.st_mtime;
	return 1;
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
