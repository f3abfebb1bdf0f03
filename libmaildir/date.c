/*
 * date.c: dates as mail carries them. RFC 5322 dates with the obsolete
 * zones, plus what real mail does wrong: no comma, no seconds, no zone,
 * zones without sign or with a colon, comments, asctime order, ISO 8601,
 * dots for colons. Unknown alphabetic zones count as UTC (RFC 5322 4.3).
 */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "internal.h"

struct when {
	int year, mon, day, hour, min, sec;
	long off; /* seconds east of UTC */
	int has_time, has_zone;
};

static const char months[][4] = { "jan", "feb", "mar", "apr", "may", "jun",
	"jul", "aug", "sep", "oct", "nov", "dec" };
static const char days[][4] = { "sun", "mon", "tue", "wed", "thu", "fri",
	"sat" };
static const struct {
	const char *name;
	int hours;
} zones[] = { { "ut", 0 }, { "utc", 0 }, { "gmt", 0 }, { "z", 0 },
	{ "est", -5 }, { "edt", -4 }, { "cst", -6 }, { "cdt", -5 },
	{ "mst", -7 }, { "mdt", -6 }, { "pst", -8 }, { "pdt", -7 } };

/* A blank, a comma or NUL: what separates tokens. */
static int
is_sep(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == ',' ||
	       c == '\0';
}

/* Past the blanks, commas and comments at P; *SP is set to the last
 * space among them outside a comment, if there is one. */
static const char *
skip(const char *p, const char *end, const char **sp)
{
	int depth = 0;

	for (; p < end; p++) {
		if (*p == '(')
			depth++;
		else if (*p == ')' && depth > 0)
			depth--;
		else if (depth == 0 && !is_sep(*p))
			break;
		else if (depth == 0 && *p == ' ')
			*sp = p;
	}
	return p;
}

/* The end of the token at P. */
static const char *
token_end(const char *p, const char *end)
{
	while (p < end && !is_sep(*p) && *p != '(')
		p++;
	return p;
}

/* Next token: a run of anything but blanks, commas and comments. *S is
 * moved to its start; its length. */
static size_t
token(const char **s, const char *end)
{
	const char *sp = NULL;

	*s = skip(*s, end, &sp);
	return (size_t)(token_end(*s, end) - *s);
}

static int
name_index(const char *t, size_t n, const char (*list)[4], int count)
{
	/* The names are lower-case letters, which OR 0x20 makes of their
	 * upper-case forms and of nothing else: strncasecmp(3) without a
	 * call per name, nor the locale. */
	char a, b, c;

	if (n < 3)
		return -1;
	a = (char)(t[0] | 0x20);
	b = (char)(t[1] | 0x20);
	c = (char)(t[2] | 0x20);
	for (int i = 0; i < count; i++)
		if (a == list[i][0] && b == list[i][1] && c == list[i][2])
			return i;
	return -1;
}

static int
digits(const char *t, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!isdigit((unsigned char)t[i]))
			return 0;
	return n > 0;
}

static int
num(const char *t, size_t n)
{
	int v = 0;

	for (size_t i = 0; i < n && i < 9; i++)
		v = v * 10 + (t[i] - '0');
	return v;
}

/* hh:mm[:ss] or hh.mm[.ss] */
static int
parse_time(struct when *w, const char *t, size_t n)
{
	int f[3] = { 0, 0, 0 }, k = 0, len = 0;
	char sep = 0;

	for (size_t i = 0; i < n; i++) {
		if (isdigit((unsigned char)t[i]) && len < 2) {
			f[k] = f[k] * 10 + (t[i] - '0');
			len++;
		} else if ((t[i] == ':' || t[i] == '.') && len > 0 && k < 2 &&
		           (sep == 0 || sep == t[i])) {
			sep = t[i];
			k++;
			len = 0;
		} else
			return -1;
	}
	if (k < 1 || len == 0 || f[0] > 23 || f[1] > 59 || f[2] > 60)
		return -1;
	w->hour = f[0];
	w->min = f[1];
	w->sec = f[2];
	w->has_time = 1;
	return 0;
}

