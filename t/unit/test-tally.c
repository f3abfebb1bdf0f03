/* Unit tests for tally.c: what md-list -i counts of messages, sizes from
 * names or files, and totals. */
#include <fcntl.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "internal.h"
#include "scratch.h"

static void
add(struct md_tally *t, int dirfd, const char *name, int in_new)
{
	struct md_flags f;

	md_name_flags(name, &f);
	md_tally_add(t, dirfd, name, &f, in_new);
}

static void
counts(void **state)
{
	char m[PATH_MAX], cur[PATH_MAX + 8];
	struct md_tally t = { 0 };
	int fd;

	(void)state;
	scratch_maildir(m, sizeof(m), "M");
	scratch_fill(m, "cur/2.b.h:2,FS", 300, 0);
	scratch_fill(m, "cur/3.c.h:2,Tab", 7, 0);
	scratch_path(cur, sizeof(cur), m, "cur");
	assert_true((fd = open(cur, O_RDONLY | O_DIRECTORY)) >= 0);
	add(&t, fd, "1.a.h,S=1000", 1); /* new/, unseen, its size named */
	add(&t, fd, "2.b.h:2,FS", 0);   /* no S=: the file's size */
	add(&t, fd, "3.c.h:2,Tab", 0);  /* trashed, unseen, keywords */
	add(&t, fd, "4.d.h:2,Sa", 0);   /* gone: 0 bytes */
	close(fd);
	assert_int_equal(t.v[MD_T_MESSAGES], 4);
	assert_int_equal(t.v[MD_T_NEW], 1);
	assert_int_equal(t.v[MD_T_UNSEEN], 2);
	assert_int_equal(t.v[MD_T_FLAGGED], 1);
	assert_int_equal(t.v[MD_T_TRASHED], 1);
	assert_int_equal(t.v[MD_T_BYTES], 1000 + 300 + 7);
	assert_int_equal(t.kw[0], 2);
	assert_int_equal(t.kw[1], 1);
	assert_int_equal(t.kw[2], 0);
}

/* Totals add every count but the keywords, whose letters mean other
 * names in each maildir. */
static void
sums(void **state)
{
	struct md_tally a = { .v = { 1, 2, 3, 4, 5, 6 }, .kw = { 7 } };
	struct md_tally b = { .v = { 10, 20, 30, 40, 50, 60 }, .kw = { 70 } };
	struct md_tally total = { 0 };

	(void)state;
	md_tally_sum(&total, &a);
	md_tally_sum(&total, &b);
	for (int k = 0; k < MD_T_N; k++)
		assert_int_equal(total.v[k], 11 * (k + 1));
	assert_int_equal(total.kw[0], 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(counts),
		cmocka_unit_test(sums),
	};

	return cmocka_run_group_tests(tests, scratch_setup, scratch_teardown);
}
