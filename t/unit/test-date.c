/* Unit tests for date.c: a table of real-world Date: forms and From_
 * lines, and From_ lines of a megabyte. */
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

/* Expected values computed independently (Python's calendar.timegm). */
static const struct {
	const char *s;
	long long t;
} good[] = {
	{ "Thu, 17 Oct 1995 17:14:09 +0000", 813950049LL },
	{ "Thu, 17 Oct 1995 17:14:09 +0200", 813942849LL },
	{ "Thu, 17 Oct 1995 17:14:09 -0530", 813969849LL },
	{ "17 Oct 1995 17:14:09 +0000", 813950049LL },
	{ "Thu 17 Oct 1995 17:14:09 +0000", 813950049LL },
	{ "Thu, 17 Oct 1995 17:14 +0000", 813950040LL },
	{ "Thu, 17 Oct 1995 17:14:09", 813950049LL },
	{ "Thu, 17 Oct 1995 17:14:09 GMT", 813950049LL },
	{ "Thu, 17 Oct 1995 17:14:09 UT", 813950049LL },
	{ "Thu, 17 Oct 1995 17:14:09 EST", 813968049LL },
	{ "Thu, 17 Oct 1995 17:14:09 EDT", 813964449LL },
	{ "Thu, 17 Oct 1995 17:14:09 CST", 813971649LL },
	{ "Thu, 17 Oct 1995 17:14:09 CDT", 813968049LL },
	{ "Thu, 17 Oct 1995 17:14:09 MST", 813975249LL },
	{ "Thu, 17 Oct 1995 17:14:09 MDT", 813971649LL },
	{ "Thu, 17 Oct 1995 17:14:09 PST", 813978849LL },
	{ "Thu, 17 Oct 1995 17:14:09 PDT", 813975249LL },
	{ "Thu, 17 Oct 1995 17:14:09 MET", 813950049LL },
	{ "Thu, 17 Oct 1995 17:14:09 +0200 (CEST)", 813942849LL },
	{ "Thu, 17 Oct 1995 17:14:09 -0700 (PDT)", 813975249LL },
	{ "Thu, 17 Oct 95 17:14:09 +0000", 813950049LL },
	{ "Thu, 17 Oct 05 17:14:09 +0000", 1129569249LL },
	{ "Thu, 17 Oct 49 17:14:09 +0000", 2518103649LL },
	{ "Thu, 17 Oct 50 17:14:09 +0000", -606120351LL },
	{ "Thu, 17 Oct 095 17:14:09 +0000", 813950049LL },
	{ "Thu, 7 Oct 1995 17:14:09 +0000", 813086049LL },
	{ "Thu, 07 Oct 1995 17:14:09 +0000", 813086049LL },
	{ "thu, 17 oct 1995 17:14:09 +0000", 813950049LL },
	{ "Thursday, 17 October 1995 17:14:09 +0000", 813950049LL },
	{ "Thu, 17 Oct 1995 17:14:09 0200", 813942849LL },
	{ "Thu, 17 Oct 1995 17:14:09 +02:00", 813942849LL },
	{ "Thu, 17 Oct 1995 17.14.09 +0000", 813950049LL },
	{ "Thu Oct 17 17:14:09 1995", 813950049LL },
	{ "Thu Oct 17 17:14:09 1995 +0100", 813946449LL },
	{ "1995-10-17", 813888000LL },
	{ "1995-10-17T17:14:09Z", 813950049LL },
	{ "1995-10-17T17:14:09+02:00", 813942849LL },
	{ "1995-10-17 17:14:09", 813950049LL },
	{ "  Thu,  17 Oct 1995   17:14:09 +0000  ", 813950049LL },
	{ "(comment) Thu, 17 Oct 1995 17:14:09 +0000", 813950049LL },
	{ "Thu, 17 Oct 1995 23:59:60 +0000", 813974400LL },
	{ "Mon, 29 Feb 2016 00:00:00 -0000", 1456704000LL },
	{ "Fri, 1 Jan 2100 12:00:00 +1400", 4102437600LL },
	{ "17 Oct 1995 17:14:09 Z", 813950049LL },
	/* the calendar without timegm(3): leap years and centuries, days
	 * and months past their end running on, years 0 and 10000 */
	{ "Tue, 29 Feb 2000 12:00:00 +0000", 951825600LL },
	{ "Thu, 1 Mar 1900 00:00:00 +0000", -2203891200LL },
	{ "31 Feb 2023 00:00:00 +0000", 1677801600LL },
	{ "2024-13-01", 1735689600LL },
	{ "2023-02-99", 1683676800LL },
	{ "1 Jan 1600 00:00:00 +0000", -11676096000LL },
	{ "31 Dec 1969 23:59:59 +0000", -1LL },
	{ "1 Jan 0000 00:00:00 +0000", -62167219200LL },
	{ "1 Mar 0000 00:00:00 +0000", -62162035200LL },
	{ "1 Jan 10000 00:00:00 +0000", 253402300800LL },
	{ "31 DEC 2099 23:59:60 +0000", 4102444800LL },
	/* the common form, read at once: its limits, any day's name */
	{ "Sat, 17 Oct 1995 17:14:09 +2359", 813863709LL },
	{ "thu, 7 OCT 1995 17:14:09 -0000", 813086049LL },
	{ "Thu, 17 Oct 1995 00:00:00 +0000", 813888000LL },
	{ "Thu, 17 Oct 1995 17:14 -0000", 813950040LL },
	{ "7 Oct 1995 17:14:09 gmt", 813086049LL },
	{ "Thu, 17 Oct 1995 17:14:09 Z", 813950049LL },
	{ "Thu, 17 Oct 1995 17:14 PDT", 813975240LL },
};

