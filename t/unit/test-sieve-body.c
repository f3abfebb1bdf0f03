/* Unit tests for sieve-body.c and the body test (RFC 5173): the RFC's
 * own examples, each transform over a multipart message, HTML made text
 * for :text, :count, match variables left alone, and what the checker
 * refuses. */
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

static struct md_decoder dec;

static const char mixed[] =
    "From: a@example.org\n"
    "Content-Type: multipart/mixed; boundary=\"xx\"\n\n"
    "MAKE MONEY FAST in the preamble\n"
    "--xx\n"
    "Content-Type: text/plain; charset=iso-8859-1\n"
    "Content-Transfer-Encoding: quoted-printable\n\n"
    "The missile coordinates: caf=E9\n"
    "--xx\n"
    "Content-Type: text/html\n\n"
    "<p>Hello <b>there</b> &amp; &eacute;t&eacute;<!-- hidden --></p>"
    "<script>var s = 'secret';</script>\n"
    "--xx\n"
    "Content-Type: audio/mp3\n"
    "Content-Transfer-Encoding: base64\n\n"
    "SUQzBAA=\n"
    "--xx--\n";

/* SRC (with "body", "fileinto" and "variables" required) over MSG: the
 * folders it files into, space-separated; "keep" for the implicit keep,
 * "error" for a failed run. */
static const char *
folders(const char *src, const char *msg)
{
	static char out[1024];
	char full[4096];
	struct md_sieve_script s;
	struct md_sieve_result r = { 0 };
	struct md_sieve_err e;
	struct md_header h;
	struct md_sieve_msg m = { .h = &h,
		.d = &dec,
		.size = strlen(msg),
		.msg = msg,
		.msglen = strlen(msg) };

	snprintf(full, sizeof(full),
	    "require [\"body\", \"fileinto\", \"variables\", \"relational\","
	    " \"comparator-i;ascii-numeric\"];\n%s",
	    src);
	md_header_init(&h);
	assert_int_equal(md_header_parse(&h, msg, strlen(msg)), 0);
	if (md_sieve_compile(&s, full, strlen(full), &e) != 0)
		fail_msg("%s: %u:%u: %s", src, e.line, e.col, e.msg);
	out[0] = '\0';
	if (md_sieve_run(&s, &m, &r, &e) != 0)
		strlcpy(out, "error", sizeof(out));
	for (size_t i = 0; i < r.n; i++) {
		if (out[0] != '\0')
			strlcat(out, " ", sizeof(out));
		strlcat(out, r.a[i].kind == MD_ACT_KEEP ? "keep" : r.a[i].arg,
		    sizeof(out));
	}
	md_sieve_result_free(&r);
	md_sieve_free(&s);
	md_header_free(&h);
	return out;
}

/* RFC 5173 7's examples. */
static void
rfc_examples(void **state)
{
	(void)state;
	assert_string_equal(folders("if body :raw :contains \"MAKE MONEY "
	                            "FAST\" { fileinto \"spam\"; }",
	                        mixed),
	    "spam");
	assert_string_equal(
	    folders("if body :content \"text\" :contains [\"missile\", "
	            "\"coordinates\"] { fileinto \"secrets\"; }",
	        mixed),
	    "secrets");
	assert_string_equal(folders("if body :content \"audio/mp3\" :contains "
	                            "\"\" { fileinto \"jukebox\"; }",
	                        mixed),
	    "jukebox");
	assert_string_equal(folders("if body :content \"audio/mp3\" :contains "
	                            "\"\" { fileinto \"jukebox\"; }",
	                        "Subject: x\n\nno audio\n"),
	    "keep");
}

