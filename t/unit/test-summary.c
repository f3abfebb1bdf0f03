/* Unit tests for summary.c: the fields a listing shows, from a header
 * in memory and from a file (size and mtime from fstat; a FIFO or a
 * missing file an error, never a hang). */
#include <dirent.h>
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

static struct md_summarizer *z;

static int
setup(void **state)
{
	if ((z = malloc(sizeof(*z))) == NULL)
		return -1;
	md_summarizer_init(z);
	return scratch_setup(state);
}

static int
teardown(void **state)
{
	md_summarizer_free(z);
	free(z);
	return scratch_teardown(state);
}

/* Field K of S is WANT. */
static void
field(const struct md_summary *s, enum md_sfield k, const char *want)
{
	char got[MD_SUMMARY_FIELD + 1];

	assert_true(s->s[k].n <= MD_SUMMARY_FIELD);
	memcpy(got, s->s[k].p, s->s[k].n);
	got[s->s[k].n] = '\0';
	assert_string_equal(got, want);
}

static void
parse(const char *hdr, struct md_summary *s)
{
	memset(s, 0, sizeof(*s));
	assert_int_equal(
	    md_summary_parse(z, hdr, strlen(hdr), 4321, SCRATCH_MTIME, s), 0);
	assert_int_equal(s->size, 4321);
	assert_int_equal(s->mtime, SCRATCH_MTIME);
}

/* 2024-01-02 03:04:05 +0100 */
#define DATE 1704161045

static const char full[] =
    "Return-Path: <j@example.org>\n"
    "From: =?UTF-8?B?SsO2cmc=?= Meier <joerg@example.org>\n"
    "To: Alice <a@example.org>,\n"
    " Bob <b@example.org>\n"
    "Cc: =?ISO-8859-1?Q?Ren=E9?= <r@example.org>,\n"
    "\tc@example.org\n"
    "Subject: =?UTF-8?Q?Gr=C3=BC=C3=9Fe?= =?UTF-8?Q?_aus?= Berlin\n"
    "Date: Tue, 2 Jan 2024 03:04:05 +0100\n"
    "Message-ID: <id1@example.org>\n"
    "In-Reply-To: <parent@example.org> (the parent)\n"
    "References: <a@x>\n"
    "  <b@x>\t<parent@example.org>\n"
    "List-Id: Dev list <dev.lists.example.org>\n"
    "Subject: not this one\n"
    "\n"
    "Subject: nor this, in the body\n";

static void
all_fields(void **state)
{
	struct md_summary s;

	(void)state;
	parse(full, &s);
	field(&s, MD_S_FROM, "J\xc3\xb6rg Meier <joerg@example.org>");
	field(&s, MD_S_NAME, "J\xc3\xb6rg Meier");
	field(&s, MD_S_TO, "Alice <a@example.org>, Bob <b@example.org>");
	field(&s, MD_S_CC, "Ren\xc3\xa9 <r@example.org>, c@example.org");
	field(&s, MD_S_SUBJECT,
	    "Gr\xc3\xbc\xc3\x9f"
	    "e aus Berlin");
	field(&s, MD_S_MSGID, "id1@example.org");
	field(&s, MD_S_IRT, "parent@example.org");
	field(&s, MD_S_REFS, "a@x b@x parent@example.org");
	field(&s, MD_S_LISTID, "Dev list <dev.lists.example.org>");
	assert_int_equal(s.date, DATE);
}

/* The same header with CRLF line ends gives the same summary. */
static void
crlf(void **state)
{
	char buf[sizeof(full) * 2], *o = buf;
	struct md_summary s;

	(void)state;
	for (const char *p = full; *p; p++) {
		if (*p == '\n')
			*o++ = '\r';
		*o++ = *p;
	}
	*o = '\0';
	parse(buf, &s);
	field(&s, MD_S_NAME, "J\xc3\xb6rg Meier");
	field(&s, MD_S_TO, "Alice <a@example.org>, Bob <b@example.org>");
	field(&s, MD_S_CC, "Ren\xc3\xa9 <r@example.org>, c@example.org");
	field(&s, MD_S_REFS, "a@x b@x parent@example.org");
	field(&s, MD_S_LISTID, "Dev list <dev.lists.example.org>");
	assert_int_equal(s.date, DATE);
}

