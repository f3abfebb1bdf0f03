/* Unit tests for sieve-fields.c: a field's values as md_header_field and
 * md_decode_text give them, raw with their addresses for address tests,
 * the same whatever the name's case, whatever was asked before (more
 * names than the run keeps), and for names too long to keep; a script's
 * own name found again by its address; kept memory reused for another
 * message after md_sieve_fields_reset. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "internal.h"

static const char msg[] =
    "From: =?utf-8?q?Ren=C3=A9?= <rene@example.org>\n"
    "To: undisclosed-recipients:;\n"
    "Cc: a@example.org, not an address, \"b c\"@example.net\n"
    "Subject: =?iso-8859-1?q?caf=E9?=\n"
    "Received: one\n"
    "Received: two\n"
    "X-1: 1\nX-2: 2\nX-3: 3\nX-4: 4\nX-5: 5\nX-6: 6\nX-7: 7\nX-8: 8\n"
    "\nbody\n";

static struct md_decoder dec;
static struct md_header h;
static struct md_sieve_fields c;

static const struct md_sieve_field *
get(const char *name, int decoded)
{
	const struct md_sieve_field *f;

	assert_int_equal(
	    md_sieve_fields_get(&c, &h, decoded ? &dec : NULL, name, 0, &f), 0);
	return f;
}

static void
values(void **state)
{
	const struct md_sieve_field *f;

	(void)state;
	f = get("subject", 1);
	assert_int_equal(f->n, 1);
	assert_string_equal(f->v[0], "caf\xc3\xa9");
	f = get("SUBJECT", 0); /* raw is another entry */
	assert_string_equal(f->v[0], "=?iso-8859-1?q?caf=E9?=");
	f = get("Received", 1);
	assert_int_equal(f->n, 2);
	assert_string_equal(f->v[1], "two");
	assert_int_equal(get("x-none", 1)->n, 0);
}

static void
addresses(void **state)
{
	const struct md_sieve_field *f = get("cc", 0);
	const char *a;

	(void)state;
	assert_int_equal(f->n, 1);
	assert_int_equal(f->a[0].n, 2); /* the one that is none passed over */
	a = f->a[0].buf;
	assert_string_equal(a, "a@example.org");
	assert_string_equal(a + strlen(a) + 1, "b c@example.net");
	/* each read once for its parts: where, how long, the local part,
	 * and whether :all must quote it */
	assert_int_equal(f->a[0].i[0].off, 0);
	assert_int_equal(f->a[0].i[0].len, 13);
	assert_int_equal(f->a[0].i[0].local, 1);
	assert_true(f->a[0].i[0].at && f->a[0].i[0].dot);
	assert_string_equal(a + f->a[0].i[1].off, "b c@example.net");
	assert_int_equal(f->a[0].i[1].local, 3);
	assert_true(f->a[0].i[1].at && !f->a[0].i[1].dot);
	f = get("to", 0);
	assert_int_equal(f->a[0].n, 0);
	f = get("from", 0);
	assert_string_equal(f->a[0].buf, "rene@example.org");
}

/* More names than MD_SIEVE_FIELDS, twice over, in other cases: each
 * time the values of the name asked for. */
