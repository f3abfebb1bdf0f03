/* Unit tests for the date and index extensions (RFC 5260): sieve-date.c's
 * zones and date parts, and the date, currentdate and :index tests run
 * over messages, with the RFC's own examples. The local zone is TZ's,
 * set here so that the answers do not depend on the machine's. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "internal.h"
#include "sieve-show.h"

/* 2023-08-02 06:30:05 UTC, a Wednesday; MJD 60158. */
#define T0 1690957805

static const char *
part(int64_t t, long off, const char *p)
{
	static char out[64];

	if (md_sieve_date_part(t, off, p, out, sizeof(out)) < 0)
		return "(none)";
	return out;
}

static void
date_parts(void **state)
{
	(void)state;
	assert_string_equal(part(T0, 0, "year"), "2023");
	assert_string_equal(part(T0, 0, "month"), "08");
	assert_string_equal(part(T0, 0, "day"), "02");
	assert_string_equal(part(T0, 0, "date"), "2023-08-02");
	assert_string_equal(part(T0, 0, "julian"), "60158");
	assert_string_equal(part(T0, 0, "hour"), "06");
	assert_string_equal(part(T0, 0, "minute"), "30");
	assert_string_equal(part(T0, 0, "second"), "05");
	assert_string_equal(part(T0, 0, "time"), "06:30:05");
	assert_string_equal(part(T0, 0, "iso8601"), "2023-08-02T06:30:05Z");
	assert_string_equal(
	    part(T0, 0, "std11"), "Wed, 02 Aug 2023 06:30:05 +0000");
	assert_string_equal(part(T0, 0, "zone"), "+0000");
	assert_string_equal(part(T0, 0, "weekday"), "3");
	assert_string_equal(part(T0, 0, "WeekDay"), "3"); /* any case */
	assert_string_equal(part(T0, 0, "fortnight"), "(none)");
	/* the same moment seven hours west: the day before */
	assert_string_equal(
	    part(T0, -7 * 3600, "iso8601"), "2023-08-01T23:30:05-07:00");
	assert_string_equal(
	    part(T0, -7 * 3600, "std11"), "Tue, 01 Aug 2023 23:30:05 -0700");
	assert_string_equal(part(T0, -7 * 3600, "julian"), "60157");
	assert_string_equal(part(T0, -7 * 3600, "weekday"), "2");
	assert_string_equal(part(T0, 5 * 3600 + 1800, "zone"), "+0530");
	/* before the epoch, the Julian day still counts whole days */
	assert_string_equal(part(-1, 0, "julian"), "40586");
	assert_string_equal(part(-1, 0, "date"), "1969-12-31");
	assert_string_equal(part(-3506716800LL, 0, "julian"), "0");
}

static void
zones(void **state)
{
	long off = 1;

	(void)state;
	assert_int_equal(md_sieve_zone("+0000", &off), 0);
	assert_int_equal(off, 0);
	assert_int_equal(md_sieve_zone("-0000", &off), 0);
	assert_int_equal(off, 0);
	assert_int_equal(md_sieve_zone("+0530", &off), 0);
	assert_int_equal(off, 5 * 3600 + 30 * 60);
	assert_int_equal(md_sieve_zone("-1200", &off), 0);
	assert_int_equal(off, -12 * 3600);
	assert_int_equal(md_sieve_zone("0100", &off), -1);
	assert_int_equal(md_sieve_zone("+01:00", &off), -1);
	assert_int_equal(md_sieve_zone("+010", &off), -1);
	assert_int_equal(md_sieve_zone("+01000", &off), -1);
	assert_int_equal(md_sieve_zone("UTC", &off), -1);
	assert_int_equal(md_sieve_zone("", &off), -1);
}

/* ---- running ---- */

static struct md_decoder dec;

/* SRC over MSG at the moment NOW: its actions as one line
 * ("fileinto:A keep*", an implicit keep starred), or "invalid: why". */