static void
dates(void **state)
{
	struct md_summary s;

	(void)state;
	/* none: the mtime */
	parse("From: a@example.org\nSubject: x\n\n", &s);
	assert_int_equal(s.date, SCRATCH_MTIME);
	/* empty, or nothing a date can be read from: the mtime */
	parse("Date:\nSubject: x\n\n", &s);
	assert_int_equal(s.date, SCRATCH_MTIME);
	parse("Date: the day before yesterday\n\n", &s);
	assert_int_equal(s.date, SCRATCH_MTIME);
	parse("Date: Tue, 45 Foo 2024 99:99:99 +0100\n\n", &s);
	assert_int_equal(s.date, SCRATCH_MTIME);
	/* a good one, and the first of two */
	parse("Date: Tue, 2 Jan 2024 03:04:05 +0100\n"
	      "Date: Wed, 3 Jan 2024 03:04:05 +0100\n\n",
	    &s);
	assert_int_equal(s.date, DATE);
	parse("date : 2 Jan 2024 02:04:05 GMT\n\n", &s);
	assert_int_equal(s.date, DATE);
}

/* Mail exported by an MUA: its own fields, a From_ line, the real
 * header. Every field after that line is in the summary. */
static void
misplaced_from(void **state)
{
	struct md_summary s;

	(void)state;
	parse("Replied: Mon, 12 Aug 2002 10:00:00 +0100\n"
	      "Replied: \"Foo\" <foo@example.com>\n"
	      "From foo@example.com  Mon Aug 12 09:58:00 2002\n"
	      "Return-Path: <foo@example.com>\n"
	      "From: Foo <foo@example.com>\n"
	      "Subject: the real subject\n"
	      "Date: Mon, 12 Aug 2002 09:57:00 +0100\n"
	      "Message-ID: <m@example.com>\n"
	      "\n"
	      "body\n",
	    &s);
	field(&s, MD_S_FROM, "Foo <foo@example.com>");
	field(&s, MD_S_NAME, "Foo");
	field(&s, MD_S_SUBJECT, "the real subject");
	field(&s, MD_S_MSGID, "m@example.com");
	assert_int_equal(s.date, 1029142620);
}

/* Fields that are not there are empty; no header at all too. */
static void
missing_fields(void **state)
{
	struct md_summary s;

	(void)state;
	parse("Subject: only\n\nFrom: body@example.org\n", &s);
	field(&s, MD_S_SUBJECT, "only");
	for (int k = 0; k < MD_S_N; k++)
		if (k != MD_S_SUBJECT)
			assert_int_equal(s.s[k].n, 0);
	parse("", &s);
	for (int k = 0; k < MD_S_N; k++)
		assert_int_equal(s.s[k].n, 0);
	assert_int_equal(s.date, SCRATCH_MTIME);
	/* a From: with only an address: the address is its name */
	parse("From: bare@example.org\n\n", &s);
	field(&s, MD_S_NAME, "bare@example.org");
	field(&s, MD_S_FROM, "bare@example.org");
}

/* The summary buffers are reused: a second parse does not keep any of
 * the first one's text. */
static void
reused(void **state)
{
	struct md_summary s;

	(void)state;
	parse(full, &s);
	parse("Subject: second\n\n", &s);
	field(&s, MD_S_SUBJECT, "second");
	field(&s, MD_S_FROM, "");
	field(&s, MD_S_REFS, "");
	assert_int_equal(s.date, SCRATCH_MTIME);
}

/* Fields longer than a summary holds are cut: at a character boundary
 * for text, after a whole id for id lists. */
