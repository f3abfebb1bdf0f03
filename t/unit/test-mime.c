/* Unit tests for mime.c: the parts of a message in order, with their
 * types, kinds and bodies (the line break before a boundary being the
 * boundary's), malformed structure read as Dovecot reads it, and each
 * part's body decoded: transfer encodings, charsets, a message/rfc822
 * part's header. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "internal.h"

static struct md_mime m;
static struct md_decoder dec;

static void
parse(const char *msg)
{
	md_mime_free(&m);
	assert_int_equal(md_mime_parse(&m, msg, strlen(msg)), 0);
}

/* Part I's undecoded bytes as a string. */
static const char *
body(size_t i)
{
	static char out[4096];

	assert_true(i < m.n);
	snprintf(out, sizeof(out), "%.*s", (int)m.p[i].len, m.p[i].body);
	return out;
}

/* Part I decoded. */
static const char *
decoded(size_t i)
{
	static char out[4096];
	char *o;
	size_t n;

	assert_int_equal(md_mime_decode(&dec, &m.p[i], &o, &n), 0);
	assert_int_equal(strlen(o), n);
	strlcpy(out, o, sizeof(out));
	free(o);
	return out;
}

static void
plain(void **state)
{
	(void)state;
	parse("Subject: x\n\nline one\nline two\n");
	assert_int_equal(m.n, 1);
	assert_string_equal(m.p[0].type, "text/plain");
	assert_true(m.p[0].has_body);
	assert_string_equal(body(0), "line one\nline two\n");
	parse("Subject: no body\n");
	assert_int_equal(m.n, 1);
	assert_false(m.p[0].has_body);
	parse("");
	assert_int_equal(m.n, 1);
	assert_false(m.p[0].has_body);
}

static void
multipart(void **state)
{
	(void)state;
	parse("Content-Type: Multipart/Mixed; boundary=\"a b\"\r\n\r\n"
	      "preamble\r\n--a b\r\n\r\none\r\n--a b  \r\n"
	      "Content-Type: text/html; charset=\"utf-8\"\r\n\r\n"
	      "<p>two</p>\r\n--a b--\r\nepilogue\r\n");
	assert_int_equal(m.n, 4);
	assert_string_equal(m.p[0].type, "multipart/mixed");
	assert_string_equal(body(0), "preamble");
	assert_int_equal(m.p[1].depth, 1);
	assert_string_equal(m.p[1].type, "text/plain");
	assert_string_equal(body(1), "one");
	assert_string_equal(m.p[2].type, "text/html");
	assert_string_equal(m.p[2].charset, "utf-8");
	assert_string_equal(body(2), "<p>two</p>");
	assert_int_equal(m.p[3].kind, MD_MIME_EPILOGUE);
	assert_string_equal(m.p[3].type, "multipart/mixed");
	assert_string_equal(body(3), "epilogue\r\n");
	/* no epilogue after the closing line: none */
	parse("Content-Type: multipart/mixed; boundary=b\n\n--b\n\nx\n--b--\n");
	assert_int_equal(m.n, 2);
}

/* An outer boundary ends the inner multipart (no epilogue), the longest
 * boundary a line begins with is the one it is. */
static void
nested(void **state)
{
	(void)state;
	parse("Content-Type: multipart/mixed; boundary=ab\n\n"
	      "--ab\nContent-Type: multipart/related; boundary=abc\n\n"
	      "--abc\n\ninner\n--ab\n\nouter\n--ab--\n");
	assert_int_equal(m.n, 4);
	assert_string_equal(m.p[1].type, "multipart/related");
	assert_int_equal(m.p[2].depth, 2);
	assert_string_equal(body(2), "inner");
	assert_int_equal(m.p[3].depth, 1);
	assert_string_equal(body(3), "outer");
}