/* +hhmm, -hhmm, +hh:mm, +hh */
static int
parse_offset(struct when *w, const char *t, size_t n)
{
	int sign = t[0] == '-' ? -1 : 1, h, m = 0;

	t++, n--;
	if (n == 5 && t[2] == ':' && digits(t, 2) && digits(t + 3, 2)) {
		h = num(t, 2);
		m = num(t + 3, 2);
	} else if (n == 4 && digits(t, 4)) {
		h = num(t, 2);
		m = num(t + 2, 2);
	} else if (n == 2 && digits(t, 2))
		h = num(t, 2);
	else
		return -1;
	if (h > 23 || m > 59)
		return -1;
	w->off = sign * (h * 3600L + m * 60L);
	w->has_zone = 1;
	return 0;
}

static int
parse_zone_name(struct when *w, const char *t, size_t n)
{
	for (size_t i = 0; i < sizeof(zones) / sizeof(zones[0]); i++) {
		if (strlen(zones[i].name) == n &&
		    strncasecmp(t, zones[i].name, n) == 0) {
			w->off = zones[i].hours * 3600L;
			w->has_zone = 1;
			return 0;
		}
	}
	return -1;
}

/* YYYY-MM-DD, optionally followed by Thh:mm:ss and a zone. */
static int
parse_iso(struct when *w, const char *t, size_t n)
{
	if (n < 10 || !digits(t, 4) || t[4] != '-' || !digits(t + 5, 2) ||
	    t[7] != '-' || !digits(t + 8, 2))
		return -1;
	w->year = num(t, 4);
	w->mon = num(t + 5, 2) - 1;
	w->day = num(t + 8, 2);
	if (n == 10)
		return 0;
	if (t[10] != 'T' && t[10] != 't')
		return -1;
	t += 11, n -= 11;
	for (size_t i = 0; i < n; i++) {
		if (t[i] == 'Z' || t[i] == 'z' || t[i] == '+' || t[i] == '-') {
			if (parse_time(w, t, i) == -1)
				return -1;
			if (t[i] == 'Z' || t[i] == 'z')
				return parse_zone_name(w, "z", 1);
			return parse_offset(w, t + i, n - i);
		}
	}
	return parse_time(w, t, n);
}

static int
number_token(struct when *w, const char *t, size_t n)
{
	int v = num(t, n);

	if (n >= 3 || (w->day && w->mon >= 0 && w->year < 0)) {
		/* "0200" after the time and year is a zone without sign */
		if (n == 4 && w->year >= 0 && w->has_time && !w->has_zone) {
			char z[6] = { '+', t[0], t[1], t[2], t[3], 0 };

			return parse_offset(w, z, 5);
		}
		if (w->year >= 0)
			return -1;
		w->year = n == 2   ? (v < 50 ? 2000 + v : 1900 + v)
		          : n == 3 ? 1900 + v
		                   : v;
		return 0;
	}
	if (w->day == 0 && v >= 1 && v <= 31) {
		w->day = v;
		return 0;
	}
	return -1;
}

static int
one_token(struct when *w, const char *t, size_t n)
{
	int i;

	if (parse_iso(w, t, n) == 0)
		return 0;
	if (digits(t, n))
		return number_token(w, t, n);
	if (isdigit((unsigned char)t[0]) && !w->has_time)
		return parse_time(w, t, n);
	if ((t[0] == '+' || t[0] == '-') && w->has_time)
		return parse_offset(w, t, n);
	if ((i = name_index(t, n, months, 12)) >= 0 && w->mon < 0) {
		w->mon = i;
		return 0;
	}
	if (name_index(t, n, days, 7) >= 0)
		return 0;
	if (isalpha((unsigned char)t[0]) && w->has_time) {
		/* named zones; unknown ones (MET, DST, CEST) mean UTC */
		if (!w->has_zone)
			parse_zone_name(w, t, n);
		return 0;
	}
	return -1;
}

/* Days from 1970-01-01 to the first of month MON (0-11) of YEAR in the
 * proleptic Gregorian calendar: timegm(3) without its normalizing and
 * time zone machinery (a listing parses a date per message). */
static int64_t
days_to(int64_t year, int mon)
{
	int64_t y = mon < 2 ? year - 1 : year;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	int64_t yoe = y - era * 400;          /* 0-399 */
	int m = mon < 2 ? mon + 10 : mon - 2; /* March is 0 */
	int64_t doy = (153 * m + 2) / 5;      /* day of year, from March */
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;

	return era * 146097 + doe - 719468;
}

/* W's date and time as seconds since the epoch, UTC; a day past the
 * month's end or a leap second runs on into the next, as timegm(3)
 * has them. */