static void
long_fields(void **state)
{
	static char hdr[64 * 1024];
	struct md_summary s;
	size_t n = 0;

	(void)state;
	n += (size_t)snprintf(hdr + n, sizeof(hdr) - n, "Subject: ");
	for (int i = 0; i < 3000; i++)
		n += (size_t)snprintf(hdr + n, sizeof(hdr) - n, "\xc3\xa4");
	n += (size_t)snprintf(hdr + n, sizeof(hdr) - n, "\nReferences:");
	for (int i = 0; i < 1000; i++)
		n += (size_t)snprintf(
		    hdr + n, sizeof(hdr) - n, " <%d@example.org>", i);
	snprintf(hdr + n, sizeof(hdr) - n, "\n\n");
	parse(hdr, &s);
	assert_true(s.s[MD_S_SUBJECT].n > 0);
	assert_true(s.s[MD_S_SUBJECT].n < MD_SUMMARY_FIELD);
	assert_int_equal(s.s[MD_S_SUBJECT].n % 2, 0);
	for (size_t i = 0; i < s.s[MD_S_SUBJECT].n; i += 2)
		assert_memory_equal(s.s[MD_S_SUBJECT].p + i, "\xc3\xa4", 2);
	n = s.s[MD_S_REFS].n;
	assert_true(n > 0 && n < MD_SUMMARY_FIELD);
	assert_memory_equal(s.s[MD_S_REFS].p, "0@example.org 1@", 16);
	assert_memory_equal(
	    s.s[MD_S_REFS].p + n - strlen("@example.org"), "@example.org", 12);
}

static int
dirfd_of(const char *path)
{
	int fd = open(path, O_RDONLY | O_DIRECTORY);

	assert_true(fd >= 0);
	return fd;
}

static void
read_file(void **state)
{
	struct timespec ts[2] = { { 1234567890, 0 }, { 1234567890, 0 } };
	char dir[PATH_MAX], p[PATH_MAX + 16];
	struct md_summary s;
	struct md_err e;
	int fd;

	(void)state;
	snprintf(dir, sizeof(dir), "%s/r", scratch);
	assert_int_equal(mkdir(dir, 0700), 0);
	scratch_put(dir, "m", full);
	snprintf(p, sizeof(p), "%s/m", dir);
	assert_int_equal(utimensat(AT_FDCWD, p, ts, 0), 0);
	fd = dirfd_of(dir);
	memset(&s, 0, sizeof(s));
	assert_int_equal(md_summary_read(z, fd, "m", &s, &e), 0);
	assert_int_equal(s.size, strlen(full));
	assert_int_equal(s.mtime, 1234567890);
	assert_int_equal(s.date, DATE);
	field(&s, MD_S_SUBJECT,
	    "Gr\xc3\xbc\xc3\x9f"
	    "e aus Berlin");
	field(&s, MD_S_REFS, "a@x b@x parent@example.org");

	/* no Date: the file's mtime */
	scratch_put(dir, "nodate", "Subject: s\n\nbody\n");
	assert_int_equal(md_summary_read(z, fd, "nodate", &s, &e), 0);
	assert_int_equal(s.size, 17);
	assert_int_equal(s.mtime, SCRATCH_MTIME);
	assert_int_equal(s.date, SCRATCH_MTIME);
	field(&s, MD_S_SUBJECT, "s");

	/* a symlink is followed */
	assert_int_equal(symlinkat("m", fd, "link"), 0);
	assert_int_equal(md_summary_read(z, fd, "link", &s, &e), 0);
	assert_int_equal(s.size, strlen(full));
	close(fd);
}

/* A listed regular file (DT_REG) whose size and mtime are not asked for
 * is not stat'ed: both come back 0, unless the date needs the mtime. */