static void
malformed(void **state)
{
	(void)state;
	/* a multipart without a boundary is one text */
	parse("Content-Type: multipart/mixed\n\n--x\n\ntext\n--x--\n");
	assert_int_equal(m.n, 1);
	assert_string_equal(body(0), "--x\n\ntext\n--x--\n");
	/* a type without a subtype, or with junk after it, is "" */
	parse("Content-Type: text\n\nx");
	assert_string_equal(m.p[0].type, "");
	parse("Content-Type: text/plain junk\n\nx");
	assert_string_equal(m.p[0].type, "");
	/* no closing boundary: the last part runs to the end */
	parse("Content-Type: multipart/mixed; boundary=b\n\n--b\n\nrest");
	assert_int_equal(m.n, 2);
	assert_string_equal(body(1), "rest");
	/* a part whose header a boundary ends has no body */
	parse("Content-Type: multipart/mixed; boundary=b\n\n"
	      "--b\nX-A: 1\n--b\n\ny\n--b--\n");
	assert_int_equal(m.n, 3);
	assert_false(m.p[1].has_body);
	assert_string_equal(body(2), "y");
}

static void
rfc822(void **state)
{
	(void)state;
	parse("Content-Type: message/rfc822\n\nSubject: in\n folded\n"
	      "Content-Type: text/plain; charset=iso-8859-1\n"
	      "Content-Transfer-Encoding: quoted-printable\n\nna=EFve\n");
	assert_int_equal(m.n, 2);
	assert_int_equal(m.p[0].kind, MD_MIME_HEADER);
	assert_string_equal(decoded(0),
	    "Subject: in\r\n folded\r\nContent-Type: text/plain; "
	    "charset=iso-8859-1\r\nContent-Transfer-Encoding: "
	    "quoted-printable\r\n");
	assert_int_equal(m.p[1].depth, 1);
	assert_string_equal(decoded(1), "na\xc3\xafve\n");
}

static void
decoding(void **state)
{
	(void)state;
	parse("Content-Transfer-Encoding: Quoted-Printable\n\n"
	      "a=3Db =\nsoft  \n=ZZ and =\r\nend=");
	assert_int_equal(m.p[0].cte, MD_CTE_QP);
	assert_string_equal(decoded(0), "a=b soft\n=ZZ and end");
	parse("Content-Transfer-Encoding: base64\n\naGVs\nbG8g\n!d29y\n");
	assert_string_equal(decoded(0), "hello "); /* '!' ends it */
	parse("Content-Transfer-Encoding: x-uuencode\n\nbegin 644\n");
	assert_string_equal(decoded(0), "");
	parse("Content-Type: text/plain; charset=ISO-8859-1\n\ncaf\xe9\n");
	assert_string_equal(decoded(0), "caf\xc3\xa9\n");
	/* none, or one iconv does not know: UTF-8, bad bytes U+FFFD */
	parse("Content-Type: text/plain; charset=x-nonesuch\n\n\xe9t\xc3\xa9");
	assert_string_equal(decoded(0), "\xef\xbf\xbdt\xc3\xa9");
	parse("Content-Type: text/plain; charset=\"ISO-2022-JP\"\n\n"
	      "\x1b$BF|K\\\x1b(B\n");
	assert_string_equal(decoded(0), "\xe6\x97\xa5\xe6\x9c\xac\n");
}

/* Past MD_MIME_DEPTH multiparts within each other, the rest is text:
 * the walk neither recurses without end nor fails. */
static void
depth(void **state)
{
	size_t n = 2 * (MD_MIME_DEPTH + 20), len = 0;
	char *msg = malloc(n * 64);

	(void)state;
	assert_non_null(msg);
	for (size_t i = 0; i < n / 2; i++)
		len += (size_t)sprintf(msg + len,
		    "Content-Type: multipart/mixed; boundary=\"=%zu=\"\n\n"
		    "--=%zu=\n",
		    i, i);
	md_mime_free(&m);
	assert_int_equal(md_mime_parse(&m, msg, len), 0);
	assert_true(m.n <= MD_MIME_DEPTH);
	assert_true(m.n >= MD_MIME_DEPTH - 2);
	free(msg);
}

static int
teardown(void **state)
{
	(void)state;
	md_mime_free(&m);
	md_decoder_free(&dec);
	return 0;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(plain),
		cmocka_unit_test(multipart),
		cmocka_unit_test(nested),
		cmocka_unit_test(malformed),
		cmocka_unit_test(rfc822),
		cmocka_unit_test(decoding),
		cmocka_unit_test(depth),
	};

	md_decoder_init(&dec);
	return cmocka_run_group_tests(tests, NULL, teardown);
}
