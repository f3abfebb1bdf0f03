/* Unit tests for quota.c: definitions, reading Courier's and Dovecot's
 * maildirsize, each rule that makes a reader count again, counting,
 * appending. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "internal.h"
#include "scratch.h"

static struct md_namegen gen;

/* ---- helpers ---- */

/* The file DIR/NAME into BUF; its length, or -1 when it is missing. */
static ssize_t
slurp(const char *dir, const char *name, char *buf, size_t size)
{
	char p[PATH_MAX];
	ssize_t n;
	int fd;

	snprintf(p, sizeof(p), "%s/%s", dir, name);
	if ((fd = open(p, O_RDONLY)) == -1)
		return -1;
	n = read(fd, buf, size - 1);
	close(fd);
	assert_true(n >= 0);
	buf[n] = '\0';
	return n;
}

/* Set DIR/NAME's times SECS seconds into the past. */
static void
age(const char *dir, const char *name, time_t secs)
{
	struct timespec ts[2];
	char p[PATH_MAX];

	clock_gettime(CLOCK_REALTIME, &ts[0]);
	ts[0].tv_sec -= secs;
	ts[1] = ts[0];
	snprintf(p, sizeof(p), "%s/%s", dir, name);
	assert_int_equal(utimensat(AT_FDCWD, p, ts, 0), 0);
}

/* Is MD's tmp/ empty (no file left from writing maildirsize)? */
static int
tmp_empty(const char *md)
{
	struct md_scan s;
	const char *name;
	unsigned char type;
	char p[PATH_MAX];
	int rc;

	snprintf(p, sizeof(p), "%s/tmp", md);
	assert_int_equal(md_scan_open(&s, AT_FDCWD, p), 0);
	rc = md_scan_next(&s, &name, &type);
	md_scan_close(&s);
	return rc == 0;
}

/* ---- md_quota_parse, md_quota_format ---- */

static void
parse_good(void **state)
{
	static const struct {
		const char *def;
		uint64_t bytes, count;
	} t[] = {
		{ "10000000S,1000C", 10000000, 1000 },
		{ "1000C,10000000S", 10000000, 1000 },
		{ "0S", 0, 0 },
		{ "", 0, 0 },
		{ "0C", 0, 0 },
		{ "5S", 5, 0 },
		{ "7C", 0, 7 },
		{ "100M,5000C", 100ULL << 20, 5000 },
		{ "1K", 1024, 0 },
		{ "2k", 2048, 0 },
		{ "3m", 3ULL << 20, 0 },
		{ "1G,1C", 1ULL << 30, 1 },
		{ "2T", 2ULL << 40, 0 },
		{ "9223372036854775807S", INT64_MAX, 0 },
		{ "007S", 7, 0 },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		struct md_quota q;

		memset(&q, 0x55, sizeof(q));
		if (md_quota_parse(t[i].def, &q) != 0)
			fail_msg("'%s' refused", t[i].def);
		if (q.max_bytes != t[i].bytes || q.max_count != t[i].count)
			fail_msg("'%s': %llu S, %llu C", t[i].def,
			    (unsigned long long)q.max_bytes,
			    (unsigned long long)q.max_count);
	}
}

static void
parse_bad(void **state)
{
	static const char *const bad[] = { "S", "C", "10", "10X", "10s", "10c",
		"10S,", ",10S", "10S,,5C", "-5S", "+5S", " 10S", "10S ", "10 S",
		"10SS", "10S5C", "10S,20S", "1M,5S", "5C,6C",
		"9223372036854775808S", "99999999999999999999S", "8388608T",
		"10S;5C", "0x10S", "1.5M", "10MB", "10S\n" };

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct md_quota q = { .max_bytes = 1,
			.max_count = 2,
			.bytes = 3,
			.count = 4,
			.lines = 5 };

		errno = 0;
		if (md_quota_parse(bad[i], &q) != -1)
			fail_msg("'%s' taken as a definition", bad[i]);
		assert_int_equal(errno, EINVAL);
		/* nothing changed on failure */
		assert_int_equal(q.max_bytes, 1);
		assert_int_equal(q.max_count, 2);
	}
}

static void
format(void **state)
{
	static const struct {
		uint64_t bytes, count;
		const char *want;
	} t[] = {
		{ 104857600, 5000, "104857600S,5000C" },
		{ 0, 0, "0S" },
		{ 10, 0, "10S" },
		{ 0, 10, "10C" },
	};
	char buf[64];

	(void)state;
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		struct md_quota q = { .max_bytes = t[i].bytes,
			.max_count = t[i].count },
		                r;

		assert_int_equal(md_quota_format(&q, buf, sizeof(buf)),
		    (int)strlen(t[i].want));
		assert_string_equal(buf, t[i].want);
		/* what we write, we read back */
		assert_int_equal(md_quota_parse(buf, &r), 0);
		assert_int_equal(r.max_bytes, t[i].bytes);
		assert_int_equal(r.max_count, t[i].count);
	}
	{
		struct md_quota q = { .max_bytes = 104857600,
			.max_count = 5000 };

		errno = 0;
		assert_int_equal(md_quota_format(&q, buf, 16), -1);
		assert_int_equal(errno, ENAMETOOLONG);
		assert_int_equal(md_quota_format(&q, buf, 17), 16);
	}
}

/* ---- md_quota_over, md_quota_is_trash ---- */

static void
over(void **state)
{
	struct md_quota q = { .max_bytes = 1000,
		.max_count = 10,
		.bytes = 900,
		.count = 9,
		.lines = 1 };

	(void)state;
	assert_false(md_quota_over(&q, 0, 0));
	assert_false(md_quota_over(&q, 100, 1)); /* exactly full fits */
	assert_true(md_quota_over(&q, 101, 1));
	assert_true(md_quota_over(&q, 1, 2));
	assert_false(md_quota_over(&q, -5000, -1));
	q.max_bytes = 0; /* no byte limit */
	assert_false(md_quota_over(&q, INT64_MAX, 1));
	q.max_count = 0;
	assert_false(md_quota_over(&q, INT64_MAX, INT64_MAX));
	/* already over, with nothing more */
	q = (struct md_quota){
		.max_bytes = 1000, .max_count = 10, .bytes = 1001, .count = 3
	};
	assert_true(md_quota_over(&q, 0, 0));
	/* sums near the top do not wrap around */
	q = (struct md_quota){ .max_bytes = 1000, .bytes = INT64_MAX - 1 };
	assert_true(md_quota_over(&q, 10, 1));
}