static time_t
utc_seconds(const struct when *w)
{
	/* an ISO date's month may be past 12 (2024-13-01) */
	int64_t d = days_to(w->year + w->mon / 12, w->mon % 12) + w->day - 1;

	return (time_t)(d * 86400 + w->hour * 3600 + w->min * 60 + w->sec);
}

static int
to_time(const struct when *w, time_t *t, int local)
{
	struct tm tm = { .tm_year = w->year - 1900,
		.tm_mon = w->mon,
		.tm_mday = w->day,
		.tm_hour = w->hour,
		.tm_min = w->min,
		.tm_sec = w->sec,
		.tm_isdst = -1 };
	time_t r;

	if (w->year < 0 || w->mon < 0 || w->day == 0)
		return -1;
	if (local && !w->has_zone)
		r = mktime(&tm);
	else
		r = utc_seconds(w) - w->off;
	*t = r;
	return 0;
}

static void
when_init(struct when *w)
{
	memset(w, 0, sizeof(*w));
	w->year = w->mon = -1;
}

int
md_date_parse(const char *s, time_t *t)
{
	long off;

	return md_date_parse_zone(s, t, &off);
}

/* Are the N bytes at T digits, and their value *V? */
static int
fixed_digits(const char *t, size_t n, int *v)
{
	*v = 0;
	for (size_t i = 0; i < n; i++) {
		if (t[i] < '0' || t[i] > '9')
			return 0;
		*v = *v * 10 + (t[i] - '0');
	}
	return 1;
}

/* The N digits at *P (before END), their value into *V; *P past them.
 * 0 when they are not there. */
static int
take_digits(const char **p, const char *end, size_t n, int *v)
{
	if ((size_t)(end - *p) < n || !fixed_digits(*p, n, v))
		return 0;
	*p += n;
	return 1;
}

/* Is the byte at *P (before END) C? *P past it. */
static int
take(const char **p, const char *end, char c)
{
	if (*p >= end || **p != c)
		return 0;
	(*p)++;
	return 1;
}

/*
 * The forms nearly every mailer writes, "Wed, 15 Nov 2023 03:43:47 +0530"
 * (the day's name and the seconds optional, a zone of the table above
 * for the offset), into W at once: a listing parses a date a message,
 * and the token by token reading below cost more than all the rest of
 * it. 0 only for exactly such a form with values the general reading
 * takes (it reads it alike); anything else is left to it.
 */
static int
common_form(struct when *w, const char *s, const char *end)
{
	int day, year, hour, min, sec = 0, zh, zm;

	if (end - s >= 5 && s[3] == ',' && s[4] == ' ' &&
	    name_index(s, 3, days, 7) >= 0)
		s += 5;
	if (!take_digits(&s, end, 2, &day) && !take_digits(&s, end, 1, &day))
		return -1;
	if (!take(&s, end, ' ') || end - s < 4 || s[3] != ' ' ||
	    (w->mon = name_index(s, 3, months, 12)) < 0)
		return -1;
	s += 4;
	if (!take_digits(&s, end, 4, &year) || !take(&s, end, ' ') ||
	    !take_digits(&s, end, 2, &hour) || !take(&s, end, ':') ||
	    !take_digits(&s, end, 2, &min) ||
	    (take(&s, end, ':') && !take_digits(&s, end, 2, &sec)) ||
	    !take(&s, end, ' ') || s == end)
		return -1;
	if (day < 1 || day > 31 || hour > 23 || min > 59 || sec > 60)
		return -1;
	if (*s == '+' || *s == '-') {
		const char *z = s++;

		if (end - s != 4 || !take_digits(&s, end, 2, &zh) ||
		    !take_digits(&s, end, 2, &zm) || zh > 23 || zm > 59)
			return -1;
		w->off = (*z == '-' ? -1 : 1) * (zh * 3600L + zm * 60L);
		w->has_zone = 1;
	} else if (parse_zone_name(w, s, (size_t)(end - s)) == -1)
		return -1;
	w->day = day;
	w->year = year;
	w->hour = hour;
	w->min = min;
	w->sec = sec;
	w->has_time = 1;
	return 0;
}

