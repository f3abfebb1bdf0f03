/* Unit tests for header.c: where a header ends (LF, CRLF, mixed, no
 * blank line, a line that is no field), unfolding, names in any case and
 * with WSP before the colon, a From_ line inside the header, first and
 * later occurrences, NUL and 8-bit bytes, and reading files with the
 * bound. */
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
#include <unistd.h>

#include <cmocka.h>

#include "internal.h"
#include "scratch.h"

/* The NTH field NAME of the header in the LEN bytes at BUF, or "-". */
static const char *
field_of(const char *buf, size_t len, const char *name, size_t nth)
{
	static char out[512];
	struct md_header h;

	md_header_init(&h);
	assert_int_equal(md_header_parse(&h, buf, len), 0);
	if (md_header_field(&h, name, nth, out, sizeof(out)) == -1) {
		assert_int_equal(errno, ENOENT);
		strcpy(out, "-");
	}
	md_header_free(&h);
	return out;
}

#define FIELD(s, name) field_of(s, sizeof(s) - 1, name, 0)

static void
line_ends(void **state)
{
	(void)state;
	assert_string_equal(
	    FIELD("Subject: a\n\nSubject: b\n", "subject"), "a");
	assert_string_equal(FIELD("Subject: a\r\n\r\nX: b\r\n", "X"), "-");
	assert_string_equal(FIELD("A: 1\r\nB: 2\n\r\nC: 3\n", "B"), "2");
	assert_string_equal(FIELD("A: 1\r\nB: 2\n\r\nC: 3\n", "C"), "-");
	assert_string_equal(FIELD("A: 1\nB: 2\r\n\nC: 3\n", "C"), "-");
	/* no blank line: the file ends inside the header */
	assert_string_equal(FIELD("A: 1\nSubject: cut", "Subject"), "cut");
	assert_string_equal(FIELD("A: 1\nSubject: cut\r", "Subject"), "cut");
	/* a blank first line: no header at all */
	assert_string_equal(FIELD("\nSubject: body\n", "Subject"), "-");
	assert_string_equal(FIELD("\r\nSubject: body\n", "Subject"), "-");
	/* a line that is no field ends the header */
	assert_string_equal(FIELD("A: 1\nnot a field\nB: 2\n", "B"), "-");
	assert_string_equal(FIELD("A: 1\n: empty name\nB: 2\n", "B"), "-");
	assert_string_equal(FIELD("", "A"), "-");
}

static void
unfolding(void **state)
{
	(void)state;
	assert_string_equal(
	    FIELD("Subject: one\n two\n\tthree\nX: y\n", "Subject"),
	    "one two\tthree");
	assert_string_equal(
	    FIELD("Subject: one\r\n two\r\n\r\n", "Subject"), "one two");
	/* a whitespace-only continuation line (obsolete syntax) */
	assert_string_equal(
	    FIELD("Subject: a\n   \n b\n\n", "Subject"), "a    b");
	/* an empty value, and one that starts on the next line */
	assert_string_equal(FIELD("Subject:\nX: 1\n", "Subject"), "");
	assert_string_equal(FIELD("Subject:\n  late\n\n", "Subject"), "late");
	assert_string_equal(FIELD("Subject:   pad   \n\n", "Subject"), "pad");
	/* a continuation before any field belongs to nothing */
	assert_string_equal(FIELD(" lost\nA: 1\n\n", "A"), "1");
	/* a CR or NUL far into a long one-line value, or in its last
	 * bytes (it is searched sixteen bytes at a time) */
	assert_string_equal(
	    FIELD("A: 0123456789abcdefghij\rklmnopqrstuv\n\n", "A"),
	    "0123456789abcdefghijklmnopqrstuv");
	assert_string_equal(
	    FIELD("A: 0123456789abcdefghijklmnopq\0rs\n\n", "A"),
	    "0123456789abcdefghijklmnopq rs");
	assert_string_equal(
	    FIELD("A: 0123456789abcdef\0\n\n", "A"), "0123456789abcdef");
}