static const char *
run(const char *src, const char *msg, int64_t now)
{
	static char out[1024];
	struct md_sieve_script s;
	struct md_sieve_result r = { 0 };
	struct md_sieve_err e;
	struct md_header h;
	struct md_sieve_msg m = {
		.h = &h, .d = &dec, .size = strlen(msg), .now = now
	};

	if (md_sieve_compile(&s, src, strlen(src), &e) != 0) {
		snprintf(out, sizeof(out), "invalid %u:%u: %s", e.line, e.col,
		    e.msg);
		return out;
	}
	md_header_init(&h);
	assert_int_equal(md_header_parse(&h, msg, strlen(msg)), 0);
	out[0] = '\0';
	if (md_sieve_run(&s, &m, &r, &e) != 0)
		snprintf(out, sizeof(out), "error %u: %s", e.line, e.msg);
	else
		sieve_show(&r, 0, out, sizeof(out));
	md_sieve_result_free(&r);
	md_sieve_free(&s);
	md_header_free(&h);
	return out;
}

static const char boss[] =
    "Received: from a by b; Sat, 29 Jul 2023 10:00:00 +0000\n"
    "Received: from c by d; Mon, 31 Jul 2023 10:00:00 +0200\n"
    "Received: from e by f (no date)\n"
    "From: boss@example.com\n"
    "To: a@x.org, b@x.org\n"
    "To: c@x.org\n"
    "Date: Tue, 1 Aug 2023 11:52:43 -0700\n"
    "X-Bad-Date: tomorrow, maybe\n"
    "\n"
    "body\n";

#define R                                                                      \
	"require [\"date\", \"index\", \"relational\", \"fileinto\", "         \
	"\"variables\"];\n"

/* RFC 5260 7's examples, and the date test's own edges. */
static void
date_test(void **state)
{
	(void)state;
	/* "office hours" in the sender's zone */
	assert_string_equal(
	    run(R "if allof(header :is \"from\" \"boss@example.com\","
	          " date :value \"ge\" :originalzone \"date\" \"hour\" \"09\","
	          " date :value \"lt\" :originalzone \"date\" \"hour\" \"17\")"
	          " { fileinto \"urgent\"; }",
	        boss, T0),
	    "fileinto:urgent");
	/* in UTC it was after hours */
	assert_string_equal(
	    run(R "if date :value \"ge\" :zone \"+0000\" \"date\" \"hour\" "
	          "\"17\" { fileinto \"late\"; }",
	        boss, T0),
	    "fileinto:late");
	/* "weekend": the first Received is the one looked at */
	assert_string_equal(
	    run(R "if anyof(date :is \"received\" \"weekday\" \"0\","
	          " date :is \"received\" \"weekday\" \"6\")"
	          " { fileinto \"weekend\"; }",
	        boss, T0),
	    "fileinto:weekend");
	/* the second Received, and from the end */
	assert_string_equal(
	    run(R "if date :index 2 :zone \"+0000\" \"received\" \"time\" "
	          "\"08:00:00\" { fileinto \"second\"; }",
	        boss, T0),
	    "fileinto:second");
	assert_string_equal(run(R "if date :index 2 :last :originalzone "
	                          "\"received\" \"zone\" \"+0200\" { fileinto "
	                          "\"z\"; }",
	                        boss, T0),
	    "fileinto:z");
	/* a field that is no date, a missing one, one past the last */
	assert_string_equal(run(R "if date :index 1 :last \"received\" "
	                          "\"year\" \"*\" { fileinto \"x\"; }",
	                        boss, T0),
	    "keep*");
	assert_string_equal(run(R "if date :matches \"x-bad-date\" \"year\" "
	                          "\"*\" { fileinto \"x\"; }",
	                        boss, T0),
	    "keep*");
	assert_string_equal(run(R "if date :count \"eq\" \"x-none\" \"year\" "
	                          "\"0\" { fileinto \"none\"; }",
	                        boss, T0),
	    "fileinto:none");
	assert_string_equal(run(R "if date :index 9 :matches \"received\" "
	                          "\"year\" \"*\" { fileinto \"x\"; }",
	                        boss, T0),
	    "keep*");
	/* an unknown date part is false; a zone that is none is local */
	assert_string_equal(run(R "if date :matches \"date\" \"fortnight\" "
	                          "\"*\" { fileinto \"x\"; }",
	                        boss, T0),
	    "keep*");
	assert_string_equal(run(R "set \"z\" \"west\"; if date :zone \"${z}\" "
	                          "\"date\" \"zone\" \"+0000\" { fileinto "
	                          "\"local\"; }",
	                        boss, T0),
	    "fileinto:local");
	/* its captures */
	assert_string_equal(
	    run(R "if date :matches :originalzone \"date\" \"iso8601\" "
	          "\"*T*\" { fileinto \"${2}\"; }",
	        boss, T0),
	    "fileinto:11:52:43-07:00");
}

