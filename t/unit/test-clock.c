/* Unit tests for clock.c: md_localtime gives what localtime_r gives, in
 * zones with summer time (Berlin), half-hour offsets and a half-hour
 * summer shift (St John's, Lord Howe) and in UTC, every 20 minutes
 * around transitions and over years; md_strftime gives what strftime
 * gives, by hand or not. */
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

static struct md_clock *clk;

static int
setup(void **state)
{
	(void)state;
	if ((clk = malloc(sizeof(*clk))) == NULL)
		return -1;
	md_clock_init(clk);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	free(clk);
	return 0;
}

static void
zone(const char *tz)
{
	if (tz == NULL)
		unsetenv("TZ");
	else
		setenv("TZ", tz, 1);
	tzset();
	md_clock_init(clk); /* a new zone: offsets learnt again */
}

/* md_localtime(T) field by field against localtime_r(T). */
static void
same_tm(int64_t t)
{
	time_t tt = (time_t)t;
	struct tm a, b;

	assert_non_null(localtime_r(&tt, &a));
	assert_int_equal(md_localtime(clk, t, &b), 0);
	if (a.tm_year != b.tm_year || a.tm_mon != b.tm_mon ||
	    a.tm_mday != b.tm_mday || a.tm_hour != b.tm_hour ||
	    a.tm_min != b.tm_min || a.tm_sec != b.tm_sec ||
	    a.tm_wday != b.tm_wday || a.tm_yday != b.tm_yday ||
	    a.tm_isdst != b.tm_isdst || a.tm_gmtoff != b.tm_gmtoff ||
	    strcmp(a.tm_zone, b.tm_zone) != 0)
		fail_msg("%s: %lld: localtime_r %04d-%02d-%02d %02d:%02d:%02d "
		         "%s, md_localtime %04d-%02d-%02d %02d:%02d:%02d %s",
		    getenv("TZ") ? getenv("TZ") : "(no TZ)", (long long)t,
		    a.tm_year + 1900, a.tm_mon + 1, a.tm_mday, a.tm_hour,
		    a.tm_min, a.tm_sec, a.tm_zone, b.tm_year + 1900,
		    b.tm_mon + 1, b.tm_mday, b.tm_hour, b.tm_min, b.tm_sec,
		    b.tm_zone);
}

static void
zones(void **state)
{
	static const char *const tz[] = { "Europe/Berlin", "America/St_Johns",
		"Australia/Lord_Howe", "UTC", NULL };

	(void)state;
	for (size_t z = 0; z < sizeof(tz) / sizeof(tz[0]); z++) {
		zone(tz[z]);
		/* every 20 minutes and 7 seconds over 2023 and 2024, which
		 * hold every transition of these zones twice */
		for (int64_t t = 1672531200; t < 1735689600; t += 1207)
			same_tm(t);
		/* and in both directions, in random order, over a century */
		for (int i = 0; i < 20000; i++)
			same_tm((int64_t)(arc4random_uniform(3155760000u)) -
			        631152000);
		/* before the epoch, around day boundaries */
		for (int64_t t = -86400 * 3 - 5; t < 86400 * 3; t += 3599)
			same_tm(t);
	}
	zone(NULL);
}

/* md_strftime of PATTERN against strftime, at T in Berlin. */
static void
same_text(const char *pattern, int64_t t)
{
	char a[128], b[128];
	time_t tt = (time_t)t;
	struct tm tm;
	size_t na, nb;

	assert_non_null(localtime_r(&tt, &tm));
	na = strftime(a, sizeof(a), pattern, &tm);
	nb = md_strftime(clk, b, sizeof(b), pattern, t);
	assert_int_equal(na, nb);
	if (na > 0)
		assert_string_equal(a, b);
}

static void
patterns(void **state)
{
	static const char *const p[] = { "%Y-%m-%d %H:%M", "%Y%m%dT%H%M%S",
		"%%Y is %Y", "%a %d %b %Y %H:%M:%S %z %Z", "%s", "%e.%m.",
		"plain", "%Y-%m-%d %H:%M:%S%%", "%" };
	static const int64_t t[] = { 0, 1700000000, 1711846799, 1711846800, -1,
		-62135596800LL /* year 1 */, 253402300799LL /* 9999 */,
		253402300800LL /* 10000 */, 946684799 };

	(void)state;
	zone("Europe/Berlin");
	for (size_t i = 0; i < sizeof(p) / sizeof(p[0]); i++)
		for (size_t j = 0; j < sizeof(t) / sizeof(t[0]); j++)
			same_text(p[i], t[j]);
	/* what does not fit is not written, by hand as by strftime */
	{
		char small[8];

		assert_int_equal(md_strftime(clk, small, sizeof(small),
		                     "%Y-%m-%d", 1700000000),
		    0);
		assert_int_equal(md_strftime(clk, small, 0, "%Y", 0), 0);
	}
	zone(NULL);
}

/* Times as far as int64_t goes (a Date: or a cache entry may hold one):
 * as localtime_r judges them, and no overflow on the way (UBSan, make
 * check-asan, aborted on the day of INT64_MIN + 1, a format fuzz find). */
static void
extremes(void **state)
{
	static const int64_t t[] = { INT64_MIN, INT64_MIN + 1,
		-9223372036854721755LL, INT64_MAX, INT64_MAX - 86400 };
	struct tm a, b;
	char buf[64];

	(void)state;
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		time_t tt = (time_t)t[i];
		int want = localtime_r(&tt, &a) == NULL ? -1 : 0;

		assert_int_equal(md_localtime(clk, t[i], &b), want);
		if (want == -1)
			assert_int_equal(
			    md_strftime(clk, buf, sizeof(buf), "%Y", t[i]), 0);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(zones),
		cmocka_unit_test(patterns),
		cmocka_unit_test(extremes),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