static void
names(void **state)
{
	(void)state;
	assert_string_equal(FIELD("SUBJECT: a\n\n", "Subject"), "a");
	assert_string_equal(FIELD("subject: a\n\n", "SUBJECT"), "a");
	assert_string_equal(FIELD("Subject : a\n\n", "Subject"), "a");
	assert_string_equal(FIELD("Subject\t: a\n\n", "Subject"), "a");
	assert_string_equal(FIELD("Subject:a\n\n", "Subject"), "a");
	assert_string_equal(FIELD("Subjects: a\n\n", "Subject"), "-");
	assert_string_equal(FIELD("X-Subject: a\n\n", "Subject"), "-");
	/* a leading mbox From_ line is skipped */
	assert_string_equal(
	    FIELD(
	        "From a@b Mon Jan  1 00:00:00 2024\nSubject: s\n\n", "Subject"),
	    "s");
}

/* A From_ line after the first line: passed over, the header goes on. */
static void
misplaced_from(void **state)
{
	static const char mua[] =
	    "Replied: Mon, 12 Aug 2002 10:00:00 +0100\n"
	    "Replied: \"Foo\" <foo@example.com>\n"
	    "From foo@example.com  Mon Aug 12 09:58:00 2002\n"
	    "Return-Path: <foo@example.com>\n"
	    "From: Foo <foo@example.com>\n"
	    "Subject: the real subject\n"
	    "\n"
	    "Subject: body\n";
	static const char two[] = "A: 1\r\nFrom x\r\nFrom y\r\nB: 2\r\n\r\nb";
	struct md_header h;

	(void)state;
	assert_string_equal(FIELD(mua, "Subject"), "the real subject");
	assert_string_equal(FIELD(mua, "From"), "Foo <foo@example.com>");
	assert_string_equal(
	    FIELD(mua, "Replied"), "Mon, 12 Aug 2002 10:00:00 +0100");
	assert_string_equal(field_of(mua, sizeof(mua) - 1, "Subject", 1), "-");
	assert_string_equal(FIELD(two, "B"), "2");
	/* it continues no field, and what follows it continues none */
	assert_string_equal(FIELD("A: 1\nFrom x\n more\nB: 2\n\n", "A"), "1");
	assert_string_equal(FIELD("A: 1\nFrom x\n more\nB: 2\n\n", "B"), "2");
	/* a field ("From :", obsolete syntax) stays one */
	assert_string_equal(FIELD("A: 1\nFrom : x\n\n", "From"), "x");
	/* what ends the header still does after it */
	assert_string_equal(FIELD("A: 1\nFrom x\nno field\nB: 2\n", "B"), "-");
	assert_string_equal(FIELD("A: 1\nFrom x\n\nB: 2\n", "B"), "-");
	assert_string_equal(FIELD("A: 1\nFrom\nB: 2\n", "B"), "-");
	assert_string_equal(FIELD("A: 1\nFromage x\nB: 2\n", "B"), "-");
	assert_string_equal(FIELD("A: 1\nfrom x\nB: 2\n", "B"), "-");
	/* the header's length counts it, up to the blank line */
	md_header_init(&h);
	assert_int_equal(md_header_parse(&h, two, sizeof(two) - 1), 0);
	assert_int_equal(h.len, sizeof(two) - 1 - strlen("\r\nb"));
	assert_int_equal(h.nf, 2);
	md_header_free(&h);
}

static void
occurrences(void **state)
{
	static const char h[] = "To: a\nSubject: first\nto: b\n"
	                        "Subject: second\nTO: c\n\n";

	(void)state;
	assert_string_equal(field_of(h, sizeof(h) - 1, "Subject", 0), "first");
	assert_string_equal(field_of(h, sizeof(h) - 1, "Subject", 1), "second");
	assert_string_equal(field_of(h, sizeof(h) - 1, "Subject", 2), "-");
	assert_string_equal(field_of(h, sizeof(h) - 1, "To", 2), "c");
}