static void
is_trash(void **state)
{
	(void)state;
	assert_true(md_quota_is_trash("M", "M/.Trash"));
	assert_true(md_quota_is_trash("M", "M/.Trash/"));
	assert_true(md_quota_is_trash("/h/M/", "/h/M/.Trash"));
	assert_true(md_quota_is_trash(".", ".Trash"));
	assert_true(md_quota_is_trash(".", "./.Trash"));
	assert_false(md_quota_is_trash("M", "M"));
	assert_false(md_quota_is_trash("M", "M/.Trash.Old"));
	assert_false(md_quota_is_trash("M", "M/.Trashy"));
	assert_false(md_quota_is_trash("M", "M/x.Trash"));
	assert_false(md_quota_is_trash("M", "M/.trash"));
	assert_false(md_quota_is_trash("M", "M/.Work"));
	/* a maildir that is itself named .Trash is a root, no folder */
	assert_false(md_quota_is_trash("/x/.Trash", "/x/.Trash"));
}

/* ---- md_quota_get: reading ---- */

static void
get_missing(void **state)
{
	char md[1024];
	struct md_quota q;
	struct md_err e;

	(void)state;
	scratch_maildir(md, sizeof(md), "missing");
	assert_int_equal(md_quota_get(md, &q, &gen, &e), 0);
	assert_int_equal(md_quota_add(md, 10, 1, &e), 0);
	/* md_quota_add never creates the file */
	assert_int_equal(slurp(md, "maildirsize", (char[8]){ 0 }, 8), -1);
}

/* Reading TEXT gives these numbers and leaves the file as it was. */
static void
reads_as(const char *name, const char *text, uint64_t mb, uint64_t mc,
    int64_t bytes, int64_t count, int lines)
{
	char md[1024], after[8192];
	struct md_quota q;
	struct md_err e;

	scratch_maildir(md, sizeof(md), name);
	scratch_write(md, "maildirsize", text);
	assert_int_equal(md_quota_get(md, &q, &gen, &e), 1);
	assert_int_equal(q.max_bytes, mb);
	assert_int_equal(q.max_count, mc);
	assert_int_equal(q.bytes, bytes);
	assert_int_equal(q.count, count);
	assert_int_equal(q.lines, lines);
	slurp(md, "maildirsize", after, sizeof(after));
	assert_string_equal(after, text);
}

static void
get_courier(void **state)
{
	(void)state;
	/* Courier: "%12s %12s\n", a recount line then delivery lines */
	reads_as("courier",
	    "5000000S,1000C\n"
	    "        4096            3\n"
	    "        1200            1\n"
	    "       -1000           -1\n",
	    5000000, 1000, 4296, 3, 3);
}

static void
get_dovecot(void **state)
{
	(void)state;
	reads_as(
	    "dovecot", "0S\n12345 10\n-345 -2\n1000 1\n", 0, 0, 13000, 9, 3);
	reads_as("dovecot-tabs", "100C\n\t7\t 2 \n3 1\n", 0, 100, 10, 3, 2);
}

static void
get_unknown_letters(void **state)
{
	(void)state;
	/* Courier passes over letters it does not know */
	reads_as("letters", "1000S,50C,7X\n10 1\n", 1000, 50, 10, 1, 1);
	/* and "M" is no unit in the file: no byte limit, as for Courier */
	reads_as("letters-m", "100M,5C\n10 1\n", 0, 5, 10, 1, 1);
}

/* ---- md_quota_get: when the numbers are counted again ---- */

/* Two messages: 100 bytes by ",S=", and one of 7 bytes without. */
static const char *
filled(const char *name, char *md, size_t size)
{
	scratch_maildir(md, size, name);
	scratch_write(md, "new/1.M1P1.h,S=100", "x");
	scratch_write(md, "cur/2.M2P2.h:2,S", "1234567");
	return md;
}

/* The file now holds DEF and one line with the real numbers. */
static void
rewritten(const char *md, const char *def)
{
	char want[256], got[8192];

	snprintf(want, sizeof(want), "%s\n107 2\n", def);
	assert_true(slurp(md, "maildirsize", got, sizeof(got)) > 0);
	assert_string_equal(got, want);
	assert_true(tmp_empty(md));
}

static void
got_real(const struct md_quota *q)
{
	assert_int_equal(q->bytes, 107);
	assert_int_equal(q->count, 2);
	assert_int_equal(q->lines, 1);
}

static void
recalc_big(void **state)
{
	char md[1024], text[6000];
	struct md_quota q;
	struct md_err e;
	size_t n;

	(void)state;
	/* exactly 5120 bytes of good lines: too big all the same */
	filled("big", md, sizeof(md));
	n = (size_t)snprintf(text, sizeof(text), "10000000S,1000C\n");
	while (n < 5120)
		n += (size_t)snprintf(text + n, sizeof(text) - n, "0 0\n");
	assert_int_equal(n, 5120);
	scratch_write(md, "maildirsize", text);
	assert_int_equal(md_quota_get(md, &q, &gen, &e), 1);
	got_real(&q);
	rewritten(md, "10000000S,1000C");

	/* one byte less is read as it is */
	filled("big2", md, sizeof(md));
	strcpy(text + 5112, "5555 5\n");
	assert_int_equal(strlen(text), 5119);
	scratch_write(md, "maildirsize", text);
	assert_int_equal(md_quota_get(md, &q, &gen, &e), 1);
	assert_int_equal(q.bytes, 5555);
	assert_int_equal(q.count, 5);
	assert_int_equal(q.lines, 1275);
}

