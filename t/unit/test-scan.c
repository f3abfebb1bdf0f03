/* Unit tests for scan.c: every entry once, dot names skipped, errors. */
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
#include <unistd.h>

#include <cmocka.h>

#include "internal.h"
#include "scratch.h"

#define MANY 5000

static void
skips_dot_names(void **state)
{
	char dir[PATH_MAX], sub[PATH_MAX + 8];
	struct md_scan s;
	const char *name;
	unsigned char type;
	int seen_a = 0, seen_b = 0, seen_sub = 0, n = 0, r;
	const char *kept[3];

	(void)state;
	scratch_dir(dir, sizeof(dir), "dots");
	scratch_fill(dir, "a", 0, 0);
	scratch_fill(dir, ".hidden", 0, 0);
	scratch_fill(dir, ".x:2,S", 0, 0);
	scratch_fill(dir, "..double", 0, 0);
	scratch_fill(dir, "b:2,S", 0, 0);
	for (int i = 0; i < 60; i++) { /* so that some come after the names */
		char dot[16];

		snprintf(dot, sizeof(dot), ".dot%d", i);
		scratch_fill(dir, dot, 0, 0);
	}
	assert_true(
	    (size_t)snprintf(sub, sizeof(sub), "%s/sub", dir) < sizeof(sub));
	assert_int_equal(mkdir(sub, 0700), 0);

	assert_int_equal(md_scan_open(&s, AT_FDCWD, dir), 0);
	while ((r = md_scan_next(&s, &name, &type)) == 1) {
		assert_true(n < 3);
		kept[n++] = name;
		assert_true(name[0] != '.');
		if (strcmp(name, "a") == 0) {
			seen_a++;
			assert_true(type == DT_REG || type == DT_UNKNOWN);
		} else if (strcmp(name, "b:2,S") == 0) {
			seen_b++;
		} else if (strcmp(name, "sub") == 0) {
			seen_sub++;
			assert_true(type == DT_DIR || type == DT_UNKNOWN);
		} else
			fail_msg("unexpected entry '%s'", name);
	}
	assert_int_equal(r, 0);
	assert_int_equal(n, 3);
	assert_int_equal(seen_a + seen_b + seen_sub, 3);
	assert_int_equal(seen_a * seen_b * seen_sub, 1);
	/* At the end it stays at the end. */
	assert_int_equal(md_scan_next(&s, &name, &type), 0);
	/* The names given since the buffer was filled are all still there. */
	for (int i = 0; i < 3; i++)
		assert_true(strcmp(kept[i], "a") == 0 ||
		            strcmp(kept[i], "b:2,S") == 0 ||
		            strcmp(kept[i], "sub") == 0);
	md_scan_close(&s);
}

static void
relative_to_dirfd(void **state)
{
	char dir[PATH_MAX];
	struct md_scan s;
	const char *name;
	unsigned char type;
	int dfd, r, n = 0;

	(void)state;
	scratch_dir(dir, sizeof(dir), "rel");
	{
		char cur[PATH_MAX + 8];

		assert_true((size_t)snprintf(cur, sizeof(cur), "%s/cur", dir) <
		            sizeof(cur));
		assert_int_equal(mkdir(cur, 0700), 0);
		scratch_fill(cur, "m1:2,S", 0, 0);
	}
	dfd = open(dir, O_RDONLY | O_DIRECTORY);
	assert_true(dfd >= 0);
	/* SUB names a directory below DIRFD ... */
	assert_int_equal(md_scan_open(&s, dfd, "cur"), 0);
	while ((r = md_scan_next(&s, &name, &type)) == 1) {
		assert_string_equal(name, "m1:2,S");
		n++;
	}
	assert_int_equal(r, 0);
	assert_int_equal(n, 1);
	md_scan_close(&s);
	/* ... or "." the directory itself. */
	n = 0;
	assert_int_equal(md_scan_open(&s, dfd, "."), 0);
	while ((r = md_scan_next(&s, &name, &type)) == 1) {
		assert_string_equal(name, "cur");
		n++;
	}
	assert_int_equal(r, 0);
	assert_int_equal(n, 1);
	md_scan_close(&s);
	close(dfd);
}

static void
empty_dir(void **state)
{
	char dir[PATH_MAX];
	struct md_scan s;
	const char *name = NULL;
	unsigned char type;

	(void)state;
	scratch_dir(dir, sizeof(dir), "empty");
	assert_int_equal(md_scan_open(&s, AT_FDCWD, dir), 0);
	assert_int_equal(md_scan_next(&s, &name, &type), 0);
	assert_null(name);
	md_scan_close(&s);
}

/* Long names, as Dovecot's with a long host make them: 5000 entries take
 * more than scan.c's 1 MiB getdents64 buffer, so an entry lost or doubled
 * between two reads shows. Every name comes back exactly once, and the
 * dot names among them never. */
static void
many_name(char *buf, size_t size, int i)
{
	char host[181];

	memset(host, 'h', sizeof(host) - 1);
	host[sizeof(host) - 1] = '\0';
	snprintf(buf, size, "%d.M%06dP1Q%dR0123456789abcdef.%s,S=%d:2,S",
	    1700000000 + i, i, i, host, i);
}

static void
every_entry_once(void **state)
{
	char dir[PATH_MAX], name[NAME_MAX + 1];
	unsigned char *seen;
	struct md_scan s;
	const char *got;
	unsigned char type;
	int r, n = 0;

	(void)state;
	scratch_dir(dir, sizeof(dir), "many");
	for (int i = 0; i < MANY; i++) {
		many_name(name, sizeof(name), i);
		scratch_fill(dir, name, 0, 0);
		if (i % 50 == 0) {
			snprintf(name, sizeof(name), ".tmp%d", i);
			scratch_fill(dir, name, 0, 0);
		}
	}
	seen = calloc(MANY, 1);
	assert_non_null(seen);
	assert_int_equal(md_scan_open(&s, AT_FDCWD, dir), 0);
	while ((r = md_scan_next(&s, &got, &type)) == 1) {
		int i = atoi(got) - 1700000000;

		assert_true(i >= 0 && i < MANY);
		many_name(name, sizeof(name), i);
		assert_string_equal(got, name);
		assert_int_equal(seen[i], 0);
		seen[i] = 1;
		n++;
	}
	assert_int_equal(r, 0);
	md_scan_close(&s);
	assert_int_equal(n, MANY);
	for (int i = 0; i < MANY; i++)
		assert_int_equal(seen[i], 1);
	free(seen);
}

static void
open_errors(void **state)
{
	char dir[PATH_MAX];
	struct md_scan s;

	(void)state;
	scratch_dir(dir, sizeof(dir), "errs");
	scratch_fill(dir, "file", 0, 0);
	errno = 0;
	assert_int_equal(md_scan_open(&s, AT_FDCWD, "/nonexistent/mdkit"), -1);
	assert_int_equal(errno, ENOENT);
	md_scan_close(&s); /* safe after a failed open */
	{
		char f[PATH_MAX + 8];

		assert_true(
		    (size_t)snprintf(f, sizeof(f), "%s/file", dir) < sizeof(f));
		errno = 0;
		assert_int_equal(md_scan_open(&s, AT_FDCWD, f), -1);
		assert_int_equal(errno, ENOTDIR);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(skips_dot_names),
		cmocka_unit_test(relative_to_dirfd),
		cmocka_unit_test(empty_dir),
		cmocka_unit_test(every_entry_once),
		cmocka_unit_test(open_errors),
	};

	return cmocka_run_group_tests(tests, scratch_setup, scratch_teardown);
}