static void
odd_bytes(void **state)
{
	static const char nul[] = "Subject: a\0b\nX: \0\nY:\0 \0y\0\n\n";
	static const char high[] = "Subject: caf\xe9 \xff\xfe\n\n";
	char out[4];
	struct md_header h;

	(void)state;
	assert_string_equal(
	    field_of(nul, sizeof(nul) - 1, "Subject", 0), "a b");
	assert_string_equal(field_of(nul, sizeof(nul) - 1, "X", 0), "");
	/* NUL bytes are spaces, trimmed at both ends (fuzz: header) */
	assert_string_equal(field_of(nul, sizeof(nul) - 1, "Y", 0), "y");
	assert_string_equal(
	    field_of(high, sizeof(high) - 1, "Subject", 0), "caf\xe9 \xff\xfe");
	/* cut to fit, still terminated */
	md_header_init(&h);
	assert_int_equal(md_header_parse(&h, high, sizeof(high) - 1), 0);
	assert_int_equal(
	    md_header_field(&h, "Subject", 0, out, sizeof(out)), 3);
	assert_string_equal(out, "caf");
	md_header_free(&h);
}

static int
file_with(
    const char *name, const char *head, size_t fill, char c, const char *tail)
{
	char p[PATH_MAX];
	FILE *f;
	int fd;

	snprintf(p, sizeof(p), "%s/%s", scratch, name);
	assert_non_null(f = fopen(p, "w"));
	fputs(head, f);
	for (size_t i = 0; i < fill; i++)
		fputc(c, f);
	fputs(tail, f);
	assert_int_equal(fclose(f), 0);
	assert_true((fd = open(p, O_RDONLY)) >= 0);
	return fd;
}

static void
reading(void **state)
{
	struct md_header h;
	char out[64];
	int fd;

	(void)state;
	md_header_init(&h);
	/* a header longer than the first read */
	fd = file_with("long", "X-Pad: ", 20000, 'p',
	    "\nSubject: after the pad\n\nbody\nSubject: no\n");
	assert_int_equal(md_header_read(&h, fd), 0);
	close(fd);
	assert_int_equal(md_header_field(&h, "Subject", 0, out, sizeof(out)),
	    (int)strlen("after the pad"));
	assert_string_equal(out, "after the pad");
	assert_int_equal(
	    md_header_field(&h, "Subject", 1, out, sizeof(out)), -1);

	/* a header bigger than the bound: read up to it, no further */
	fd = file_with("huge", "Subject: big\nX-Pad: ", 3 * MD_HEADER_MAX / 2,
	    'q', "\nFrom: too far\n\n");
	assert_int_equal(md_header_read(&h, fd), 0);
	close(fd);
	assert_true(h.len <= MD_HEADER_MAX);
	assert_true(h.owncap <= MD_HEADER_MAX);
	assert_int_equal(
	    md_header_field(&h, "Subject", 0, out, sizeof(out)), 3);
	assert_int_equal(md_header_field(&h, "From", 0, out, sizeof(out)), -1);

	/* the first read ends inside a field's name, inside a line that
	 * is no field yet, and inside the blank line's CRLF: the header
	 * goes on after each */
	for (size_t cut = 0; cut < 12; cut++) {
		fd = file_with("split", "X-Pad: ", 4096 - 7 - 1 - cut, 'p',
		    "\nX-Long-Field-Name: v\r\nSubject: still\r\n\r\nb\n");
		assert_int_equal(md_header_read(&h, fd), 0);
		close(fd);
		assert_int_equal(
		    md_header_field(&h, "Subject", 0, out, sizeof(out)), 5);
		assert_int_equal(md_header_field(&h, "X-Long-Field-Name", 0,
		                     out, sizeof(out)),
		    1);
	}
	/* the first read ends inside a misplaced From_ line */
	for (size_t cut = 0; cut < 40; cut++) {
		fd = file_with("from", "X-Pad: ", 4096 - 7 - 1 - cut, 'p',
		    "\nFrom a@b  Mon Aug 12 09:58:00 2002\nSubject: on\n\nb\n");
		assert_int_equal(md_header_read(&h, fd), 0);
		close(fd);
		assert_int_equal(
		    md_header_field(&h, "Subject", 0, out, sizeof(out)), 2);
	}
	for (size_t cut = 0; cut < 4; cut++) {
		fd = file_with("crlf", "Subject: s\r\nX-Pad: ", 4096 - 19 - cut,
		    'p', "\r\n\r\nFrom: body\n");
		assert_int_equal(md_header_read(&h, fd), 0);
		close(fd);
		assert_int_equal(
		    md_header_field(&h, "From", 0, out, sizeof(out)), -1);
		assert_int_equal(
		    md_header_field(&h, "Subject", 0, out, sizeof(out)), 1);
	}

	/* an empty file, and a header-only file without a final newline */
	fd = file_with("empty", "", 0, 'x', "");
	assert_int_equal(md_header_read(&h, fd), 0);
	close(fd);
	assert_int_equal(h.nf, 0);
	fd = file_with("nonl", "Subject: s", 0, 'x', "");
	assert_int_equal(md_header_read(&h, fd), 0);
	close(fd);
	assert_int_equal(
	    md_header_field(&h, "Subject", 0, out, sizeof(out)), 1);

	/* a read error */
	errno = 0;
	assert_int_equal(md_header_read(&h, -1), -1);
	assert_int_equal(errno, EBADF);
	md_header_free(&h);
}

