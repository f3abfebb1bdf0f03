/* Unit tests for sieve-state.c: record names, a record's life from made
 * to expired, renewal, forgetting, the sweep, and the race of processes
 * that make one record at once (exactly one of them makes it). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "scratch.h"

#define NOW 2000000000 /* 2033: a fixed clock for each test */

static int
entries(const char *root)
{
	char path[PATH_MAX];
	struct dirent *de;
	int n = 0;
	DIR *d;

	snprintf(path, sizeof(path), "%s/%s", root, MD_SIEVE_STATE_DIR);
	if ((d = opendir(path)) == NULL)
		return -1;
	while ((de = readdir(d)) != NULL)
		n += de->d_name[0] != '.';
	closedir(d);
	return n;
}

static void
names(void **state)
{
	char a[256], b[256], c[256], longv[600];

	(void)state;
	assert_int_equal(md_sieve_state_name('d', "", "<a1@x.org>", a, 256), 0);
	assert_string_equal(a, "d--%3Ca1@x.org%3E");
	/* The separator cannot be forged from inside a part. */
	assert_int_equal(md_sieve_state_name('d', "a-b", "c", a, 256), 0);
	assert_int_equal(md_sieve_state_name('d', "a", "b-c", b, 256), 0);
	assert_string_not_equal(a, b);
	assert_string_equal(a, "d-a%2Db-c");
	/* Long values share a start; their sums tell them apart. */
	memset(longv, 'q', sizeof(longv) - 1);
	longv[sizeof(longv) - 1] = '\0';
	assert_int_equal(md_sieve_state_name('v', "h", longv, b, 256), 0);
	longv[500] = 'r';
	assert_int_equal(md_sieve_state_name('v', "h", longv, c, 256), 0);
	assert_true(strlen(b) < 240);
	assert_string_not_equal(b, c);
	assert_int_equal(strncmp(b, c, 200), 0);
	assert_int_equal(md_sieve_state_name('v', "h", "x", a, 100), -1);
	assert_int_equal(errno, ENAMETOOLONG);
}

static void
life(void **state)
{
	char root[PATH_MAX];

	(void)state;
	scratch_maildir(root, sizeof(root), "life");
	assert_int_equal(md_sieve_state_seen(root, "d--x", NOW), 0);
	assert_int_equal(entries(root), -1); /* looking makes nothing */
	assert_int_equal(md_sieve_state_mark(root, "d--x", 60, NOW, 0), 1);
	assert_int_equal(md_sieve_state_seen(root, "d--x", NOW), 1);
	assert_int_equal(md_sieve_state_seen(root, "d--x", NOW + 59), 1);
	assert_int_equal(md_sieve_state_seen(root, "d--x", NOW + 60), 0);
	/* A live record is not made again, nor moved without RENEW. */
	assert_int_equal(
	    md_sieve_state_mark(root, "d--x", 600, NOW + 10, 0), 0);
	assert_int_equal(md_sieve_state_seen(root, "d--x", NOW + 60), 0);
	assert_int_equal(
	    md_sieve_state_mark(root, "d--x", 600, NOW + 10, 1), 0);
	assert_int_equal(md_sieve_state_seen(root, "d--x", NOW + 60), 1);
	assert_int_equal(md_sieve_state_seen(root, "d--x", NOW + 610), 0);
	/* An expired one is made anew. */
	assert_int_equal(md_sieve_state_mark(root, "d--x", 5, NOW + 700, 0), 1);
	assert_int_equal(md_sieve_state_seen(root, "d--x", NOW + 704), 1);
	assert_int_equal(entries(root), 1); /* no temporary name left */
	assert_int_equal(md_sieve_state_forget(root, "d--x"), 0);
	assert_int_equal(md_sieve_state_seen(root, "d--x", NOW + 704), 0);
	assert_int_equal(md_sieve_state_forget(root, "d--x"), 0);
}

static void
sweep(void **state)
{
	char root[PATH_MAX], name[32], path[PATH_MAX + 32];

	time_t now = time(NULL); /* leftovers age by the real clock */

	(void)state;
	scratch_maildir(root, sizeof(root), "sweep");
	for (int i = 0; i < 10; i++) {
		snprintf(name, sizeof(name), "d--%d", i);
		assert_int_equal(
		    md_sieve_state_mark(root, name, i < 4 ? 10 : 100, now, 0),
		    1);
	}
	/* A leftover of a crash between making and linking. */
	snprintf(path, sizeof(path), "%s/%s/t.1.x", root, MD_SIEVE_STATE_DIR);
	close(open(path, O_CREAT | O_WRONLY, 0600));
	assert_int_equal(md_sieve_state_sweep(root, now + 50, 100), 4);
	assert_int_equal(entries(root), 7); /* the leftover is young yet */
	assert_int_equal(md_sieve_state_sweep(root, now + 7200, 100), 7);
	assert_int_equal(entries(root), 0);
	/* At most MAX looked at a time. */
	for (int i = 0; i < 10; i++) {
		snprintf(name, sizeof(name), "d--%d", i);
		md_sieve_state_mark(root, name, 1, now, 0);
	}
	assert_true(md_sieve_state_sweep(root, now + 5, 3) <= 3);
}

/* N processes wait on a pipe, then all make NAME at once: how many made
 * it. */
static int
race(const char *root, const char *name, int n, time_t now)
{
	int go[2], made = 0, status;
	pid_t pids[8];

	assert_int_equal(pipe(go), 0);
	for (int i = 0; i < n; i++) {
		assert_true((pids[i] = fork()) >= 0);
		if (pids[i] == 0) {
			char c;

			close(go[1]);
			(void)read(go[0], &c, 1);
			_exit(md_sieve_state_mark(root, name, 100, now, 0) == 1
			          ? 1
			          : 0);
		}
	}
	close(go[0]);
	close(go[1]); /* EOF: all start */
	for (int i = 0; i < n; i++) {
		assert_int_equal(waitpid(pids[i], &status, 0), pids[i]);
		assert_true(WIFEXITED(status));
		made += WEXITSTATUS(status);
	}
	return made;
}

static void
one_wins(void **state)
{
	char root[PATH_MAX];

	(void)state;
	scratch_maildir(root, sizeof(root), "race");
	for (int round = 0; round < 20; round++) {
		char name[32];

		snprintf(name, sizeof(name), "v-h-%d", round);
		assert_int_equal(race(root, name, 4, NOW), 1);
		/* Over an expired record as well: one replaces it. */
		assert_int_equal(race(root, name, 4, NOW + 1000), 1);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(names),
		cmocka_unit_test(life),
		cmocka_unit_test(sweep),
		cmocka_unit_test(one_wins),
	};

	return cmocka_run_group_tests(tests, scratch_setup, scratch_teardown);
}