static void
recalc_over_lines(void **state)
{
	char md[1024];
	struct md_quota q;
	struct md_err e;

	(void)state;
	filled("over-lines", md, sizeof(md));
	scratch_write(md, "maildirsize", "1000S,10C\n500 1\n600 1\n");
	assert_int_equal(md_quota_get(md, &q, &gen, &e), 1);
	got_real(&q);
	assert_int_equal(q.max_bytes, 1000);
	assert_int_equal(q.max_count, 10);
	rewritten(md, "1000S,10C");

	/* over by count too */
	filled("over-count", md, sizeof(md));
	scratch_write(md, "maildirsize", "2C\n0 2\n0 1\n");
	assert_int_equal(md_quota_get(md, &q, &gen, &e), 1);
	got_real(&q);
	rewritten(md, "2C");
}

static void
trusted_when_one_fresh_line(void **state)
{
	char md[1024];
	struct md_quota q;
	struct md_err e;

	(void)state;
	filled("over-fresh", md, sizeof(md));
	scratch_write(md, "maildirsize", "1000S,10C\n1100 1\n");
	assert_int_equal(md_quota_get(md, &q, &gen, &e), 1);
	assert_int_equal(q.bytes, 1100);
	assert_true(md_quota_over(&q, 0, 0));

	/* not over: many lines and an old file are trusted as they are */
	filled("under-old", md, sizeof(md));
	scratch_write(md, "maildirsize", "1000S,10C\n10 1\n20 1\n30 1\n");
	age(md, "maildirsize", 3600);
	assert_int_equal(md_quota_get(md, &q, &gen, &e), 1);
	assert_int_equal(q.bytes, 60);
	assert_int_equal(q.count, 3);
	assert_int_equal(q.lines, 3);
}

static void
recalc_over_old(void **state)
{
	char md[1024];
	struct md_quota q;
	struct md_err e;

	(void)state;
	filled("over-old", md, sizeof(md));
	scratch_write(md, "maildirsize", "1000S,10C\n1100 1\n");
	/* A second past the limit: time(2) reads a coarser clock than
	 * CLOCK_REALTIME and may lag it across a second's edge, which made
	 * a file of exactly 15 minutes look younger now and then. */
	age(md, "maildirsize", 15 * 60 + 1);
	assert_int_equal(md_quota_get(md, &q, &gen, &e), 1);
	got_real(&q);
	rewritten(md, "1000S,10C");

	/* just under 15 minutes old is still trusted */
	filled("over-14min", md, sizeof(md));
	scratch_write(md, "maildirsize", "1000S,10C\n1100 1\n");
	age(md, "maildirsize", 14 * 60);
	assert_int_equal(md_quota_get(md, &q, &gen, &e), 1);
	assert_int_equal(q.bytes, 1100);
}

static void
recalc_get_for(void **state)
{
	char md[1024];
	struct md_quota q;
	struct md_err e;

	(void)state;
	/* under quota as it stands, but 500 more would go over: the two
	 * lines are not trusted to refuse them */
	filled("get-for", md, sizeof(md));
	scratch_write(md, "maildirsize", "1000S,10C\n300 1\n300 1\n");
	assert_int_equal(md_quota_get(md, &q, &gen, &e), 1);
	assert_int_equal(q.bytes, 600);
	assert_int_equal(md_quota_get_for(md, 500, 1, &q, &gen, &e), 1);
	got_real(&q);
	assert_false(md_quota_over(&q, 500, 1));
	rewritten(md, "1000S,10C");
	/* a fresh single line that refuses is believed */
	scratch_write(md, "maildirsize", "1000S,10C\n600 1\n");
	assert_int_equal(md_quota_get_for(md, 500, 1, &q, &gen, &e), 1);
	assert_int_equal(q.bytes, 600);
	assert_true(md_quota_over(&q, 500, 1));
}

static void
recalc_bad(void **state)
{
	static const char *const bad[] = {
		"1000S\n5 1\n-10 -1\n",                /* negative bytes */
		"0S\n5 1\n5 -3\n",                     /* negative count */
		"1000S\n5 1\ngarbage\n",               /* not numbers */
		"1000S\n5 1\n5\n",                     /* one number */
		"1000S\n5 1 7\n",                      /* three */
		"1000S\n5x 1\n",                       /* junk after a number */
		"1000S\n5 1\n\n",                      /* an empty line */
		"1000S\n5 1\r\n",                      /* CRLF */
		"1000S\n9223372036854775807 1\n1 1\n", /* overflow */
		"1000S\n99999999999999999999 1\n",     /* too big to read */
		"1000S\n",                             /* no usage line */
		"1000S",                               /* not even a line end */
		"",                                    /* empty */
	};
	char md[1024], name[32];

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct md_quota q;
		struct md_err e;

		snprintf(name, sizeof(name), "bad%zu", i);
		filled(name, md, sizeof(md));
		scratch_write(md, "maildirsize", bad[i]);
		if (md_quota_get(md, &q, &gen, &e) != 1)
			fail_msg("'%s': not read", bad[i]);
		if (q.bytes != 107 || q.count != 2)
			fail_msg("'%s': not counted again", bad[i]);
		assert_int_equal(q.lines, 1);
		assert_true(tmp_empty(md));
	}
	/* the limits of line 1 survive the recount */
	filled("bad-keep", md, sizeof(md));
	scratch_write(md, "maildirsize", "500S,3C\nnonsense\n");
	{
		struct md_quota q;
		struct md_err e;

		assert_int_equal(md_quota_get(md, &q, &gen, &e), 1);
		rewritten(md, "500S,3C");
	}
}

/* ---- one table of files, every reader ---- */

/*
 * A maildirsize and what every reader makes of it: its verdict and the
 * line that names, and for a sound file its sums. TEXT NULL is LEN
 * bytes of "0 0" lines under "100000S"; otherwise LEN is for text with
 * a NUL byte in it (0: strlen). The maildir beside a sound file holds
 * what its sums say, so that md-check finds nothing to say about it.
 */