int
md_date_parse_zone(const char *s, time_t *t, long *off)
{
	const char *end = s + strlen(s);
	struct when w;
	size_t n;

	when_init(&w);
	if (common_form(&w, s, end) == 0 && to_time(&w, t, 0) == 0) {
		*off = w.off;
		return 0;
	}
	when_init(&w);
	while ((n = token(&s, end)) > 0) {
		if (one_token(&w, s, n) == -1) {
			errno = EINVAL;
			return -1;
		}
		s += n;
	}
	if (to_time(&w, t, 0) == -1) {
		errno = EINVAL;
		return -1;
	}
	*off = w.off;
	return 0;
}

/* A zone in a From_ line: an offset, a known name, or an unknown
 * abbreviation in capitals ("MET", "DST"), which leaves local time. */
static int
from_zone(struct when *w, const char *t, size_t n)
{
	if (t[0] == '+' || t[0] == '-')
		return parse_offset(w, t, n);
	if (parse_zone_name(w, t, n) == 0)
		return 0;
	if (n > 5)
		return -1;
	for (size_t i = 0; i < n; i++)
		if (!isupper((unsigned char)t[i]))
			return -1;
	return 0;
}

/* The most tokens a From_ line's date has (see asctime_date). */
#define FROM_TOKENS 9

/*
 * Strict asctime order, as a From_ line holds it:
 * [Www] Mmm dd hh:mm[:ss] [zone [zone]] yyyy [zone | remote from HOST].
 * Strict so that "From the Jan 5 10:00 meeting notes" in a body is not
 * taken for the start of a message.
 */
static int
asctime_date(const char *s, const char *end, time_t *t)
{
	struct when w;
	const char *tok[FROM_TOKENS];
	size_t len[FROM_TOKENS], k = 0, n, i, zones = 0;

	when_init(&w);
	if (memchr(s, ',', (size_t)(end - s)) != NULL)
		return -1;
	while ((n = token(&s, end)) > 0) {
		if (k == FROM_TOKENS)
			return -1;
		tok[k] = s;
		len[k++] = n;
		s += n;
	}
	i = k > 0 && len[0] == 3 && name_index(tok[0], 3, days, 7) >= 0;
	if (k < i + 4 || len[i] != 3 ||
	    (w.mon = name_index(tok[i], len[i], months, 12)) < 0 ||
	    !digits(tok[i + 1], len[i + 1]) || len[i + 1] > 2 ||
	    number_token(&w, tok[i + 1], len[i + 1]) == -1 ||
	    parse_time(&w, tok[i + 2], len[i + 2]) == -1)
		return -1;
	for (i += 3; i < k && !digits(tok[i], len[i]); i++)
		if (++zones > 2 || from_zone(&w, tok[i], len[i]) == -1)
			return -1;
	if (i == k || (len[i] != 4 && len[i] != 2))
		return -1;
	number_token(&w, tok[i], len[i]);
	i++;
	if (i + 1 == k && from_zone(&w, tok[i], len[i]) == -1)
		return -1;
	if (i + 3 == k &&
	    !(len[i] == 6 && strncmp(tok[i], "remote", 6) == 0 &&
	        len[i + 1] == 4 && strncmp(tok[i + 1], "from", 4) == 0))
		return -1;
	if (i + 1 != k && i + 3 != k && i != k)
		return -1;
	return to_time(&w, t, 1);
}

/*
 * The sender may hold spaces: the date is the first tail after a space
 * that parses. A tail of more than FROM_TOKENS tokens never does, so one
 * pass finds the spaces before the last few tokens and only those are
 * tried: the work grows with the line, not its square. Every space
 * outside a comment between two tokens gives the same tokens; the last
 * is tried, since a comma after it would fail the others too. A space
 * inside a comment starts no date.
 */
int
md_date_from_line(const char *line, size_t n, time_t *t)
{
	const char *end = line + n, *p, *gap[FROM_TOKENS];
	size_t k = 0, i;

	if (n < 5 || memcmp(line, "From ", 5) != 0)
		goto bad;
	for (p = line + 5;;) {
		const char *sp = NULL;

		if ((p = skip(p, end, &sp)) == end)
			break;
		gap[k++ % FROM_TOKENS] = sp;
		p = token_end(p, end);
	}
	for (i = k > FROM_TOKENS ? k - FROM_TOKENS : 0; i < k; i++) {
		p = gap[i % FROM_TOKENS];
		if (p != NULL && asctime_date(p, end, t) == 0)
			return 0;
	}
bad:
	errno = EINVAL;
	return -1;
}