static const char *const bad[] = { "", "garbage", "Thu, 32 Oct 1995 17:14:09",
	"Thu, 17 Foo 1995 17:14:09", "Thu, 17 Oct 1995 25:14:09",
	"Thu, 17 Oct 1995 17:61:09", "17:14:09", "Oct 1995",
	"Thu, 17 Oct 1995 17:14:09 +2500", "1995-13-45x",
	/* the common form with a value out of range, or not a month */
	"Thu, 32 Oct 1995 17:14:09 +0000", "Thu, 00 Oct 1995 17:14:09 +0000",
	"Thu, 17 Oct 1995 24:14:09 +0000", "Thu, 17 Oct 1995 17:60:09 +0000",
	"Thu, 17 Oct 1995 17:14:61 +0000", "Thu, 17 Oct 1995 17:14:09 +2400",
	"Thu, 17 Oct 1995 17:14:09 +0060", "Thu, 17 Foo 1995 17:14:09 +0000",
	"Xyz, 17 Oct 1995 17:14:09 +0000", "Thu, 17 Oct 1995 24:14 GMT" };

static void
rfc5322_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		time_t t = 0;

		if (md_date_parse(good[i].s, &t) != 0 ||
		    (long long)t != good[i].t)
			fail_msg("\"%s\": got %lld, want %lld", good[i].s,
			    (long long)t, good[i].t);
	}
}

/* md_date_parse_zone: the offset as written, 0 when there is none or
 * the zone is unknown, with the same moment md_date_parse gives. */
static void
zones(void **state)
{
	static const struct {
		const char *s;
		long off;
	} z[] = { { "Thu, 17 Oct 1995 17:14:09 +0200", 7200 },
		{ "Thu, 17 Oct 1995 17:14:09 -0530", -19800 },
		{ "Thu, 17 Oct 1995 17:14:09 EDT", -14400 },
		{ "Thu, 17 Oct 1995 17:14:09 MET", 0 },
		{ "Thu, 17 Oct 1995 17:14:09", 0 } };

	(void)state;
	for (size_t i = 0; i < sizeof(z) / sizeof(z[0]); i++) {
		time_t t, t2;
		long off = 99;

		assert_int_equal(md_date_parse_zone(z[i].s, &t, &off), 0);
		assert_int_equal(md_date_parse(z[i].s, &t2), 0);
		assert_int_equal(t, t2);
		if (off != z[i].off)
			fail_msg("\"%s\": offset %ld, want %ld", z[i].s, off,
			    z[i].off);
	}
}

static void
rejects(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		time_t t;

		if (md_date_parse(bad[i], &t) != -1)
			fail_msg("\"%s\" parsed as %lld", bad[i], (long long)t);
	}
}