static const struct odd {
	const char *what, *text;
	size_t len;
	enum md_quota_verdict verdict;
	long line;
	int64_t bytes, count;
} odd[] = {
	{ "Courier's padded lines",
	    "100000S,1000C\n         100            1\n"
	    "           7            1\n",
	    0, MD_QUOTA_SOUND, 0, 107, 2 },
	{ "Dovecot's unpadded lines", "100000S,1000C\n100 1\n7 1\n", 0,
	    MD_QUOTA_SOUND, 0, 107, 2 },
	{ "Dovecot's 0S, no limit", "0S\n107 2\n", 0, MD_QUOTA_SOUND, 0, 107,
	    2 },
	{ "tabs and blanks around", "1000C\n\t100\t 1 \n  7 1\n", 0,
	    MD_QUOTA_SOUND, 0, 107, 2 },
	{ "negative lines, positive sums", "100000S\n200 3\n-93 -1\n", 0,
	    MD_QUOTA_SOUND, 0, 107, 2 },
	{ "letters Courier passes over", "1000S,50C,7X\n107 2\n", 0,
	    MD_QUOTA_SOUND, 0, 107, 2 },
	{ "a unit in the file is no limit", "100M,5C\n107 2\n", 0,
	    MD_QUOTA_SOUND, 0, 107, 2 },
	/* Bytes Debian's maildrop 2.9.3 wrote: maildirmake -q 100S,3C,
	 * then deliverquota of 15 bytes; maildirmake -q 5000S over it. */
	{ "Courier's maildirmake and deliverquota",
	    "100S,3C\n           0            0\n          15            1\n",
	    0, MD_QUOTA_SOUND, 0, 15, 1 },
	{ "Courier's maildirmake -q over a file",
	    "5000S\n          15            1\n", 0, MD_QUOTA_SOUND, 0, 15, 1 },
	{ "just under 5120 bytes", NULL, 5119, MD_QUOTA_SOUND, 0, 0, 0 },
	{ "5120 bytes", NULL, 5120, MD_QUOTA_TOOBIG, 0, 0, 0 },
	{ "empty", "", 0, MD_QUOTA_NODEF, 1, 0, 0 },
	{ "a NUL byte in the limits", "1000S\0\n107 2\n", 13, MD_QUOTA_NODEF, 1,
	    0, 0 },
	{ "limits after a blank", " 1000S\n107 2\n", 0, MD_QUOTA_BADDEF, 1, 0,
	    0 },
	{ "limits apart by a blank", "1000S 10C\n107 2\n", 0, MD_QUOTA_BADDEF,
	    1, 0, 0 },
	{ "a plus sign on a limit", "+1000S\n107 2\n", 0, MD_QUOTA_BADDEF, 1, 0,
	    0 },
	{ "a letter after a limit", "1000SX,10C\n107 2\n", 0, MD_QUOTA_BADDEF,
	    1, 0, 0 },
	{ "only the definition line", "1000S\n", 0, MD_QUOTA_NOUSAGE, 0, 0, 0 },
	{ "a blank last line", "1000S\n0 0\n\n", 0, MD_QUOTA_BLANK, 3, 0, 0 },
	{ "a blank line between", "1000S\n100 1\n\n7 1\n", 0, MD_QUOTA_BLANK, 3,
	    0, 0 },
	{ "a line of blanks", "1000S\n107 2\n  \t\n", 0, MD_QUOTA_BLANK, 3, 0,
	    0 },
	{ "CRLF", "1000S\r\n107 2\r\n", 0, MD_QUOTA_CRLF, 1, 0, 0 },
	{ "CRLF after the limits", "1000S\n107 2\r\n", 0, MD_QUOTA_CRLF, 2, 0,
	    0 },
	{ "no final newline", "1000S\n0 0", 0, MD_QUOTA_NOEOL, 2, 0, 0 },
	{ "no newline at all", "1000S", 0, MD_QUOTA_NOEOL, 1, 0, 0 },
	{ "a plus sign", "1000S\n+107 2\n", 0, MD_QUOTA_BADLINE, 2, 0, 0 },
	{ "a plus sign on the count", "1000S\n107 +2\n", 0, MD_QUOTA_BADLINE, 2,
	    0, 0 },
	{ "a third number", "1000S\n107 2 7\n", 0, MD_QUOTA_BADLINE, 2, 0, 0 },
	{ "md-deliver's line glued on (issue 13)", "1000S\n0 018 1\n", 0,
	    MD_QUOTA_BADLINE, 2, 0, 0 },
	{ "deliverquota's line glued on",
	    "100S,3C\n0 0          15            1\n", 0, MD_QUOTA_BADLINE, 2,
	    0, 0 },
	{ "junk after a number", "1000S\n107x 2\n", 0, MD_QUOTA_BADLINE, 2, 0,
	    0 },
	{ "one number", "1000S\n107\n", 0, MD_QUOTA_BADLINE, 2, 0, 0 },
	{ "no blank between", "1000S\n5-1\n", 0, MD_QUOTA_BADLINE, 2, 0, 0 },
	{ "garbage", "1000S\n107 2\nnot numbers\n", 0, MD_QUOTA_BADLINE, 3, 0,
	    0 },
	{ "a NUL byte in a line", "1000S\n107\0 2\n", 13, MD_QUOTA_BADLINE, 2,
	    0, 0 },
	{ "sums past int64", "1000S\n9223372036854775807 1\n1 1\n", 0,
	    MD_QUOTA_BADLINE, 3, 0, 0 },
	{ "a number past int64", "1000S\n99999999999999999999 1\n", 0,
	    MD_QUOTA_BADLINE, 2, 0, 0 },
	{ "negative bytes", "1000S\n10 1\n-20 -1\n", 0, MD_QUOTA_NEGATIVE, 0, 0,
	    0 },
	{ "negative count", "0S\n5 1\n5 -3\n", 0, MD_QUOTA_NEGATIVE, 0, 0, 0 },
};

