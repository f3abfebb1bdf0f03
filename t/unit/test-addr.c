/* Unit tests for addr.c: display names in their many real forms, and
 * message ids with comments, blanks and junk around them. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "internal.h"

static struct md_decoder dec;

static const char *
name(const char *s)
{
	static char out[256];

	md_from_name(&dec, s, out, sizeof(out));
	return out;
}

static void
display_names(void **state)
{
	static const struct {
		const char *in, *want;
	} t[] = {
		{ "John Doe <john@example.org>", "John Doe" },
		{ "\"Doe, John\" <john@example.org>", "Doe, John" },
		{ "\"John \\\"JD\\\" Doe\" <j@x>", "John \"JD\" Doe" },
		{ "<john@example.org>", "john@example.org" },
		{ "john@example.org", "john@example.org" },
		{ "  john@example.org  ", "john@example.org" },
		{ "john@example.org (John Doe)", "John Doe" },
		{ "john@example.org ()", "john@example.org" },
		{ "=?UTF-8?Q?J=C3=B6rg?= <j@x>", "J\xc3\xb6rg" },
		{ "\"=?ISO-8859-1?Q?Andr=E9?=\" <a@x>", "Andr\xc3\xa9" },
		{ "Ann <a@x>, Bob <b@x>", "Ann" },
		{ "\"a, b\" <ab@x>, c@x", "a, b" },
		{ "a@x, Bob <b@x>", "a@x" },
		{ "Caf\xe9 <c@x>", "Caf\xc3\xa9" },
		{ "Name <broken@x", "Name" },
		{ "\"a<b\" <x@y>", "a<b" },
		{ "(c<d) x@y", "c<d" },
		{ "<broken@x", "broken@x" },
		{ "", "" },
		/* groups (RFC 5322 3.4): the group's name */
		{ "undisclosed-recipients:;", "undisclosed-recipients" },
		{ "Team: a@example.org, b@example.org;", "Team" },
		{ "\"The Team\" : Ann <a@x>;", "The Team" },
		{ ": Ann <a@x>, b@x;", "Ann" },
		{ ":a@x;", "a@x" },
		{ ":;", "" },
		{ "\"x:y\" <a@x>", "x:y" },
		{ "=?UTF-8?Q?a:b?= <a@x>", "a:b" },
		{ "a@x (re: b)", "re: b" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		if (strcmp(name(t[i].in), t[i].want) != 0)
			fail_msg("'%s': got '%s', want '%s'", t[i].in,
			    name(t[i].in), t[i].want);
}

static void
ids(void **state)
{
	static const struct {
		const char *in, *want;
		int n;
	} t[] = {
		{ "<a@b>", "a@b", 1 },
		{ "  <a@b>  ", "a@b", 1 },
		{ "<a@b> <c@d>\n\t<e@f>", "a@b c@d e@f", 3 },
		{ "<a@b>,<c@d>", "a@b c@d", 2 },
		{ "(comment) <a@b> (more)", "a@b", 1 },
		{ "Your message of <a@b>", "a@b", 1 },
		{ "<a @ b>", "a@b", 1 },
		{ "<no-at-sign>", "no-at-sign", 1 },
		{ "<>", "", 0 },
		{ "<> <a@b>", "a@b", 1 },
		{ "<<a@b>", "a@b", 1 },
		{ "<a@b", "", 0 },
		{ "no ids here", "", 0 },
		{ "", "", 0 },
	};
	char out[64], small[8];

	(void)state;
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		int n = md_msgids(t[i].in, out, sizeof(out));

		if (n != t[i].n || strcmp(out, t[i].want) != 0)
			fail_msg("'%s': got %d '%s', want %d '%s'", t[i].in, n,
			    out, t[i].n, t[i].want);
	}
	/* ids that do not fit are left out, whole */
	assert_int_equal(md_msgids("<abc> <defgh>", small, sizeof(small)), 1);
	assert_string_equal(small, "abc");
	assert_int_equal(md_msgids("<a>", small, 0), 0);
}

static int
setup(void **state)
{
	(void)state;
	md_decoder_init(&dec);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	md_decoder_free(&dec);
	return 0;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(display_names),
		cmocka_unit_test(ids),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