static void
currentdate_test(void **state)
{
	(void)state;
	/* RFC 5260 7: filing by the month and year it arrived */
	assert_string_equal(
	    run(R "if currentdate :matches \"month\" \"*\" { set \"month\" "
	          "\"${1}\"; }\n"
	          "if currentdate :matches \"year\" \"*\" { set \"year\" "
	          "\"${1}\"; }\n"
	          "fileinto \"${month}-${year}\";",
	        boss, T0),
	    "fileinto:08-2023");
	assert_string_equal(
	    run(R "if currentdate :zone \"-0700\" \"date\" \"2023-08-01\" "
	          "{ fileinto \"y\"; }",
	        boss, T0),
	    "fileinto:y");
	assert_string_equal(
	    run(R "if currentdate :value \"ge\" \"date\" \"2023-08-03\" "
	          "{ fileinto \"y\"; }",
	        boss, T0),
	    "keep*");
}

static void
index_test(void **state)
{
	(void)state;
	assert_string_equal(run(R "if address :index 2 :is \"to\" \"c@x.org\""
	                          " { fileinto \"y\"; }",
	                        boss, T0),
	    "fileinto:y");
	assert_string_equal(run(R "if address :index 2 :is \"to\" \"a@x.org\""
	                          " { fileinto \"y\"; }",
	                        boss, T0),
	    "keep*");
	assert_string_equal(run(R "if address :count \"eq\" :index 1 \"to\" "
	                          "\"2\" { fileinto \"two\"; }",
	                        boss, T0),
	    "fileinto:two");
	/* over several names: counted name after name, as Pigeonhole does */
	assert_string_equal(
	    run(R "if header :index 3 :matches [\"to\", \"received\"] \"*\""
	          " { fileinto \"${0}\"; }",
	        boss, T0),
	    "fileinto:from a by b; Sat, 29 Jul 2023 10:00:00 +0000");
	assert_string_equal(
	    run(R "if header :index 1 :last :matches [\"received\", \"to\"] "
	          "\"*\" { fileinto \"${0}\"; }",
	        boss, T0),
	    "fileinto:c@x.org");
	assert_string_equal(run(R "if header :index 4 :last :contains "
	                          "\"received\" \"\" { fileinto \"y\"; }",
	                        boss, T0),
	    "keep*");
}

static void
checks(void **state)
{
	(void)state;
	assert_string_equal(
	    run("if date \"date\" \"year\" \"2023\" {}", boss, 0),
	    "invalid 1:4: 'date' needs its extension required");
	assert_string_equal(
	    run("require \"date\"; if header :index 1 \"to\" \"x\" {}", boss,
	        0),
	    "invalid 1:27: unknown tag ':index' for 'header'");
	assert_string_equal(
	    run(R "if header :index 0 \"to\" \"x\" {}", boss, 0),
	    "invalid 2:11: ':index' counts from 1");
	assert_string_equal(run(R "if header :last \"to\" \"x\" {}", boss, 0),
	    "invalid 2:4: 'header': :last without :index");
	assert_string_equal(
	    run(R "if header :index \"1\" \"to\" \"x\" {}", boss, 0),
	    "invalid 2:11: ':index' needs a number after it");
	assert_string_equal(
	    run(R "if currentdate :originalzone \"year\" \"2023\" {}", boss, 0),
	    "invalid 2:16: ':originalzone' is not for currentdate");
	assert_string_equal(
	    run(R "if date :zone \"+0100\" :originalzone \"date\" \"year\" "
	          "\"2023\" {}",
	        boss, 0),
	    "invalid 2:23: ':originalzone' conflicts with an earlier tag of "
	    "'date'");
	assert_string_equal(run(R "if date \"date\" \"year\" {}", boss, 0),
	    "invalid 2:4: 'date' needs a string list as argument 3");
	assert_string_equal(run(R "if exists :index 1 \"to\" {}", boss, 0),
	    "invalid 2:11: unknown tag ':index' for 'exists'");
}

static int
setup(void **state)
{
	(void)state;
	setenv("TZ", "UTC", 1);
	tzset();
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
		cmocka_unit_test(date_parts),
		cmocka_unit_test(zones),
		cmocka_unit_test(date_test),
		cmocka_unit_test(currentdate_test),
		cmocka_unit_test(index_test),
		cmocka_unit_test(checks),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