/* ROW's file as DIR/maildirsize. */
static void
put_odd(const char *dir, const struct odd *row)
{
	char p[PATH_MAX], text[6000];
	size_t n = row->len;
	int fd;

	if (row->text != NULL) {
		if (n == 0)
			n = strlen(row->text);
		memcpy(text, row->text, n);
	} else {
		n = (size_t)snprintf(text, sizeof(text), "100000S\n");
		while (row->len - n >= 8)
			n += (size_t)snprintf(text + n, 5, "0 0\n");
		if (n < row->len && row->len - n < 4)
			n -= 4; /* room for "0  0\n" and more */
		if (n < row->len) {
			size_t pad = row->len - n - 3;

			text[n++] = '0';
			memset(text + n, ' ', pad);
			n += pad;
			memcpy(text + n, "0\n", 2);
			n += 2;
		}
		assert_int_equal(n, row->len);
	}
	snprintf(p, sizeof(p), "%s/maildirsize", dir);
	assert_true((fd = open(p, O_WRONLY | O_CREAT | O_TRUNC, 0600)) >= 0);
	assert_int_equal(write(fd, text, n), (ssize_t)n);
	assert_int_equal(close(fd), 0);
}

/* A fresh maildir for reader WHO of row I with its file: holding what a
 * sound file says, else 107 bytes in 2 messages. */
static const char *
odd_maildir(size_t i, char who, char *md, size_t size)
{
	const struct odd *row = &odd[i];
	char name[32];

	snprintf(name, sizeof(name), "odd%zu%c", i, who);
	scratch_maildir(md, size, name);
	if (row->verdict != MD_QUOTA_SOUND)
		scratch_write(md, "cur/1.M1P1.h,S=100:2,S", "");
	else if (row->count > 0)
		for (int64_t c = 0; c < row->count; c++) {
			char msg[64];

			snprintf(msg, sizeof(msg), "cur/%lld.M0P0.h,S=%lld:2,S",
			    (long long)c, (long long)(c == 0 ? row->bytes : 0));
			scratch_write(md, msg, "");
		}
	if (row->verdict != MD_QUOTA_SOUND)
		scratch_write(md, "new/2.M2P2.h,S=7", "");
	put_odd(md, row);
	return md;
}

static ino_t
ino_of(const char *md)
{
	char p[PATH_MAX];
	struct stat st;

	snprintf(p, sizeof(p), "%s/maildirsize", md);
	assert_int_equal(stat(p, &st), 0);
	return st.st_ino;
}

/* After a reader: the file kept (a sound one, its sums in Q), or
 * counted again and written anew, sound itself now. */
static void
kept_or_recounted(const struct odd *row, const char *md, ino_t before,
    const struct md_quota *q)
{
	struct md_quota now;
	char p[PATH_MAX];
	int fd;

	if (row->verdict == MD_QUOTA_SOUND) {
		if (ino_of(md) != before || q->bytes != row->bytes ||
		    q->count != row->count)
			fail_msg("%s: not read as it is", row->what);
		return;
	}
	if (ino_of(md) == before || q->bytes != 107 || q->count != 2)
		fail_msg("%s: not counted again", row->what);
	snprintf(p, sizeof(p), "%s/maildirsize", md);
	assert_true((fd = open(p, O_RDONLY)) >= 0);
	assert_int_equal(md_quota_read(fd, &now), 0);
	close(fd);
	if (now.verdict != MD_QUOTA_SOUND || now.bytes != 107)
		fail_msg("%s: the new file is not sound", row->what);
	assert_true(tmp_empty(md));
}

/* The one reader itself. */
/* A limit past INT64_MAX in line 1 is read as INT64_MAX: sums are
 * signed. 9223372036854775808 (INT64_MAX + 1) got through before (found
 * by the quota fuzz target). */
static void
read_limit_saturates(void **state)
{
	const char text[] = "9223372036854775808S,99999999999999999999C\n0 0\n";
	FILE *f = tmpfile();
	struct md_quota q;

	(void)state;
	assert_non_null(f);
	assert_int_equal(fputs(text, f) >= 0 && fflush(f) == 0, 1);
	rewind(f);
	assert_int_equal(md_quota_read(fileno(f), &q), 0);
	assert_true(q.max_bytes == (uint64_t)INT64_MAX);
	assert_true(q.max_count == (uint64_t)INT64_MAX);
	fclose(f);
}

static void
odd_read(size_t i)
{
	const struct odd *row = &odd[i];
	char md[1024], p[PATH_MAX];
	struct md_quota q;
	int fd;

	odd_maildir(i, 'r', md, sizeof(md));
	snprintf(p, sizeof(p), "%s/maildirsize", md);
	assert_true((fd = open(p, O_RDONLY)) >= 0);
	assert_int_equal(md_quota_read(fd, &q), 0);
	close(fd);
	if (q.verdict != row->verdict || q.badline != row->line)
		fail_msg("%s: verdict %d on line %ld, not %d on %ld", row->what,
		    q.verdict, q.badline, row->verdict, row->line);
	if (row->verdict == MD_QUOTA_SOUND &&
	    (q.bytes != row->bytes || q.count != row->count))
		fail_msg("%s: sums %lld %lld", row->what, (long long)q.bytes,
		    (long long)q.count);
}

/* md_quota_get_for, which the ledger asks for md-deliver and md-move. */
static void
odd_get_for(size_t i)
{
	char md[1024];
	struct md_quota q;
	struct md_err e;
	ino_t before;

	odd_maildir(i, 'g', md, sizeof(md));
	before = ino_of(md);
	assert_int_equal(md_quota_get_for(md, 18, 1, &q, &gen, &e), 1);
	kept_or_recounted(&odd[i], md, before, &q);
}

/* md_quota_ledger_room: md-deliver's room for a message, md-move's for
 * a message moved in (from a folder of the root, spelt another way). */
static void
odd_room(size_t i)
{
	struct md_quota_ledger l;
	struct md_quota_root *qr;
	char md[1024], folder[PATH_MAX];
	struct md_err e;
	ino_t before;
	int rc;

	odd_maildir(i, 'm', md, sizeof(md));
	snprintf(folder, sizeof(folder), "%s/./.F", md);
	mkdir(folder, 0700);
	scratch_write(folder, "maildirfolder", "");
	before = ino_of(md);
	md_quota_ledger_init(&l, &gen);
	assert_int_equal(md_quota_ledger_find(&l, folder, &qr, &e), 1);
	rc = md_quota_ledger_room(&l, qr, 18, 1, &e);
	assert_int_equal(rc, !md_quota_over(&qr->q, 18, 1));
	kept_or_recounted(&odd[i], md, before, &qr->q);
	md_quota_ledger_free(&l);
}

