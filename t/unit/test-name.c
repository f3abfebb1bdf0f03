/* Unit tests for name.c: unique names, host escaping, base fields. */
#include <errno.h>
#include <regex.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "internal.h"

static void
escape_host(void **state)
{
	char out[64];

	(void)state;
	assert_int_equal(
	    md_host_escape("mx1.example.org", out, sizeof(out)), 0);
	assert_string_equal(out, "mx1.example.org");
	assert_int_equal(md_host_escape("a/b:c,d", out, sizeof(out)), 0);
	assert_string_equal(out, "a\\057b\\072c\\054d");
	assert_int_equal(md_host_escape("x\ny\\", out, sizeof(out)), 0);
	assert_string_equal(out, "x\\012y\\134");
	/* exactly fitting and one short */
	assert_int_equal(md_host_escape("abc", out, 4), 0);
	assert_int_equal(md_host_escape("abc", out, 3), -1);
	assert_int_equal(errno, ENAMETOOLONG);
	assert_int_equal(md_host_escape("a:", out, 5), -1);
}

static void
unique_format(void **state)
{
	struct md_namegen g;
	regex_t re;
	char name[NAME_MAX + 1];

	(void)state;
	md_namegen_init(&g);
	strlcpy(g.host, "host\\057x", sizeof(g.host));
	assert_int_equal(md_name_unique(&g, name, sizeof(name)), 0);
	assert_int_equal(regcomp(&re,
	                     "^[0-9]+\\.M[0-9]{6}P[0-9]+Q1R[0-9a-f]{16}\\."
	                     "host\\\\057x$",
	                     REG_EXTENDED | REG_NOSUB),
	    0);
	assert_int_equal(regexec(&re, name, 0, NULL, 0), 0);
	regfree(&re);
	assert_null(strchr(name, ':'));
	assert_null(strchr(name, '/'));
	assert_int_equal(md_name_unique(&g, name, 20), -1);
	assert_int_equal(errno, ENAMETOOLONG);
}

static int
cmp(const void *a, const void *b)
{
	return strcmp(a, b);
}

/* 10,000 names in one process: all distinct, Q counts up. */
static void
unique_in_process(void **state)
{
	enum { N = 10000, W = 128 };
	struct md_namegen g;
	char(*names)[W] = malloc(N * W);

	(void)state;
	assert_non_null(names);
	md_namegen_init(&g);
	for (int i = 0; i < N; i++)
		assert_int_equal(md_name_unique(&g, names[i], W), 0);
	assert_int_equal(g.count, N);
	qsort(names, N, W, cmp);
	for (int i = 1; i < N; i++)
		assert_string_not_equal(names[i - 1], names[i]);
	free(names);
}

static void
baselen(void **state)
{
	(void)state;
	assert_int_equal(md_name_baselen("123.abc.host"), 12);
	assert_int_equal(md_name_baselen("123.abc.host:2,S"), 12);
	assert_int_equal(md_name_baselen("a:b:2,S"), 1);
	assert_int_equal(md_name_baselen(":2,S"), 0);
}

static void
size_fields(void **state)
{
	uint64_t v = 0;

	(void)state;
	assert_int_equal(md_name_field("1.M2P3.h,S=1234:2,S", 'S', &v), 0);
	assert_int_equal(v, 1234);
	assert_int_equal(
	    md_name_field("1.M2P3.h,S=1234,W=1300:2,S", 'W', &v), 0);
	assert_int_equal(v, 1300);
	assert_int_equal(md_name_field("1.M2P3.h,S=99", 'S', &v), 0);
	assert_int_equal(v, 99);
	/* digits must end at ',' ':' or the end of the base */
	assert_int_equal(md_name_field("1.h,S=12x:2,", 'S', &v), -1);
	assert_int_equal(errno, ENOENT);
	assert_int_equal(md_name_field("1.h,S=:2,", 'S', &v), -1);
	assert_int_equal(md_name_field("1.h:2,S,S=5", 'S', &v), -1);
	assert_int_equal(md_name_field("1.h,W=5", 'S', &v), -1);
	assert_int_equal(
	    md_name_field("1.h,S=99999999999999999999999", 'S', &v), -1);
	assert_int_equal(md_name_field("1.h,U=7,S=0", 'S', &v), 0);
	assert_int_equal(v, 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(escape_host),
		cmocka_unit_test(unique_format),
		cmocka_unit_test(unique_in_process),
		cmocka_unit_test(baselen),
		cmocka_unit_test(size_fields),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