static void
transforms(void **state)
{
	(void)state;
	/* :text: text parts decoded, HTML as text (a tag's end is a space,
	 * as Dovecot makes it: two after "there"); not the preamble */
	assert_string_equal(folders("if body :contains \"café\" { fileinto "
	                            "\"a\"; }"
	                            "if body :text :contains \"there  & été\" "
	                            "{ fileinto \"b\"; }"
	                            "if body :contains \"MONEY\" { fileinto "
	                            "\"c\"; }"
	                            "if body :contains [\"hidden\", \"secret\"]"
	                            " { fileinto \"d\"; }",
	                        mixed),
	    "a b");
	/* :content: decoded, but HTML as it is; multipart's preamble */
	assert_string_equal(folders("if body :content \"text/html\" :contains "
	                            "\"<b>\" { fileinto \"a\"; }"
	                            "if body :content \"multipart\" :contains "
	                            "\"MONEY\" { fileinto \"b\"; }"
	                            "if body :content \"text/plain\" :contains "
	                            "\"=E9\" { fileinto \"c\"; }",
	                        mixed),
	    "a b");
	/* :raw: undecoded, one value */
	assert_string_equal(folders("if body :raw :contains \"caf=E9\" { "
	                            "fileinto \"a\"; }"
	                            "if body :raw :count \"eq\" :comparator "
	                            "\"i;ascii-numeric\" \"1\" { fileinto "
	                            "\"b\"; }",
	                        mixed),
	    "a b");
}

/* :count counts the values; a part without a body, or an empty raw
 * body, is none. */
static void
counting(void **state)
{
	(void)state;
	assert_string_equal(folders("if body :content \"\" :count \"eq\" "
	                            ":comparator \"i;ascii-numeric\" \"4\" "
	                            "{ fileinto \"four\"; }",
	                        mixed),
	    "four");
	assert_string_equal(folders("if body :raw :count \"eq\" :comparator "
	                            "\"i;ascii-numeric\" \"0\" { fileinto "
	                            "\"none\"; }"
	                            "if body :text :count \"eq\" :comparator "
	                            "\"i;ascii-numeric\" \"0\" { fileinto "
	                            "\"notext\"; }",
	                        "Subject: header only\n"),
	    "none notext");
}

/* The body test sets no match variables: ${1} is the header's still. */
static void
match_variables(void **state)
{
	(void)state;
	assert_string_equal(folders("if header :matches \"from\" \"*@*\" {"
	                            " if body :matches \"The * coordinates*\" {"
	                            " fileinto \"${2}\"; } }",
	                        mixed),
	    "example.org");
}

static void
invalid(void **state)
{
	static const char *const bad[] = {
		"require \"fileinto\"; if body :contains \"x\" { keep; }",
		"require \"body\"; if body :content :contains \"x\" { keep; }",
		"require \"body\"; if body :raw :text \"x\" { keep; }",
		"require \"body\"; if body :raw { keep; }",
		"require \"body\"; if body :raw \"a\" \"b\" { keep; }",
	};
	struct md_sieve_script s;
	struct md_sieve_err e;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(
		    md_sieve_compile(&s, bad[i], strlen(bad[i]), &e), -1);
		assert_int_equal(e.kind, MD_SIEVE_INVALID);
	}
}

/* A message read from its file, as md-deliver and md-sieve -e give it;
 * a file that cannot be read is a runtime error (the implicit keep). */
static void
from_file(void **state)
{
	char path[] = "/tmp/test-sieve-body-XXXXXX";
	const char *src = "require \"body\"; if body :contains \"coordinates\""
	                  " { discard; }";
	struct md_sieve_script s;
	struct md_sieve_result r = { 0 };
	struct md_sieve_err e;
	struct md_header h;
	struct md_sieve_msg m = { .h = &h, .d = &dec, .path = path };
	int fd = mkstemp(path);

	(void)state;
	assert_true(fd >= 0);
	assert_int_equal(write(fd, mixed, strlen(mixed)), (int)strlen(mixed));
	close(fd);
	md_header_init(&h);
	assert_int_equal(md_header_parse(&h, mixed, strlen(mixed)), 0);
	assert_int_equal(md_sieve_compile(&s, src, strlen(src), &e), 0);
	assert_int_equal(md_sieve_run(&s, &m, &r, &e), 0);
	assert_int_equal(r.n, 1);
	assert_int_equal(r.a[0].kind, MD_ACT_DISCARD);
	md_sieve_result_free(&r);
	unlink(path);
	assert_int_equal(md_sieve_run(&s, &m, &r, &e), -1);
	assert_int_equal(e.kind, MD_SIEVE_SYSTEM);
	md_sieve_result_free(&r);
	md_sieve_free(&s);
	md_header_free(&h);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(rfc_examples),
		cmocka_unit_test(transforms),
		cmocka_unit_test(counting),
		cmocka_unit_test(match_variables),
		cmocka_unit_test(invalid),
		cmocka_unit_test(from_file),
	};
	int rc;

	md_decoder_init(&dec);
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	md_decoder_free(&dec);
	return rc;
}
