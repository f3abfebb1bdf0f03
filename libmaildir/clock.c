/*
 * clock.c: local time for listings, many times over. localtime_r(3)
 * takes a lock and searches the zone's transitions for every call; a
 * listing asks for the local time of every message. The offset from UTC
 * is kept for each UTC day whose first and last second have the same
 * one (no zone changes its offset and back within a day), and the local
 * time is then UTC plus that offset, turned into a date by arithmetic
 * (gmtime_r takes the same lock). The common numeric strftime(3)
 * conversions are written by hand; anything else goes to strftime.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "internal.h"

#define DAY 86400
#define FAR ((int64_t)1 << 45) /* beyond: localtime_r (int years) */

void
md_clock_init(struct md_clock *c)
{
	memset(c, 0, sizeof(*c));
}

/* The offset of UTC day DAY into D, usable when it is the same all day. */
static void
learn(struct md_clock_day *d, int64_t day)
{
	time_t a = (time_t)(day * DAY), b = a + DAY - 1;
	struct tm ta, tb;

	d->day = day;
	d->known = 1;
	d->usable = localtime_r(&a, &ta) != NULL &&
	            localtime_r(&b, &tb) != NULL &&
	            ta.tm_gmtoff == tb.tm_gmtoff &&
	            ta.tm_isdst == tb.tm_isdst && ta.tm_zone != NULL &&
	            tb.tm_zone != NULL && strcmp(ta.tm_zone, tb.tm_zone) == 0;
	if (d->usable) {
		d->gmtoff = ta.tm_gmtoff;
		d->isdst = ta.tm_isdst;
		d->zone = ta.tm_zone;
	}
}

static int
is_leap(int64_t y)
{
	return y % 4 == 0 && (y % 100 != 0 || y % 400 == 0);
}

/* The calendar fields of T seconds since the epoch, as gmtime_r(3) gives
 * them, without its lock: days to a date in the proleptic Gregorian
 * calendar, counted in 400-year eras from a year that begins in March. */
static void
civil(int64_t t, struct tm *tm)
{
	int64_t days = t >= 0 ? t / DAY : -((-t + DAY - 1) / DAY);
	int64_t secs = t - days * DAY, z = days + 719468;
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	int64_t doe = z - era * 146097; /* day of the era, 0 to 146096 */
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100); /* from Mar 1 */
	int64_t mp = (5 * doy + 2) / 153, y = yoe + era * 400 + (mp >= 10);

	tm->tm_sec = (int)(secs % 60);
	tm->tm_min = (int)(secs / 60 % 60);
	tm->tm_hour = (int)(secs / 3600);
	tm->tm_mday = (int)(doy - (153 * mp + 2) / 5 + 1);
	tm->tm_mon = (int)(mp < 10 ? mp + 2 : mp - 10);
	tm->tm_year = (int)(y - 1900);
	tm->tm_wday = (int)(((days + 4) % 7 + 7) % 7); /* 1970-01-01: Thu */
	tm->tm_yday = (int)(mp < 10 ? doy + 59 + is_leap(y) : doy - 306);
}

int
md_localtime(struct md_clock *c, int64_t t, struct tm *tm)
{
	time_t tt = (time_t)t;

	/* Only near times: the day of one near INT64_MIN overflows. */
	if (t > -FAR && t < FAR) {
		int64_t day = t >= 0 ? t / DAY : -((-t + DAY - 1) / DAY);
		struct md_clock_day *d = &c->d[(uint64_t)day % MD_CLOCK_DAYS];

		if (!d->known || d->day != day)
			learn(d, day);
		if (d->usable) {
			civil(t + d->gmtoff, tm);
			tm->tm_isdst = d->isdst;
			tm->tm_gmtoff = d->gmtoff;
			tm->tm_zone = d->zone;
			return 0;
		}
	}
	return localtime_r(&tt, tm) == NULL ? -1 : 0;
}

/* Append the N-digit, zero-padded V to BUF at *AT, within SIZE; two
 * digits at a time from a table, as a listing writes five numbers a
 * message. */
static int
digits(char *buf, size_t size, size_t *at, int v, int n)
{
	static const char two[] = "00010203040506070809"
	                          "10111213141516171819"
	                          "20212223242526272829"
	                          "30313233343536373839"
	                          "40414243444546474849"
	                          "50515253545556575859"
	                          "60616263646566676869"
	                          "70717273747576777879"
	                          "80818283848586878889"
	                          "90919293949596979899";
	int i = n - 1;

	if (*at + (size_t)n >= size)
		return -1;
	for (; i >= 1; i -= 2, v /= 100) {
		buf[*at + (size_t)i - 1] = two[2 * (v % 100)];
		buf[*at + (size_t)i] = two[2 * (v % 100) + 1];
	}
	if (i == 0)
		buf[*at] = (char)('0' + v % 10);
	*at += (size_t)n;
	return 0;
}

/* PATTERN of TM by hand, when it has only %Y %m %d %H %M %S %% and the
 * year has four digits: its length, or -1 for strftime to do it. */
static long
by_hand(char *buf, size_t size, const char *pattern, const struct tm *tm)
{
	size_t at = 0;
	int y = tm->tm_year + 1900, rc = 0;

	if (y < 1000 || y > 9999)
		return -1;
	for (const char *p = pattern; *p && rc == 0; p++) {
		if (*p != '%') {
			if (at + 1 >= size)
				return -1;
			buf[at++] = *p;
			continue;
		}
		switch (*++p) {
		case 'Y':
			rc = digits(buf, size, &at, y, 4);
			break;
		case 'm':
			rc = digits(buf, size, &at, tm->tm_mon + 1, 2);
			break;
		case 'd':
			rc = digits(buf, size, &at, tm->tm_mday, 2);
			break;
		case 'H':
			rc = digits(buf, size, &at, tm->tm_hour, 2);
			break;
		case 'M':
			rc = digits(buf, size, &at, tm->tm_min, 2);
			break;
		case 'S':
			rc = digits(buf, size, &at, tm->tm_sec, 2);
			break;
		case '%':
			if (at + 1 >= size)
				return -1;
			buf[at++] = '%';
			break;
		default: /* another conversion, or a '%' at the end */
			return -1;
		}
	}
	if (rc == -1)
		return -1;
	buf[at] = '\0';
	return (long)at;
}

size_t
md_strftime(
    struct md_clock *c, char *buf, size_t size, const char *pattern, int64_t t)
{
	struct tm tm;
	long n;

	if (size == 0 || md_localtime(c, t, &tm) == -1)
		return 0;
	if ((n = by_hand(buf, size, pattern, &tm)) >= 0)
		return (size_t)n;
	return strftime(buf, size, pattern, &tm);
}