static void
first_quota(void *arg, const struct md_finding *f)
{
	struct md_finding *got = arg;

	if (f->kind == MD_CHECK_QUOTA && got->kind != MD_CHECK_QUOTA)
		*got = *f;
	if (f->kind == MD_CHECK_REPAIRED && f->what == MD_CHECK_RECALC)
		got->error = f->error ? f->error : -1;
}

/* md-check: a finding for the file just when it is not sound, saying
 * the same verdict and line; --repair leaves a sound file (but for one
 * without limits, which is never rewritten). */
static void
odd_check(size_t i)
{
	const struct odd *row = &odd[i];
	struct md_finding got;
	struct md_check c;
	char md[1024];
	struct md_err e;

	odd_maildir(i, 'c', md, sizeof(md));
	for (int repair = 0; repair < 3; repair++) {
		memset(&c, 0, sizeof(c));
		memset(&got, 0, sizeof(got));
		got.kind = MD_CHECK_MISSING;
		c.repair = repair == 1;
		c.now = time(NULL);
		c.gen = &gen;
		c.report = first_quota;
		c.arg = &got;
		assert_int_equal(md_check_maildir(&c, md, &e), 0);
		if (repair == 2 && row->verdict != MD_QUOTA_NODEF) {
			if (got.kind == MD_CHECK_QUOTA)
				fail_msg(
				    "%s: unsound after --repair", row->what);
			continue;
		}
		if (row->verdict == MD_QUOTA_SOUND) {
			if (got.kind == MD_CHECK_QUOTA)
				fail_msg(
				    "%s: a finding (%d)", row->what, got.what);
			continue;
		}
		if (got.kind != MD_CHECK_QUOTA ||
		    got.what != MD_CHECK_UNTRUSTED ||
		    got.v[0] != row->verdict || got.v[1] != row->line)
			fail_msg("%s: no finding, or another", row->what);
		if (repair == 1 &&
		    got.error != (row->verdict == MD_QUOTA_NODEF ? 0 : -1))
			fail_msg("%s: repair %d", row->what, got.error);
	}
}

static void
every_reader(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(odd) / sizeof(odd[0]); i++) {
		odd_read(i);
		odd_get_for(i);
		odd_room(i);
		odd_check(i);
	}
}

/* ---- md_quota_count, md_quota_recalc ---- */

static void
count(void **state)
{
	char md[1024], p[PATH_MAX];
	struct md_quota q;
	struct md_err e;

	(void)state;
	scratch_maildir(md, sizeof(md), "count");
	/* sizes from ",S=" even where the file is not that size */
	scratch_write(md, "new/1.M1P1.h,S=1000", "x");
	scratch_write(md, "cur/2.M2P2.h,S=20:2,S", "y");
	scratch_write(md, "cur/3.M3P3.h,W=99,S=30:2,", "z");
	/* no ",S=": the file's size */
	scratch_write(md, "cur/4.M4P4.h:2,S", "12345");
	scratch_write(md, "new/5.M5P5.h", "");
	/* not messages: dot-files, a directory, tmp/, root files */
	scratch_write(md, "cur/.hidden", "123456789");
	snprintf(p, sizeof(p), "%s/cur/adir", md);
	assert_int_equal(mkdir(p, 0700), 0);
	scratch_write(md, "tmp/6.M6P6.h", "123456789");
	scratch_write(md, "maildirsize", "0S\n0 0\n");
	/* a folder counts, .Trash and a dot-directory without cur/ do not */
	scratch_maildir(p, sizeof(p), "count/.Work");
	scratch_write(p, "cur/7.M7P7.h,S=400:2,S", "");
	scratch_maildir(p, sizeof(p), "count/.Trash");
	scratch_write(p, "cur/8.M8P8.h,S=5000:2,ST", "");
	scratch_maildir(p, sizeof(p), "count/.Trash.Old");
	scratch_write(p, "new/9.M9P9.h,S=3", "");
	snprintf(p, sizeof(p), "%s/.git", md);
	assert_int_equal(mkdir(p, 0700), 0);
	scratch_write(p, "x,S=77777", "");

	memset(&q, 0, sizeof(q));
	assert_int_equal(md_quota_count(md, &q, &e), 0);
	assert_int_equal(q.bytes, 1000 + 20 + 30 + 5 + 0 + 400 + 3);
	assert_int_equal(q.count, 7);
}

static void
count_errors(void **state)
{
	char md[1024];
	struct md_quota q;
	struct md_err e;

	(void)state;
	snprintf(md, sizeof(md), "%s/no-such", scratch);
	assert_int_equal(md_quota_count(md, &q, &e), -1);
	assert_int_equal(errno, ENOENT);
	/* a root without cur/ is broken, not empty */
	scratch_maildir(md, sizeof(md), "nocur");
	{
		char p[PATH_MAX];

		snprintf(p, sizeof(p), "%s/cur", md);
		assert_int_equal(rmdir(p), 0);
	}
	assert_int_equal(md_quota_count(md, &q, &e), -1);
	assert_int_equal(errno, ENOENT);
	assert_string_equal(e.step, "stat");
}