static void
read_entry(void **state)
{
	char dir[PATH_MAX];
	struct md_summary s;
	struct md_err e;
	int fd;

	(void)state;
	snprintf(dir, sizeof(dir), "%s/t", scratch);
	assert_int_equal(mkdir(dir, 0700), 0);
	scratch_put(dir, "m", full);
	scratch_put(dir, "nodate", "Subject: s\n\nbody\n");
	fd = dirfd_of(dir);
	memset(&s, 0xff, sizeof(s));
	assert_int_equal(
	    md_summary_read_entry(z, fd, "m", DT_REG, 0, &s, &e), 0);
	assert_int_equal(s.size, 0);
	assert_int_equal(s.mtime, 0);
	assert_int_equal(s.date, DATE);
	field(&s, MD_S_REFS, "a@x b@x parent@example.org");

	/* asked for: as md_summary_read */
	assert_int_equal(
	    md_summary_read_entry(z, fd, "m", DT_REG, 1, &s, &e), 0);
	assert_int_equal(s.size, strlen(full));
	assert_int_equal(s.date, DATE);

	/* no Date: the mtime after all */
	assert_int_equal(
	    md_summary_read_entry(z, fd, "nodate", DT_REG, 0, &s, &e), 0);
	assert_int_equal(s.size, 17);
	assert_int_equal(s.mtime, SCRATCH_MTIME);
	assert_int_equal(s.date, SCRATCH_MTIME);
	field(&s, MD_S_SUBJECT, "s");

	/* any other type is stat'ed */
	assert_int_equal(
	    md_summary_read_entry(z, fd, "m", DT_UNKNOWN, 0, &s, &e), 0);
	assert_int_equal(s.size, strlen(full));
	close(fd);
}

static void
read_errors(void **state)
{
	char dir[PATH_MAX], p[PATH_MAX + 16];
	struct md_summary s;
	struct md_err e;
	int fd;

	(void)state;
	snprintf(dir, sizeof(dir), "%s/x", scratch);
	assert_int_equal(mkdir(dir, 0700), 0);
	fd = dirfd_of(dir);

	/* gone: ENOENT at "open", naming the file */
	errno = 0;
	assert_int_equal(md_summary_read(z, fd, "gone", &s, &e), -1);
	assert_int_equal(errno, ENOENT);
	assert_string_equal(e.step, "open");
	assert_non_null(strstr(e.path, "gone"));

	/* a FIFO with no writer: EINVAL at once, no hang */
	snprintf(p, sizeof(p), "%s/fifo", dir);
	assert_int_equal(mkfifo(p, 0600), 0);
	errno = 0;
	assert_int_equal(md_summary_read(z, fd, "fifo", &s, &e), -1);
	assert_int_equal(errno, EINVAL);
	assert_non_null(strstr(e.path, "fifo"));
	/* the same when the listing saw a regular file there: a FIFO put
	 * in its place has no Date:, and its stat says what it is */
	errno = 0;
	assert_int_equal(
	    md_summary_read_entry(z, fd, "fifo", DT_REG, 0, &s, &e), -1);
	assert_int_equal(errno, EINVAL);

	/* a directory */
	snprintf(p, sizeof(p), "%s/dir", dir);
	assert_int_equal(mkdir(p, 0700), 0);
	errno = 0;
	assert_int_equal(md_summary_read(z, fd, "dir", &s, &e), -1);
	assert_int_equal(errno, EINVAL);
	/* one put in a regular file's place fails at the read */
	errno = 0;
	assert_int_equal(
	    md_summary_read_entry(z, fd, "dir", DT_REG, 0, &s, &e), -1);
	assert_int_equal(errno, EISDIR);
	assert_string_equal(e.step, "read");

	/* a dangling symlink: gone */
	assert_int_equal(symlinkat("nowhere", fd, "dangling"), 0);
	errno = 0;
	assert_int_equal(md_summary_read(z, fd, "dangling", &s, &e), -1);
	assert_int_equal(errno, ENOENT);

	/* still good for the next message */
	scratch_put(dir, "ok", "Subject: fine\n\n");
	assert_int_equal(md_summary_read(z, fd, "ok", &s, &e), 0);
	field(&s, MD_S_SUBJECT, "fine");
	close(fd);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(all_fields),
		cmocka_unit_test(crlf),
		cmocka_unit_test(dates),
		cmocka_unit_test(misplaced_from),
		cmocka_unit_test(missing_fields),
		cmocka_unit_test(reused),
		cmocka_unit_test(long_fields),
		cmocka_unit_test(read_file),
		cmocka_unit_test(read_entry),
		cmocka_unit_test(read_errors),
	};

	umask(022);
	return cmocka_run_group_tests(tests, setup, teardown);
}
