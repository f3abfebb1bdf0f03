/*
 * sieve-date.c: the date extension's arithmetic (RFC 5260): a time zone
 * argument read, and a moment written as one of the date parts at a
 * given offset from UTC. Which header and which occurrence of it, and
 * the match against the keys, are sieve-run.c's.
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "internal.h"

#define MJD_EPOCH 40587 /* the Modified Julian Day of 1970-01-01 */

int
md_sieve_zone(const char *s, long *off)
{
	int sign = s[0] == '-' ? -1 : 1;

	if ((s[0] != '+' && s[0] != '-') || strlen(s) != 5)
		return -1;
	for (int i = 1; i < 5; i++)
		if (!isdigit((unsigned char)s[i]))
			return -1;
	*off = sign * (((s[1] - '0') * 10 + (s[2] - '0')) * 3600L +
	                  ((s[3] - '0') * 10 + (s[4] - '0')) * 60L);
	return 0;
}

long
md_sieve_local_zone(int64_t now)
{
	time_t t = (time_t)now;
	struct tm tm;

	return localtime_r(&t, &tm) == NULL ? 0 : tm.tm_gmtoff;
}

/* OFF as the zone part: "+hhmm" or "-hhmm". */
static void
zone(long off, char *out, size_t size)
{
	long a = off < 0 ? -off : off;

	snprintf(out, size, "%c%02d%02d", off < 0 ? '-' : '+',
	    (int)(a / 3600 % 100), (int)(a / 60 % 60));
}

static const char *const parts[] = { "year", "month", "day", "date", "julian",
	"hour", "minute", "second", "time", "iso8601", "std11", "zone",
	"weekday" };

int
md_sieve_date_part(
    int64_t t, long off, const char *part, char *out, size_t size)
{
	static const char wd[][4] = { "Sun", "Mon", "Tue", "Wed", "Thu", "Fri",
		"Sat" };
	static const char mon[][4] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun",
		"Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
	int64_t local = t + off, days;
	time_t lt = (time_t)local;
	size_t k = 0;
	char z[8];
	struct tm tm;

	while (k < sizeof(parts) / sizeof(parts[0]) &&
	       strcasecmp(parts[k], part) != 0)
		k++;
	if (k == sizeof(parts) / sizeof(parts[0]) || gmtime_r(&lt, &tm) == NULL)
		return -1;
	days = local >= 0 ? local / 86400 : -((-local + 86399) / 86400);
	zone(off, z, sizeof(z));
	switch (k) {
	case 0:
		snprintf(out, size, "%04d", tm.tm_year + 1900);
		break;
	case 1:
		snprintf(out, size, "%02d", tm.tm_mon + 1);
		break;
	case 2:
		snprintf(out, size, "%02d", tm.tm_mday);
		break;
	case 3:
		snprintf(out, size, "%04d-%02d-%02d", tm.tm_year + 1900,
		    tm.tm_mon + 1, tm.tm_mday);
		break;
	case 4:
		snprintf(out, size, "%lld", (long long)(days + MJD_EPOCH));
		break;
	case 5:
		snprintf(out, size, "%02d", tm.tm_hour);
		break;
	case 6:
		snprintf(out, size, "%02d", tm.tm_min);
		break;
	case 7:
		snprintf(out, size, "%02d", tm.tm_sec);
		break;
	case 8:
		snprintf(out, size, "%02d:%02d:%02d", tm.tm_hour, tm.tm_min,
		    tm.tm_sec);
		break;
	case 9: /* RFC 3339's date-time, "Z" for UTC as Pigeonhole has it */
		snprintf(out, size, "%04d-%02d-%02dT%02d:%02d:%02d%s%.3s%s%.2s",
		    tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
		    tm.tm_min, tm.tm_sec, off == 0 ? "Z" : "",
		    off == 0 ? "" : z, off == 0 ? "" : ":",
		    off == 0 ? "" : z + 3);
		break;
	case 10:
		snprintf(out, size, "%s, %02d %s %04d %02d:%02d:%02d %s",
		    wd[tm.tm_wday], tm.tm_mday, mon[tm.tm_mon],
		    tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec, z);
		break;
	case 11:
		strlcpy(out, z, size);
		break;
	default:
		snprintf(out, size, "%d", tm.tm_wday);
	}
	return 0;
}