/* md_header_find: every name in one pass, any case, the first field of
 * each; md_header_value: a field by index, as md_header_field gives it
 * (one line copied at once, or unfolded), cut to fit. */
static void
find_and_value(void **state)
{
	static const char hdr[] = "Subject:   a  \n"
	                          "FROM : x\n"
	                          "subject: b\n"
	                          "To:\r\n  folded\n\tvalue \r\n"
	                          "X-Nul: y\0z\n"
	                          "Cc: abcdef\n"
	                          "\n"
	                          "Cc: body\n";
	static const char *const names[] = { "From", "Subject", "Bcc",
		"subject", "To", "X-Nul", "Cc" };
	long idx[7];
	char out[64];
	struct md_header h;

	(void)state;
	md_header_init(&h);
	assert_int_equal(md_header_parse(&h, hdr, sizeof(hdr) - 1), 0);
	md_header_find(&h, names, 7, idx);
	assert_int_equal(idx[0], 1);
	assert_int_equal(idx[1], 0);
	assert_int_equal(idx[2], -1);
	assert_int_equal(idx[3], 0); /* a name twice: the same field */
	assert_int_equal(idx[4], 3);
	assert_int_equal(idx[5], 4);
	assert_int_equal(idx[6], 5);
	assert_int_equal(md_header_value(&h, 0, out, sizeof(out)), 1);
	assert_string_equal(out, "a");
	assert_int_equal(md_header_value(&h, 3, out, sizeof(out)), 12);
	assert_string_equal(out, "folded\tvalue");
	assert_int_equal(md_header_value(&h, 4, out, sizeof(out)), 3);
	assert_string_equal(out, "y z");
	assert_int_equal(md_header_value(&h, 5, out, 4), 3);
	assert_string_equal(out, "abc");
	assert_int_equal(md_header_value(&h, 5, out, 1), 0);
	assert_string_equal(out, "");
	md_header_find(&h, names, 0, idx); /* nothing asked: nothing done */
	{ /* more names than are looked for at once: all of them answered */
		const char *many[40];
		long at[40];

		for (int i = 0; i < 40; i++)
			many[i] = i % 2 ? "Cc" : "X-None";
		many[39] = "subject";
		md_header_find(&h, many, 40, at);
		for (int i = 0; i < 39; i++)
			assert_int_equal(at[i], i % 2 ? 5 : -1);
		assert_int_equal(at[39], 0);
	}
	md_header_free(&h);
}

/* md_header_read_find: the first field of each name, as md_header_find
 * gives it, and the last one found whole however the first read cuts
 * it; the fields after it are not indexed; an absent name reads on to
 * the end of the header. */