static void
recalc_writes(void **state)
{
	char md[1024];
	struct md_quota q = { .max_bytes = 2000 };
	struct md_err e;
	struct stat st;
	char p[PATH_MAX];

	(void)state;
	filled("recalc", md, sizeof(md));
	/* a first file: made through tmp/, mode 0600 */
	assert_int_equal(md_quota_recalc(md, &q, &gen, &e), 0);
	got_real(&q);
	rewritten(md, "2000S");
	snprintf(p, sizeof(p), "%s/maildirsize", md);
	assert_int_equal(stat(p, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);
	/* a later one keeps the mode it had */
	assert_int_equal(chmod(p, 0640), 0);
	q.max_count = 5;
	assert_int_equal(md_quota_recalc(md, &q, &gen, &e), 0);
	rewritten(md, "2000S,5C");
	assert_int_equal(stat(p, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0640);
	/* no tmp/: it fails, saying where */
	scratch_maildir(md, sizeof(md), "recalc-notmp");
	snprintf(p, sizeof(p), "%s/tmp", md);
	assert_int_equal(rmdir(p), 0);
	assert_int_equal(md_quota_recalc(md, &q, &gen, &e), -1);
	assert_int_equal(errno, ENOENT);
	assert_string_equal(e.step, "create");
}

/* ---- md_quota_add ---- */

static void
add(void **state)
{
	char md[1024], got[256];
	struct md_quota q;
	struct md_err e;

	(void)state;
	scratch_maildir(md, sizeof(md), "add");
	scratch_write(md, "maildirsize", "1000S\n        10            1\n");
	assert_int_equal(md_quota_add(md, 120, 1, &e), 1);
	assert_int_equal(md_quota_add(md, -10, -1, &e), 1);
	slurp(md, "maildirsize", got, sizeof(got));
	assert_string_equal(got, "1000S\n        10            1\n"
	                         "120 1\n-10 -1\n");
	assert_int_equal(md_quota_get(md, &q, &gen, &e), 1);
	assert_int_equal(q.bytes, 120);
	assert_int_equal(q.count, 1);
	assert_int_equal(q.lines, 3);
	/* a maildirsize we may not write: an error, saying where */
	if (geteuid() != 0) {
		char p[PATH_MAX];

		snprintf(p, sizeof(p), "%s/maildirsize", md);
		assert_int_equal(chmod(p, 0400), 0);
		assert_int_equal(md_quota_add(md, 1, 1, &e), -1);
		assert_int_equal(errno, EACCES);
		assert_string_equal(e.step, "open");
	}
}

/* A last line without its newline gets one before ours, in our one
 * write: glued on, both lines would be lost (issue 13). */
static void
add_unterminated(void **state)
{
	static const struct {
		const char *before, *after;
	} t[] = {
		{ "1000S\n100 2", "1000S\n100 2\n-50 -1\n" },
		{ "1000S", "1000S\n-50 -1\n" },
		{ "1000S\n100 2\n", "1000S\n100 2\n-50 -1\n" },
		{ "", "-50 -1\n" },
	};
	char md[1024], got[256], name[32];
	struct md_err e;

	(void)state;
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		snprintf(name, sizeof(name), "unterminated%zu", i);
		scratch_maildir(md, sizeof(md), name);
		scratch_write(md, "maildirsize", t[i].before);
		assert_int_equal(md_quota_add(md, -50, -1, &e), 1);
		slurp(md, "maildirsize", got, sizeof(got));
		assert_string_equal(got, t[i].after);
	}
}

/* ---- the ledger ---- */

static void
ledger_find(void **state)
{
	struct md_quota_ledger l;
	struct md_quota_root *a, *b;
	char md[1024], p[PATH_MAX], link[1100];
	struct md_err e;

	(void)state;
	scratch_maildir(md, sizeof(md), "lfind");
	scratch_maildir(p, sizeof(p), "lfind/.Work");
	scratch_write(p, "maildirfolder", "");
	scratch_maildir(p, sizeof(p), "lfind/.Trash");
	scratch_write(p, "maildirfolder", "");
	snprintf(link, sizeof(link), "%s/lfind-link", scratch);
	assert_int_equal(symlink(md, link), 0);
	md_quota_ledger_init(&l, &gen);
	/* one root, however its path is spelt, by itself or a folder */
	assert_int_equal(md_quota_ledger_find(&l, md, &a, &e), 1);
	assert_string_equal(a->path, md);
	snprintf(p, sizeof(p), "%s/", md);
	assert_int_equal(md_quota_ledger_find(&l, p, &b, &e), 1);
	assert_ptr_equal(a, b);
	snprintf(p, sizeof(p), "%s/.Work", link);
	assert_int_equal(md_quota_ledger_find(&l, p, &b, &e), 1);
	assert_ptr_equal(a, b);
	snprintf(p, sizeof(p), "%s/./.Work/", md);
	assert_int_equal(md_quota_ledger_find(&l, p, &b, &e), 1);
	assert_ptr_equal(a, b);
	/* the Trash is not counted */
	snprintf(p, sizeof(p), "%s/.Trash", md);
	assert_int_equal(md_quota_ledger_find(&l, p, &b, &e), 0);
	assert_null(b);
	/* a root that is not there */
	snprintf(p, sizeof(p), "%s/no-such", scratch);
	assert_int_equal(md_quota_ledger_find(&l, p, &b, &e), -1);
	assert_int_equal(errno, ENOENT);
	assert_string_equal(e.step, "stat");
	md_quota_ledger_free(&l);
	assert_null(l.roots);
}

static void
ledger_room(void **state)
{
	struct md_quota_ledger l;
	struct md_quota_root *qr;
	char md[1024], got[256];
	struct md_err e;

	(void)state;
	scratch_maildir(md, sizeof(md), "lroom");
	scratch_write(md, "maildirsize", "100S,2C\n0 0\n");
	md_quota_ledger_init(&l, &gen);
	assert_int_equal(md_quota_ledger_find(&l, md, &qr, &e), 1);
	assert_int_equal(qr->state, 0);
	assert_int_equal(md_quota_ledger_room(&l, qr, 60, 1, &e), 1);
	assert_int_equal(qr->state, 1);
	/* what is recorded counts before it is written */
	md_quota_ledger_record(qr, 60, 1);
	assert_int_equal(md_quota_ledger_room(&l, qr, 40, 1, &e), 1);
	assert_int_equal(md_quota_ledger_room(&l, qr, 41, 1, &e), 0);
	assert_int_equal(md_quota_ledger_flush(&l, &e), 0);
	slurp(md, "maildirsize", got, sizeof(got));
	assert_string_equal(got, "100S,2C\n0 0\n60 1\n");
	assert_int_equal(qr->q.bytes, 60);
	assert_int_equal(qr->bytes, 0);
	/* a second line in the file: sums that refuse are counted again
	 * (an empty maildir: room after all) */
	assert_int_equal(md_quota_ledger_room(&l, qr, 41, 1, &e), 1);
	assert_int_equal(qr->q.bytes, 0);
	/* nothing recorded: nothing written */
	assert_int_equal(md_quota_ledger_flush(&l, &e), 0);
	slurp(md, "maildirsize", got, sizeof(got));
	assert_string_equal(got, "100S,2C\n0 0\n");
	md_quota_ledger_free(&l);
}

static void
ledger_flush(void **state)
{
	struct md_quota_ledger l;
	struct md_quota_root *a, *b;
	char m1[1024], m2[1024], got[256], p[PATH_MAX];
	struct md_err e;

	(void)state;
	scratch_maildir(m1, sizeof(m1), "lflush1");
	scratch_maildir(m2, sizeof(m2), "lflush2");
	scratch_maildir(p, sizeof(p), "lflush1/.F");
	scratch_write(p, "maildirfolder", "");
	scratch_write(m1, "maildirsize", "0S\n100 2\n");
	/* no gen: a ledger that only records (md-expunge's) */
	md_quota_ledger_init(&l, NULL);
	assert_int_equal(md_quota_ledger_find(&l, m1, &a, &e), 1);
	assert_int_equal(md_quota_ledger_find(&l, m2, &b, &e), 1);
	md_quota_ledger_record(a, -30, -1);
	assert_int_equal(md_quota_ledger_find(&l, p, &a, &e), 1);
	md_quota_ledger_record(a, -20, -1);
	md_quota_ledger_record(b, 5, 1);
	/* one line a root; none where there is no maildirsize */
	assert_int_equal(md_quota_ledger_flush(&l, &e), 0);
	slurp(m1, "maildirsize", got, sizeof(got));
	assert_string_equal(got, "0S\n100 2\n-50 -2\n");
	assert_int_equal(b->state, -1);
	assert_int_equal(slurp(m2, "maildirsize", got, sizeof(got)), -1);
	/* a failure is told, and the next root still written */
	snprintf(p, sizeof(p), "%s/maildirsize", m2);
	assert_int_equal(mkdir(p, 0700), 0);
	b->state = 0;
	md_quota_ledger_record(b, 5, 1);
	md_quota_ledger_record(a, 7, 1);
	assert_int_equal(md_quota_ledger_flush(&l, &e), -1);
	assert_int_equal(errno, EISDIR);
	assert_string_equal(e.step, "open");
	slurp(m1, "maildirsize", got, sizeof(got));
	assert_string_equal(got, "0S\n100 2\n-50 -2\n7 1\n");
	md_quota_ledger_free(&l);
}

/* A maildirsize replaced between the find and the line (another
 * process counted the maildir meanwhile): counted again, not appended
 * to, since the count may have the change in it already. */
static void
ledger_replaced(void **state)
{
	struct md_quota_ledger l;
	struct md_quota_root *qr;
	char md[1024], p[PATH_MAX], got[PATH_MAX];
	struct md_err e;

	(void)state;
	filled("lrepl", md, sizeof(md));
	scratch_write(md, "new/3.M3P3.h,S=50", "y");
	scratch_write(md, "maildirsize", "1000S\n157 3\n");
	md_quota_ledger_init(&l, NULL); /* md-expunge's: no gen */
	assert_int_equal(md_quota_ledger_find(&l, md, &qr, &e), 1);
	/* the message goes, then a count without it replaces the file */
	snprintf(p, sizeof(p), "%s/new/3.M3P3.h,S=50", md);
	assert_int_equal(unlink(p), 0);
	/* as a count puts its file in place: renamed over the old one,
	 * so that the two never share an inode number */
	scratch_write(md, "maildirsize.new", "1000S\n107 2\n");
	snprintf(p, sizeof(p), "%s/maildirsize", md);
	snprintf(got, sizeof(got), "%s/maildirsize.new", md);
	assert_int_equal(rename(got, p), 0);
	md_quota_ledger_record(qr, -50, -1);
	assert_int_equal(md_quota_ledger_flush(&l, &e), 0);
	rewritten(md, "1000S");
	/* the run's own file now: the next line is appended */
	md_quota_ledger_record(qr, 0, 0);
	md_quota_ledger_record(qr, 1, 1);
	assert_int_equal(md_quota_ledger_flush(&l, &e), 0);
	assert_true(slurp(md, "maildirsize", p, sizeof(p)) > 0);
	assert_string_equal(p, "1000S\n107 2\n1 1\n");
	md_quota_ledger_free(&l);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(parse_good),
		cmocka_unit_test(read_limit_saturates),
		cmocka_unit_test(parse_bad),
		cmocka_unit_test(format),
		cmocka_unit_test(over),
		cmocka_unit_test(is_trash),
		cmocka_unit_test(get_missing),
		cmocka_unit_test(get_courier),
		cmocka_unit_test(get_dovecot),
		cmocka_unit_test(get_unknown_letters),
		cmocka_unit_test(recalc_big),
		cmocka_unit_test(recalc_over_lines),
		cmocka_unit_test(trusted_when_one_fresh_line),
		cmocka_unit_test(recalc_over_old),
		cmocka_unit_test(recalc_get_for),
		cmocka_unit_test(recalc_bad),
		cmocka_unit_test(every_reader),
		cmocka_unit_test(count),
		cmocka_unit_test(count_errors),
		cmocka_unit_test(recalc_writes),
		cmocka_unit_test(add),
		cmocka_unit_test(add_unterminated),
		cmocka_unit_test(ledger_find),
		cmocka_unit_test(ledger_room),
		cmocka_unit_test(ledger_flush),
		cmocka_unit_test(ledger_replaced),
	};

	md_namegen_init(&gen);
	return cmocka_run_group_tests(tests, scratch_setup, scratch_teardown);
}