static void
from_lines(void **state)
{
	static const struct {
		const char *line;
		long long t; /* -1: not a From_ line date */
	} c[] = {
		{ "From a@b Thu Oct 17 17:14:09 1995\n", 813950049LL },
		{ "From a@b  Thu Oct 17 17:14:09 1995\n", 813950049LL },
		{ "From MAILER-DAEMON Thu Oct 17 17:14:09 1995", 813950049LL },
		{ "From a@b Thu Oct  7 17:14:09 1995\n", 813086049LL },
		{ "From a@b Thu Oct 17 17:14 1995\n", 813950040LL },
		{ "From a@b Thu Oct 17 17:14:09 +0100 1995\n", 813946449LL },
		{ "From a@b Thu Oct 17 17:14:09 MET DST 1995\n", 813950049LL },
		{ "From a@b Thu Oct 17 17:14:09 95\n", 813950049LL },
		{ "From \"a b\"@c Thu Oct 17 17:14:09 1995\n", 813950049LL },
		{ "From a@b Oct 17 17:14:09 1995\n", 813950049LL },
		{ "From here we go\n", -1 },
		{ "From the Jan 5 10:00 meeting notes, 2020 goals\n", -1 },
		{ "From the Jan 5 10:00 meeting notes 2020 goals\n", -1 },
		{ "From me Jan 5 10:00 2020 and more\n", -1 },
		{ "From a@b Thu Oct 17 17:14:09 1995 +0200\n", 813942849LL },
		{ "From a@b Thu Oct 17 17:14:09 1995 remote from xyz\n",
		    813950049LL },
		{ "From - Thu Oct 17 17:14:09 1995\n", 813950049LL },
		{ "From a@b\n", -1 },
		{ "From the 17 Oct meeting at 17:14, 1995\n", -1 },
		{ "from a@b Thu Oct 17 17:14:09 1995\n", -1 },
		{ "From a@b Thu Oct 17 1995\n", -1 },
		/* a comma before the date, comments around it */
		{ "From a, Thu Oct 17 17:14:09 1995\n", 813950049LL },
		{ "From a ,Thu Oct 17 17:14:09 1995\n", 813950049LL },
		{ "From a (b, c) Thu Oct 17 17:14:09 1995\n", 813950049LL },
		{ "From a@b Thu Oct 17 17:14:09 1995 (c)\n", 813950049LL },
		/* the longest date, many words before it */
		{ "From a b c d e f g h i j Oct 17 17:14:09 MET DST 1995 "
		  "remote from xyz\n",
		    813950049LL },
		/* no date begins inside a comment, closed or not */
		{ "From a (Thu Oct 17 17:14:09 1995)\n", -1 },
		{ "From a (b Thu Oct 17 17:14:09 1995\n", -1 },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		time_t t = 0;
		int r = md_date_from_line(c[i].line, strlen(c[i].line), &t);

		if (c[i].t == -1 ? r != -1 : r != 0 || (long long)t != c[i].t)
			fail_msg("%s: r=%d t=%lld want %lld", c[i].line, r,
			    (long long)t, c[i].t);
	}
}

/* LEN copies of the N bytes at S into P; the end. */
static char *
put_n(char *p, const char *s, size_t n, size_t len)
{
	for (size_t i = 0; i < len; i++, p += n)
		memcpy(p, s, n);
	return p;
}

static long long
from_line(const char *p, const char *end)
{
	time_t t = 0;

	return md_date_from_line(p, (size_t)(end - p), &t) == 0 ? (long long)t
	                                                        : -1;
}

/* Lines of a megabyte or more: each is read in one pass (the test of
 * that is that it ends; it took hours when every space began a new try
 * at a date over the rest of the line). */
static void
long_lines(void **state)
{
	static const char date[] = "Thu Oct 17 17:14:09 1995\n";
	const size_t big = 1000000;
	char *buf = malloc(2 * big + 64), *p;

	(void)state;
	assert_non_null(buf);
	p = put_n(put_n(buf, "From ", 5, 1), " ", 1, big);
	assert_int_equal(from_line(buf, p), -1);
	p = put_n(p, "a@b", 3, 1);
	p = put_n(p, " ", 1, big);
	p = put_n(p, date, sizeof(date) - 1, 1);
	assert_int_equal(from_line(buf, p), 813950049LL);
	/* a sender of many words, then the date */
	p = put_n(put_n(buf, "From ", 5, 1), "x ", 2, big / 2);
	p = put_n(p, date, sizeof(date) - 1, 1);
	assert_int_equal(from_line(buf, p), 813950049LL);
	/* wide gaps inside the date */
	p = put_n(buf, "From a Thu", 10, 1);
	p = put_n(p, "\t", 1, big);
	p = put_n(p, date + 3, sizeof(date) - 4, 1);
	assert_int_equal(from_line(buf, p), 813950049LL);
	/* comments never closed, commas */
	p = put_n(put_n(buf, "From ", 5, 1), "( ", 2, big / 2);
	p = put_n(p, date, sizeof(date) - 1, 1);
	assert_int_equal(from_line(buf, p), -1);
	p = put_n(put_n(buf, "From ", 5, 1), ", ", 2, big / 2);
	assert_int_equal(from_line(buf, p), -1);
	free(buf);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(rfc5322_table),
		cmocka_unit_test(zones),
		cmocka_unit_test(rejects),
		cmocka_unit_test(from_lines),
		cmocka_unit_test(long_lines),
	};

	/* From_ dates are local time: pin the zone. */
	setenv("TZ", "UTC", 1);
	tzset();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