static void
read_find(void **state)
{
	static const char *const names[] = { "subject", "From", "Bcc" };
	struct md_header h;
	char out[64];
	long idx[3];
	int fd;

	(void)state;
	md_header_init(&h);
	/* Subject: folded, its continuation line where the first read
	 * (4096 bytes) ends, or just before or after it */
	for (size_t cut = 0; cut < 8; cut++) {
		fd = file_with("fold", "From: a\nX-Pad: ", 4096 - 16 - 12 + cut,
		    'p', "\nSubject: x\n tail\nsubject: no\nX-After: y\n\n");
		assert_int_equal(md_header_read_find(&h, fd, names, 2, idx), 0);
		close(fd);
		assert_int_equal(idx[0], 2);
		assert_int_equal(idx[1], 0);
		assert_int_equal(
		    md_header_value(&h, (size_t)idx[0], out, sizeof(out)), 6);
		assert_string_equal(out, "x tail");
		assert_int_equal(h.nf, 3); /* the second subject: not read */
	}
	/* a name not there: the whole header, as md_header_find sees it */
	fd = file_with("absent", "Subject: s\nX-Pad: ", 10000, 'p',
	    "\nFrom: f\nBcc: b\n\nBcc: body\n");
	assert_int_equal(md_header_read_find(&h, fd, names, 3, idx), 0);
	close(fd);
	assert_int_equal(idx[0], 0);
	assert_int_equal(idx[1], 2);
	assert_int_equal(idx[2], 3);
	assert_int_equal(h.nf, 4);
	fd = file_with("none", "Subject: s\n", 0, 'x', "\nFrom: body\n");
	assert_int_equal(md_header_read_find(&h, fd, names, 2, idx), 0);
	close(fd);
	assert_int_equal(idx[1], -1);
	/* too many names */
	errno = 0;
	assert_int_equal(
	    md_header_read_find(&h, 0, names, MD_HEADER_FIND_MAX + 1, idx), -1);
	assert_int_equal(errno, EINVAL);
	md_header_free(&h);
}

/* ---- the parser beside a plain one ---- */

/* The fields of a header as the rules say, a line at a time and a byte
 * at a time (header.c finds line ends and field ends 64 bytes at a
 * time): NAME/NAMELEN/VALUE/VALUELEN of each into F (up to CAP), their
 * number into *NF; the header's length. */
struct ref_field {
	size_t name, namelen, value, valuelen;
};

static size_t
ref_parse(
    const char *b, size_t len, struct ref_field *f, size_t cap, size_t *nf)
{
	size_t p = 0, n = 0;
	long cur = -1;

	if (len >= 5 && memcmp(b, "From ", 5) == 0) {
		while (p < len && b[p] != '\n')
			p++;
		p += p < len;
	}
	while (p < len) {
		size_t e = p, stop, k, c;

		while (e < len && b[e] != '\n')
			e++;
		stop = e;
		e += e < len; /* past the '\n' */
		while (stop > p && b[stop - 1] == '\r')
			stop--;
		if ((e - p == 1 && b[p] == '\n') ||
		    (e - p == 2 && b[p] == '\r' && b[p + 1] == '\n'))
			break; /* the blank line */
		if (b[p] == ' ' || b[p] == '\t') {
			if (cur >= 0)
				f[cur].valuelen = stop - f[cur].value;
			p = e;
			continue;
		}
		for (k = p; k < e && (unsigned char)b[k] > 32 &&
		            (unsigned char)b[k] < 127 && b[k] != ':';
		     k++)
			;
		for (c = k; c < e && (b[c] == ' ' || b[c] == '\t'); c++)
			;
		if (k > p && c < e && b[c] == ':') {
			assert_true(n < cap);
			f[n] =
			    (struct ref_field){ p, k - p, c + 1, stop - c - 1 };
			cur = (long)n++;
		} else if (e - p >= 5 && memcmp(b + p, "From ", 5) == 0)
			cur = -1;
		else
			break;
		p = e;
	}
	*nf = n;
	return p;
}

/* The value of field F as the rules say, cut to SIZE (above 0) with the
 * NUL: line ends and CRs dropped, NULs made spaces, outer WSP (and NULs
 * in front) trimmed; its length. */