static void
many_names(void **state)
{
	char name[8], want[8];
	char longname[100];

	(void)state;
	for (int round = 0; round < 3; round++)
		for (int i = 1; i <= 8; i++) {
			const struct md_sieve_field *f;

			snprintf(name, sizeof(name),
			    round == 1 ? "x-%d" : "X-%d", i);
			snprintf(want, sizeof(want), "%d", i);
			f = get(name, 1);
			assert_int_equal(f->n, 1);
			assert_string_equal(f->v[0], want);
			assert_string_equal(
			    get("subject", 1)->v[0], "caf\xc3\xa9");
		}
	memset(longname, 'x', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = '\0';
	assert_int_equal(get(longname, 1)->n, 0);
	assert_string_equal(get("x-3", 1)->v[0], "3");
}

/* A fixed name is found again by its address, decoded and raw apart;
 * another string of that name by its name; a name that is not fixed
 * never by its address, whose memory may hold another name next. */
static void
fixed_names(void **state)
{
	static const char fixed[] = "Received", other[] = "RECEIVED";
	char expanded[16] = "x-1";
	const struct md_sieve_field *f;

	(void)state;
	assert_int_equal(md_sieve_fields_get(&c, &h, &dec, fixed, 1, &f), 0);
	assert_int_equal(f->n, 2);
	assert_string_equal(f->v[0], "one");
	assert_int_equal(md_sieve_fields_get(&c, &h, NULL, fixed, 1, &f), 0);
	assert_int_equal(f->n, 2);
	assert_non_null(f->a);
	assert_int_equal(md_sieve_fields_get(&c, &h, &dec, other, 1, &f), 0);
	assert_string_equal(f->v[1], "two");
	assert_null(f->a);
	assert_int_equal(md_sieve_fields_get(&c, &h, &dec, expanded, 0, &f), 0);
	assert_string_equal(f->v[0], "1");
	strcpy(expanded, "x-2");
	assert_int_equal(md_sieve_fields_get(&c, &h, &dec, expanded, 0, &f), 0);
	assert_string_equal(f->v[0], "2");
	assert_int_equal(md_sieve_fields_get(&c, &h, &dec, fixed, 1, &f), 0);
	assert_string_equal(f->v[0], "one");
}

/* After a reset, another message's values (and made small, asked for),
 * by a fixed name as by any:
 * nothing of the first is seen again, though its memory is reused. */
static void
next_message(void **state)
{
	static const char fixed[] = "Received", cc[] = "cc";
	static const char other[] = "Received: Three\n"
	                            "CC: x@example.com\n"
	                            "Received: =?utf-8?q?f=C3=BCnf?=\n"
	                            "received: six\n"
	                            "`x: tick\n@x: at\n\nbody\n";
	const struct md_sieve_field *f;
	struct md_header h2;

	(void)state;
	assert_int_equal(md_sieve_fields_get(&c, &h, &dec, fixed, 1, &f), 0);
	assert_int_equal(f->n, 2);
	assert_int_equal(md_sieve_fields_get(&c, &h, NULL, cc, 1, &f), 0);
	assert_int_equal(f->a[0].n, 2);
	md_header_init(&h2);
	assert_int_equal(md_header_parse(&h2, other, strlen(other)), 0);
	md_sieve_fields_reset(&c);
	assert_int_equal(md_sieve_fields_get(&c, &h2, &dec, fixed, 1, &f), 0);
	assert_int_equal(f->n, 3);
	assert_null(f->lv[0]); /* made small when asked, once */
	md_sieve_field_lower(&c.e[f - c.e]);
	md_sieve_field_lower(&c.e[f - c.e]);
	assert_string_equal(f->v[0], "Three");
	assert_string_equal(f->lv[0], "three");
	assert_string_equal(f->lv[2], "six");
	assert_string_equal(f->v[1], "f\xc3\xbcnf");
	assert_string_equal(f->v[2], "six");
	assert_null(f->a);
	assert_int_equal(md_sieve_fields_get(&c, &h2, NULL, cc, 1, &f), 0);
	assert_int_equal(f->n, 1);
	assert_int_equal(f->a[0].n, 1);
	assert_string_equal(f->a[0].buf, "x@example.com");
	assert_int_equal(
	    md_sieve_fields_get(&c, &h2, &dec, "subject", 0, &f), 0);
	assert_int_equal(f->n, 0);
	/* names whose first bytes differ in bit 5 alone, not as letters do */
	assert_int_equal(md_sieve_fields_get(&c, &h2, &dec, "@X", 0, &f), 0);
	assert_int_equal(f->n, 1);
	assert_string_equal(f->v[0], "at");
	md_header_free(&h2);
}

static int
setup(void **state)
{
	(void)state;
	md_decoder_init(&dec);
	md_header_init(&h);
	memset(&c, 0, sizeof(c));
	return md_header_parse(&h, msg, strlen(msg));
}

static int
teardown(void **state)
{
	(void)state;
	md_sieve_fields_free(&c);
	md_header_free(&h);
	md_decoder_free(&dec);
	return 0;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(values, setup, teardown),
		cmocka_unit_test_setup_teardown(addresses, setup, teardown),
		cmocka_unit_test_setup_teardown(many_names, setup, teardown),
		cmocka_unit_test_setup_teardown(next_message, setup, teardown),
		cmocka_unit_test_setup_teardown(fixed_names, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