static size_t
ref_unfold(const char *b, const struct ref_field *f, char *out, size_t size)
{
	size_t n = 0;

	for (size_t i = f->value; i < f->value + f->valuelen && n + 1 < size;
	     i++) {
		if (b[i] == '\r' || b[i] == '\n' ||
		    (n == 0 && (b[i] == ' ' || b[i] == '\t' || b[i] == '\0')))
			continue;
		out[n++] = b[i] == '\0' ? ' ' : b[i];
	}
	while (n > 0 && (out[n - 1] == ' ' || out[n - 1] == '\t'))
		n--;
	out[n] = '\0';
	return n;
}

/* A line of a made-up header: fields, folds, CRLF, blank lines, a From_
 * line, NUL, 8-bit and lines that are no field, of all lengths. */
static size_t
some_line(char *out, unsigned *seed)
{
	static const char *const start[] = { "Subject:", "X-Long-Name:", "To :",
		" ", "\t", "  \t", "From: ", "A:", "Received:", " ", "\t",
		"B:", "C :", "X-A-Very-Long-Field-Name-Indeed:",
		"X-0123456789abcdef \t:",
		/* rarer, each ends the header or is odd */
		"From ", "no field", "\r", "", ":",
		"\xc3\xa9:", "X-Sixteen-Bytes-\x7f:" };
	static const char *const end[] = { "\n", "\r\n", "\r\r\n", "\n", "\n" };
	size_t n = 0, fill;

	*seed = *seed * 1103515245u + 12345u;
	n += (size_t)sprintf(out, "%s",
	    start[(*seed >> 16) % 64 < 60 ? (*seed >> 16) % 15
	                                  : 15 + (*seed >> 22) % 7]);
	*seed = *seed * 1103515245u + 12345u;
	fill = (*seed >> 16) % 90;
	for (size_t i = 0; i < fill; i++)
		out[n++] = " a=?\t\0\xe9:b\r"[(i * 7 + *seed) % 11];
	*seed = *seed * 1103515245u + 12345u;
	n += (size_t)sprintf(out + n, "%s", end[(*seed >> 16) % 5]);
	return n;
}

/* md_header_parse gives what the plain parser gives, whatever the
 * lines' lengths and so where the line ends fall in the blocks of 16
 * and 64 bytes header.c looks at, and wherever the bytes end. */
static void
same_as_plain(void **state)
{
	static char buf[8192];
	static struct ref_field rf[512];
	struct md_header h;
	unsigned seed = 1;

	(void)state;
	md_header_init(&h);
	for (int round = 0; round < 1500; round++) {
		size_t len = 0, nf, hl;
		int lines = 1 + round % 40;

		for (int i = 0; i < lines && len < sizeof(buf) - 200; i++)
			len += some_line(buf + len, &seed);
		/* every cut of the last bytes: a file ending mid-line */
		for (size_t cut = len > 70 ? len - 70 : 0; cut <= len; cut++) {
			hl = ref_parse(buf, cut, rf, 512, &nf);
			assert_int_equal(md_header_parse(&h, buf, cut), 0);
			assert_int_equal(h.len, hl);
			assert_int_equal(h.nf, nf);
			for (size_t i = 0; i < nf; i++) {
				assert_int_equal(h.f[i].name, rf[i].name);
				assert_int_equal(h.f[i].namelen, rf[i].namelen);
				assert_int_equal(h.f[i].value, rf[i].value);
				assert_int_equal(
				    h.f[i].valuelen, rf[i].valuelen);
				/* unfolded, whole and cut short */
				for (size_t size = 1; size < 200; size += 66) {
					char a[200], b[200];
					size_t n =
					    ref_unfold(buf, &rf[i], a, size);

					assert_int_equal(
					    md_header_value(&h, i, b, size), n);
					assert_memory_equal(a, b, n + 1);
				}
			}
		}
	}
	md_header_free(&h);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(line_ends),
		cmocka_unit_test(unfolding),
		cmocka_unit_test(names),
		cmocka_unit_test(misplaced_from),
		cmocka_unit_test(occurrences),
		cmocka_unit_test(odd_bytes),
		cmocka_unit_test(reading),
		cmocka_unit_test(find_and_value),
		cmocka_unit_test(read_find),
		cmocka_unit_test(same_as_plain),
	};

	return cmocka_run_group_tests(tests, scratch_setup, scratch_teardown);
}
