/* Unit tests for sieve-lex.c, sieve-parse.c, sieve-check.c and
 * sieve-run.c: tokens and their places, the grammar's errors with line
 * and column, the checker's verdicts, and scripts over messages giving
 * the actions the RFCs' examples ask for. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "internal.h"
#include "sieve-show.h"

/* ---- the lexer ---- */

static void
tokens(void **state)
{
	const char *src = "if :Is 10K \"a\\\"b\\\\c\\d\" # c\n"
	                  "/* x\ny */ [ text: # hi\r\n..dot\nline\n.\n;";
	struct md_sieve_lexer lx;
	struct md_sieve_token t;
	struct md_sieve_err e;

	(void)state;
	md_sieve_lex_init(&lx, src, strlen(src));
	assert_int_equal(md_sieve_lex(&lx, &t, &e), 0);
	assert_int_equal(t.kind, MD_TOK_IDENT);
	assert_string_equal(t.s, "if");
	free(t.s);
	assert_int_equal(md_sieve_lex(&lx, &t, &e), 0);
	assert_int_equal(t.kind, MD_TOK_TAG);
	assert_string_equal(t.s, "Is");
	assert_int_equal(t.col, 4);
	free(t.s);
	assert_int_equal(md_sieve_lex(&lx, &t, &e), 0);
	assert_int_equal(t.kind, MD_TOK_NUMBER);
	assert_int_equal(t.num, 10240);
	assert_int_equal(md_sieve_lex(&lx, &t, &e), 0);
	assert_int_equal(t.kind, MD_TOK_STRING);
	assert_string_equal(t.s, "a\"b\\cd"); /* \d is d (RFC 5228 2.4.2) */
	free(t.s);
	assert_int_equal(md_sieve_lex(&lx, &t, &e), 0);
	assert_int_equal(t.kind, MD_TOK_PUNCT);
	assert_int_equal(t.punct, '[');
	assert_int_equal(t.line, 3);
	assert_int_equal(t.col, 6);
	assert_int_equal(md_sieve_lex(&lx, &t, &e), 0);
	assert_int_equal(t.kind, MD_TOK_STRING);
	assert_string_equal(t.s, ".dot\r\nline\r\n"); /* dot-stuffing undone */
	free(t.s);
	assert_int_equal(md_sieve_lex(&lx, &t, &e), 0);
	assert_int_equal(t.punct, ';');
	assert_int_equal(t.line, 7);
	assert_int_equal(md_sieve_lex(&lx, &t, &e), 0);
	assert_int_equal(t.kind, MD_TOK_EOF);
}

static void
numbers(void **state)
{
	static const struct {
		const char *in;
		uint64_t want;
	} t[] = { { "0", 0 }, { "1k", 1024 }, { "2M", 2 << 20 },
		{ "3G", 3ULL << 30 }, { "18446744073709551615", UINT64_MAX } };
	struct md_sieve_lexer lx;
	struct md_sieve_token tok;
	struct md_sieve_err e;

	(void)state;
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		md_sieve_lex_init(&lx, t[i].in, strlen(t[i].in));
		assert_int_equal(md_sieve_lex(&lx, &tok, &e), 0);
		assert_int_equal(tok.kind, MD_TOK_NUMBER);
		assert_true(tok.num == t[i].want);
	}
	md_sieve_lex_init(&lx, "18446744073709551616", 20);
	assert_int_equal(md_sieve_lex(&lx, &tok, &e), -1);
	assert_int_equal(e.kind, MD_SIEVE_SYNTAX);
	md_sieve_lex_init(&lx, "17179869184G", 12);
	assert_int_equal(md_sieve_lex(&lx, &tok, &e), -1);
	md_sieve_lex_init(&lx, "10KB", 4);
	assert_int_equal(md_sieve_lex(&lx, &tok, &e), -1);
	assert_int_equal(e.col, 4);
}

/* ---- errors with their places ---- */

/* SRC fails to compile at LINE:COL with a message holding WHAT. */
static void
fails_at(const char *src, unsigned line, unsigned col, const char *what)
{
	struct md_sieve_script s;
	struct md_sieve_err e;

	if (md_sieve_compile(&s, src, strlen(src), &e) == 0)
		fail_msg("compiled: %s", src);
	if (e.line != line || e.col != col || strstr(e.msg, what) == NULL)
		fail_msg("%s: got %u:%u: %s, want %u:%u: ...%s...", src, e.line,
		    e.col, e.msg, line, col, what);
	assert_int_equal(errno, EINVAL);
}

static void
compiles(const char *src)
{
	struct md_sieve_script s;
	struct md_sieve_err e;

	if (md_sieve_compile(&s, src, strlen(src), &e) != 0)
		fail_msg("%s: %u:%u: %s", src, e.line, e.col, e.msg);
	md_sieve_free(&s);
}

static void
syntax_errors(void **state)
{
	(void)state;
	fails_at("keep", 1, 5, "expected ';' or '{'");
	fails_at("if true {\n keep;\n", 3, 1, "expected a command or '}'");
	fails_at("keep;\n  \"x\";", 2, 3, "expected a command, found string");
	fails_at("if header \"a\" \"b", 1, 15, "string not closed");
	fails_at("keep; /* open", 1, 7, "comment not closed");
	fails_at("if header [\"a\" \"b\"] \"c\" {}", 1, 16, "',' or ']'");
	fails_at("if anyof (true false) {}", 1, 11, "'true' takes no test");
	fails_at("if anyof (true, ) {}", 1, 17, "expected a test");
	fails_at("if true { keep; } $", 1, 19, "unexpected character '$'");
	fails_at("x : y;", 1, 4, "tag name");
	fails_at("require text: x\n", 1, 15, "text: must end its line");
	fails_at("require text:\nabc\n", 1, 9, "not ended by a line");
}

static void
check_errors(void **state)
{
	(void)state;
	fails_at("keep;\nrequire \"fileinto\";", 2, 1, "only at the start");
	fails_at("require [\"fileinto\", \"vacation2\"];", 1, 9,
	    "unsupported extension 'vacation2'");
	fails_at("fileinto \"a\";", 1, 1, "needs its extension required");
	fails_at("if true {} else {} else {}", 1, 20, "without an if");
	fails_at("elsif true {}", 1, 1, "without an if");
	fails_at(
	    "if header :over \"a\" \"b\" {}", 1, 11, "unknown tag ':over'");
	fails_at("if header :is :matches \"a\" \"b\" {}", 1, 15, "conflicts");
	fails_at("if size 10 {}", 1, 4, "needs :over or :under");
	fails_at("if size :over \"1\" {}", 1, 15, "must be a number");
	fails_at("if header \"a\" {}", 1, 4, "needs a string list");
	fails_at("if exists \"a\" \"b\" {}", 1, 15, "too many arguments");
	fails_at("if true;", 1, 1, "needs a block");
	fails_at("keep {}", 1, 1, "takes no block");
	fails_at("if allof true {}", 1, 4, "needs a test list");
	fails_at("if not (true) {}", 1, 4, "needs one test");
	fails_at("if true { frob; }", 1, 11, "unknown command 'frob'");
	fails_at("if frob {}", 1, 4, "unknown test 'frob'");
	fails_at("true;", 1, 1, "'true' is no command");
	fails_at("if keep {}", 1, 4, "'keep' is no test");
	fails_at("if header :comparator \"i;ascii-numeric\" \"a\" \"1\" {}", 1,
	    23, "unknown comparator"); /* not required */
	fails_at("require \"relational\";\n"
	         "if header :value \"gtt\" \"a\" \"1\" {}",
	    2, 18, "unknown relation");
	fails_at("if header :user \"a\" \"b\" {}", 1, 11, "unknown tag");
	fails_at("require \"regex\";\nif header :regex \"a\" \"(\" {}", 2, 22,
	    "invalid regex");
	fails_at("require \"envelope\";\nif envelope \"auth\" \"a\" {}", 2, 13,
	    "unknown envelope part");
	fails_at("if header :comparator \"i;octet\" {}", 1, 4,
	    "needs a string list");
	fails_at("require \"fileinto\";\nfileinto [\"a\", \"b\"];", 2, 10,
	    "must be a string");
	fails_at("if header \"a\" :is \"b\" {}", 1, 15, "after the positional");
}

static void
limits(void **state)
{
	char deep[512] = "";
	char *big;
	struct md_sieve_script s;
	struct md_sieve_err e;

	(void)state;
	for (int i = 0; i < MD_SIEVE_DEPTH + 1; i++)
		strlcat(deep, "if true {", sizeof(deep));
	assert_int_equal(md_sieve_compile(&s, deep, strlen(deep), &e), -1);
	assert_int_equal(e.kind, MD_SIEVE_LIMIT);
	assert_int_equal(e.col, 9 * MD_SIEVE_DEPTH + 4); /* its test */
	big = calloc(1, MD_SIEVE_SIZE + 1);
	assert_non_null(big);
	memset(big, ' ', MD_SIEVE_SIZE + 1);
	assert_int_equal(md_sieve_compile(&s, big, MD_SIEVE_SIZE + 1, &e), -1);
	assert_int_equal(e.kind, MD_SIEVE_LIMIT);
	assert_int_equal(md_sieve_compile(&s, big, MD_SIEVE_SIZE, &e), 0);
	md_sieve_free(&s);
	free(big);
}

static void
valid_scripts(void **state)
{
	(void)state;
	compiles("");
	compiles("# only a comment");
	compiles("REQUIRE \"fileinto\"; FileInto \"x\";"); /* any case */
	compiles("require [\"fileinto\", \"copy\", \"imap4flags\"];\n"
	         "fileinto :copy :flags [\"\\\\Seen\"] \"x\";");
	compiles("if header :comparator \"i;octet\" :contains \"a\" \"b\" {}"
	         " elsif true {} else {}");
	compiles("if anyof (not true, allof (false, exists \"x\")) {}");
	compiles("require [\"relational\", \"comparator-i;ascii-numeric\"];"
	         "if header :count \"ge\" :comparator \"i;ascii-numeric\" "
	         "\"to\" \"3\" {}");
}

/* encoded-character (RFC 5228 2.4.2.4): IN as the first string of a
 * script that requires it decodes to WANT. */
static void
encoded(void **state)
{
	static const struct {
		const char *in, *want;
	} t[] = {
		{ "${hex:40}", "@" }, { "${HEX: 40 41 }x", "@Ax" },
		{ "${unicode:40}", "@" },
		{ "${Unicode:  e9 1F600 }", "\xc3\xa9\xf0\x9f\x98\x80" },
		{ "$${hex:24}{hex:40}", "$${hex:40}" }, /* once only */
		{ "${hex:4}", "${hex:4}" },             /* odd: as written */
		{ "${hex:40", "${hex:40" }, { "${hex:}", "${hex:}" },
		{ "${hex:4g}", "${hex:4g}" }, { "${hex:4041}", "${hex:4041}" },
		{ "${unicode:0000000041}", "A" },
		{ "a${hex:00}b", "a" }, /* a NUL ends the C string */
	};
	char src[256];

	(void)state;
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		struct md_sieve_script s;
		struct md_sieve_err e;

		snprintf(src, sizeof(src),
		    "require [\"encoded-character\", \"fileinto\"];\n"
		    "fileinto \"%s\";",
		    t[i].in);
		if (md_sieve_compile(&s, src, strlen(src), &e) != 0)
			fail_msg("%s: %s", t[i].in, e.msg);
		assert_string_equal(s.cmds[1].args[0].s[0], t[i].want);
		md_sieve_free(&s);
	}
	fails_at("require \"encoded-character\";\n"
	         "if header \"a\" \"${unicode:d800}\" {}",
	    2, 15, "code point out of range");
	fails_at("require \"encoded-character\";\n"
	         "if header \"a\" \"${unicode:110000}\" {}",
	    2, 15, "code point out of range");
	compiles("if header \"a\" \"${unicode:110000}\" {}"); /* not asked */
}

/* ---- running ---- */

static struct md_decoder dec;

/* One run of S over M into OUT: its actions, or its error. */
static void
once(const struct md_sieve_script *s, const struct md_sieve_msg *m, char *out,
    size_t size)
{
	struct md_sieve_result r = { 0 };
	struct md_sieve_err e;

	out[0] = '\0';
	if (md_sieve_run(s, m, &r, &e) != 0) /* what R holds: no result */
		snprintf(out, size, "error %u: %s", e.line, e.msg);
	else
		sieve_show(&r, 1, out, size);
	md_sieve_result_free(&r);
}

/* SRC over the message MSG, envelope FROM and TO: its actions as one
 * line, "keep fileinto:A discard ..." (an implicit keep as keep*). Each
 * is run with a struct md_sieve_keep too, twice (its rules and values
 * made, then used again), as md-sieve -e runs one over many messages:
 * that must change nothing. */
static const char *
run(const char *src, const char *msg, const char *from, const char *to)
{
	static char out[1024];
	char kept[1024];
	struct md_sieve_keep keep = { 0 };
	struct md_sieve_script s;
	struct md_sieve_err e;
	struct md_header h;
	struct md_sieve_msg m = {
		.h = &h, .d = &dec, .size = strlen(msg), .from = from, .to = to
	};

	md_header_init(&h);
	assert_int_equal(md_header_parse(&h, msg, strlen(msg)), 0);
	if (md_sieve_compile(&s, src, strlen(src), &e) != 0)
		fail_msg("%s: %u:%u: %s", src, e.line, e.col, e.msg);
	once(&s, &m, out, sizeof(out));
	m.keep = &keep;
	for (int i = 0; i < 2; i++) {
		once(&s, &m, kept, sizeof(kept));
		if (strcmp(kept, out) != 0)
			fail_msg("%s: kept: %s, not %s", src, kept, out);
	}
	md_sieve_keep_free(&keep);
	md_sieve_free(&s);
	md_header_free(&h);
	return out;
}

static const char msg1[] =
    "From: \"Bob\" <Bob+Lists@Example.COM>\n"
    "To: \"Doe, A.\" <a@x.org>, Team: b@y.org, c@z.org;\n"
    "Cc: d@w.org (Dee)\n"
    "Subject: =?ISO-8859-1?Q?Caf=E9?= Weekly [list]\n"
    "X-Score: 12\n"
    "\n"
    "body\n";

#define F                                                                      \
	"require [\"fileinto\", \"copy\", \"envelope\", \"subaddress\","       \
	"\"relational\", \"comparator-i;ascii-numeric\", \"regex\","           \
	"\"reject\", \"imap4flags\"];\n"

static void
actions(void **state)
{
	(void)state;
	assert_string_equal(run("", msg1, NULL, NULL), "keep*");
	assert_string_equal(run("discard;", msg1, NULL, NULL), "discard");
	assert_string_equal(run("keep; keep;", msg1, NULL, NULL), "keep");
	assert_string_equal(run(F "fileinto \"A\"; fileinto \"A\";"
	                          "fileinto \"INBOX\"; keep;",
	                        msg1, NULL, NULL),
	    "fileinto:A keep");
	assert_string_equal(run(F "fileinto \"inbox.A\"; fileinto \"A\";"
	                          "fileinto \"INBOX.a\"; fileinto \"inbox\";",
	                        msg1, NULL, NULL),
	    "fileinto:inbox.A fileinto:INBOX.a keep");
	assert_string_equal(run(F "fileinto :copy \"A\";", msg1, NULL, NULL),
	    "fileinto:A keep*");
	assert_string_equal(
	    run(F "fileinto \"a\"; stop; fileinto \"b\";", msg1, NULL, NULL),
	    "fileinto:a");
	assert_string_equal(
	    run(F "fileinto \"x\"; reject \"no\";", msg1, NULL, NULL),
	    "error 2: reject conflicts with an earlier fileinto");
	assert_string_equal(run(F "discard; reject \"no\";", msg1, NULL, NULL),
	    "discard reject:no");
	assert_string_equal(
	    run("redirect \"a@b\"; redirect \"a@B\"; redirect \"A@b\";", msg1,
	        NULL, NULL),
	    "redirect:a@b redirect:A@b"); /* local parts are case-sensitive */
	assert_string_equal(run(F "addflag [\"\\\\Seen\", \"b a\"];"
	                          "removeflag \"A\"; keep;"
	                          "fileinto :flags \"\\\\Draft\" \"D\";",
	                        msg1, NULL, NULL),
	    "keep/\\Seen b fileinto:D/\\Draft");
	assert_string_equal(run(F "setflag \"x\"; if hasflag :is \"X\" "
	                          "{ discard; }",
	                        msg1, NULL, NULL),
	    "discard");
	/* A store named again takes the later one's flags, but a keep
	 * leaves those of a fileinto "INBOX" (Pigeonhole's rules). */
	assert_string_equal(run(F "fileinto :flags \"a\" \"A\";"
	                          "fileinto :flags \"b\" \"A\";"
	                          "keep :flags \"c\"; keep :flags \"d\";"
	                          "fileinto :flags \"e\" \"INBOX\";"
	                          "keep :flags \"f\";",
	                        msg1, NULL, NULL),
	    "fileinto:A/b keep/e");
	assert_string_equal(run(F "fileinto :copy :flags \"a\" \"INBOX\";"
	                          "addflag \"b\";",
	                        msg1, NULL, NULL),
	    "keep/a");
}

/* A run past its deadline stops with a limit error (no clock races:
 * the deadline is long past before it starts). */
static void
deadline(void **state)
{
	struct md_sieve_script s;
	struct md_sieve_result r = { 0 };
	struct md_sieve_err e;
	struct md_header h;
	struct md_sieve_msg m = { .h = &h, .d = &dec, .deadline = 1 };
	const char *src = "if true { keep; }";

	(void)state;
	md_header_init(&h);
	assert_int_equal(md_header_parse(&h, msg1, strlen(msg1)), 0);
	assert_int_equal(md_sieve_compile(&s, src, strlen(src), &e), 0);
	assert_int_equal(md_sieve_run(&s, &m, &r, &e), -1);
	assert_int_equal(e.kind, MD_SIEVE_LIMIT);
	assert_int_equal(e.line, 1);
	assert_non_null(strstr(e.msg, "ran longer than"));
	md_sieve_result_free(&r);
	md_sieve_free(&s);
	md_header_free(&h);
}

static void
too_many(void **state)
{
	char src[4096] = F;

	(void)state;
	for (int i = 0; i <= MD_SIEVE_ACTIONS; i++) {
		char one[64];

		snprintf(one, sizeof(one), "fileinto \"f%d\";\n", i);
		strlcat(src, one, sizeof(src));
	}
	assert_string_equal(
	    run(src, msg1, NULL, NULL), "error 34: more than 32 actions");
}

/* TEST over msg1 holds (1) or not (0). */
static int
holds(const char *test, const char *from, const char *to)
{
	char src[1024];

	snprintf(src, sizeof(src), F "if %s { discard; }", test);
	return strcmp(run(src, msg1, from, to), "discard") == 0;
}

static void
tests(void **state)
{
	static const struct {
		const char *test;
		int want;
	} t[] = {
		{ "true", 1 },
		{ "not true", 0 },
		{ "anyof (false, true)", 1 },
		{ "allof (true, false)", 0 },
		{ "exists [\"from\", \"x-score\"]", 1 },
		{ "exists [\"from\", \"x-none\"]", 0 },
		{ "size :over 100", 1 },
		{ "size :under 100", 0 },
		{ "size :over 1K", 0 },
		/* header: RFC 2047 decoded, casemap by default */
		{ "header :contains \"subject\" \"CAF\xc3\xa9\"", 1 },
		{ "header :contains \"subject\" \"caf\xc3\x89\"",
		    0 }, /* ASCII */
		{ "header :contains \"subject\" \"caf\xc3\xa9\"", 1 },
		{ "header :is \"subject\" \"caf\xc3\xa9 weekly [list]\"", 1 },
		{ "header :is :comparator \"i;octet\" \"subject\" "
		  "\"caf\xc3\xa9 weekly [list]\"",
		    0 },
		{ "header :matches \"subject\" \"*weekly*\"", 1 },
		{ "header :matches \"subject\" \"caf? *\"", 1 }, /* ? is é */
		{ "header :matches \"subject\" \"*\\\\[list]\"", 1 },
		{ "header :matches \"subject\" \"*[list\"", 0 },
		{ "header :matches \"x-score\" \"1?\"", 1 },
		{ "header :matches \"x-score\" \"?\"", 0 },
		{ "header :matches \"x-score\" \"**2*\"", 1 },
		{ "header :contains \"x-none\" \"\"", 0 },
		{ "header :contains [\"x-none\", \"to\"] \"\"", 1 },
		/* address */
		{ "address :is \"from\" \"bob+lists@example.com\"", 1 },
		{ "address :domain \"from\" \"EXAMPLE.com\"", 1 },
		{ "address :localpart \"from\" \"bob+lists\"", 1 },
		{ "address :user \"from\" \"bob\"", 1 },
		{ "address :detail \"from\" \"lists\"", 1 },
		{ "address :detail \"to\" \"\"", 0 },
		{ "address :is \"to\" \"c@z.org\"", 1 },
		{ "address :is \"to\" \"doe, a.\"", 0 },
		{ "address :is \"cc\" \"d@w.org\"", 1 },
		/* no address at all: :all sees the value (as Pigeonhole) */
		{ "address :is \"subject\" \"caf\xc3\xa9 weekly [list]\"", 0 },
		{ "address :is \"x-score\" \"12\"", 1 },
		{ "address :localpart \"x-score\" \"12\"", 0 },
		{ "address :count \"eq\" :comparator \"i;ascii-numeric\" "
		  ":domain \"x-score\" \"1\"",
		    1 },
		{ "address :count \"eq\" :comparator \"i;ascii-numeric\" "
		  "[\"to\", \"cc\"] \"4\"",
		    1 },
		/* envelope */
		{ "envelope :is \"from\" \"s@x.org\"", 1 },
		{ "envelope :domain \"to\" \"y.org\"", 1 },
		{ "envelope :is \"from\" \"\"", 0 },
		/* relational, numeric */
		{ "header :value \"gt\" :comparator \"i;ascii-numeric\" "
		  "\"x-score\" \"9\"",
		    1 },
		{ "header :value \"gt\" \"x-score\" \"9\"", 0 }, /* "12"<"9" */
		{ "header :value \"lt\" :comparator \"i;ascii-numeric\" "
		  "\"subject\" \"9\"",
		    0 }, /* no digits: infinity */
		{ "header :count \"eq\" :comparator \"i;ascii-numeric\" "
		  "\"x-none\" \"0\"",
		    1 },
		{ "header :is :comparator \"i;ascii-numeric\" \"x-score\" "
		  "\"012\"",
		    1 },
		/* regex */
		{ "header :regex \"subject\" \"^caf.* weekly\"", 1 },
		{ "header :regex :comparator \"i;octet\" \"subject\" "
		  "\"WEEKLY\"",
		    0 },
		{ "address :regex :domain \"from\" \"^example\\\\.(com|net)$\"",
		    1 },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		if (holds(t[i].test, "s@x.org", "rcpt@y.org") != t[i].want)
			fail_msg("%s: want %d", t[i].test, t[i].want);
	/* the null sender: "" for :all, nothing for a part */
	assert_int_equal(holds("envelope :is \"from\" \"\"", "", NULL), 1);
	assert_int_equal(holds("envelope :domain \"from\" \"\"", "", NULL), 0);
	/* no envelope known: false */
	assert_int_equal(
	    holds("envelope :matches \"to\" \"*\"", NULL, NULL), 0);
}

/* :matches with its wildcards' strings, non-greedy (RFC 5229 3.2). */
static void
captures(void **state)
{
	static const struct {
		const char *pat, *v, *want; /* want: the spans as [a|b|...] */
	} t[] = {
		{ "*<*@*", "Ann <a@b@c>", "[Ann <a@b@c>|Ann |a|b@c>]" },
		{ "[*] *", "[acme-users] [fwd] v1",
		    "[[acme-users] [fwd] v1|"
		    "acme-users|[fwd] v1]" },
		{ "coyote@**.com", "coyote@ACME.Example.COM",
		    "[coyote@ACME.Example.COM||ACME.Example]" },
		{ "?\\*?", "\xc3\xa9*x", "[\xc3\xa9*x|\xc3\xa9|x]" },
		{ "*", "", "[|]" },
		{ "a*", "b", NULL },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		size_t cap[8][2], n;
		char got[256] = "[";
		int rc = md_sieve_glob_capture(
		    t[i].pat, t[i].v, MD_CMP_CASEMAP, cap, 8, &n);

		assert_int_equal(rc, t[i].want != NULL);
		assert_int_equal(
		    rc, md_sieve_glob(t[i].pat, t[i].v, MD_CMP_CASEMAP));
		if (rc == 0)
			continue;
		for (size_t k = 0; k < n; k++) {
			size_t at = strlen(got);

			snprintf(got + at, sizeof(got) - at, "%s%.*s",
			    k ? "|" : "", (int)(cap[k][1] - cap[k][0]),
			    t[i].v + cap[k][0]);
		}
		strlcat(got, "]", sizeof(got));
		assert_string_equal(got, t[i].want);
	}
}

/* The fast ways with a value made small (md_sieve_lower) give what the
 * plain ones give, and a value that holds a key has its bytes
 * (md_sieve_bytes): :contains and :matches under both comparators, over
 * random strings of letters in both cases, the bytes beside 'A'..'Z'
 * and 'a'..'z', 8-bit bytes and wildcards. */
static void
low_matches(void **state)
{
	static const char abc[] = "aAbBzZ@[`{\xc3\xa9 *?\\";
	static const char *const pats[] = { "*%s*", "%s*", "*%s", "%s",
		"*a?%s*", "*\\**" };
	unsigned seed = 1;
	char all[256], low[256];

	(void)state;
	for (int c = 0; c < 256; c++) /* every byte, at every offset */
		all[c] = (char)(c == 0 ? 1 : c);
	for (size_t at = 0; at < 16; at++) {
		md_sieve_lower(low, all + at, sizeof(all) - at);
		for (size_t i = 0; i < sizeof(all) - at; i++) {
			char c = all[at + i];

			assert_int_equal(
			    low[i], c >= 'A' && c <= 'Z' ? c + 32 : c);
		}
	}
	for (int round = 0; round < 20000; round++) {
		char v[40], lv[40], key[8], pat[32];
		size_t nv, nk;

		seed = seed * 1103515245 + 12345;
		nv = (seed >> 16) % 30;
		seed = seed * 1103515245 + 12345;
		nk = (seed >> 16) % 5;
		for (size_t i = 0; i < nv + nk; i++) {
			seed = seed * 1103515245 + 12345;
			(i < nv ? v : key)[i < nv ? i : i - nv] =
			    abc[(seed >> 16) % (sizeof(abc) - 1)];
		}
		v[nv] = key[nk] = '\0';
		md_sieve_lower(lv, v, nv + 1);
		/* a value that holds the key has all its bytes made small */
		if (md_sieve_contains(v, key, MD_CMP_CASEMAP)) {
			uint64_t kb[2], vb[2];
			char lk[8];

			md_sieve_lower(lk, key, nk);
			md_sieve_bytes(lk, nk, kb);
			md_sieve_bytes(lv, nv, vb);
			assert_int_equal(
			    (kb[0] & ~vb[0]) | (kb[1] & ~vb[1]), 0);
		}
		for (int k = 0; k < 2; k++) {
			int cmp = k ? MD_CMP_OCTET : MD_CMP_CASEMAP;

			if (md_sieve_contains_low(v, lv, key, cmp) !=
			    md_sieve_contains(v, key, cmp))
				fail_msg(":contains \"%s\" in \"%s\", %d", key,
				    v, cmp);
			for (size_t p = 0; p < sizeof(pats) / sizeof(*pats);
			     p++) {
				snprintf(pat, sizeof(pat), pats[p], key);
				if (md_sieve_glob_low(pat, v, lv, cmp) !=
				    md_sieve_glob(pat, v, cmp))
					fail_msg(":matches \"%s\" \"%s\", %d",
					    pat, v, cmp);
			}
		}
	}
}

/* One struct md_sieve_keep over messages one after another, in both
 * orders, gives what a run without one gives each: names in any case,
 * repeated, folded and encoded fields, :index and :count (run as ever),
 * address parts, a group with no address, elsif and else, stop. */
static void
kept_runs(void **state)
{
	static const char src[] =
	    "require [\"fileinto\", \"index\", \"subaddress\", \"relational\", "
	    "\"comparator-i;ascii-numeric\"];\n"
	    "if header :contains \"list-id\" \"dev\" { fileinto \"r1\"; }\n"
	    "if header :contains \"List-ID\" \"DEV\" { fileinto \"r2\"; }\n"
	    "if header :is \"received\" \"b\" { fileinto \"r3\"; }\n"
	    "if header :index 2 :is \"received\" \"b\" { fileinto \"r4\"; }\n"
	    "if header :matches \"subject\" \"*caf?*\" { fileinto \"r5\"; }\n"
	    "if header :matches \"subject\" \"*CAF\xc3\x89*\" { fileinto "
	    "\"r6\"; }\n"
	    "if header :contains :comparator \"i;octet\" \"subject\" \"Caf\" { "
	    "fileinto \"r7\"; }\n"
	    "if address :domain :is [\"from\", \"sender\"] \"example.com\" { "
	    "fileinto \"r8\"; }\n"
	    "if address :localpart :is \"to\" \"a\" { fileinto \"r9\"; }\n"
	    "if address :user :is \"to\" \"bob\" { fileinto \"r10\"; }\n"
	    "elsif address :detail :is \"to\" \"lists\" { fileinto \"r11\"; }\n"
	    "else { fileinto \"r12\"; }\n"
	    "if address :all :is \"cc\" \"\\\"b c\\\"@example.net\" { fileinto "
	    "\"r13\"; }\n"
	    "if address :all :contains \"to\" \"undisclosed\" { fileinto "
	    "\"r14\"; }\n"
	    "if header :contains \"x-folded\" \"one two\" { fileinto \"r15\"; "
	    "}\n"
	    "elsif header :contains \"x-none\" \"\" { fileinto \"r16\"; }\n"
	    "if header :count \"ge\" :comparator \"i;ascii-numeric\" "
	    "\"received\" \"2\" { fileinto \"r17\"; }\n"
	    "if header :contains [\"subject\", \"x-folded\"] [\"zzz\", "
	    "\"TWO\"] { fileinto \"r18\"; stop; }\n"
	    "if header :is \"x-empty\" \"\" { fileinto \"r19\"; }\n";
	static const char *const msgs[] = {
		"List-Id: Dev people <dev.example.org>\n"
		"Received: a\nRECEIVED: b\nreceived: c\n"
		"Subject: =?utf-8?q?Caf=C3=A9?= news\n"
		"From: Ann <ann@Example.COM>\n"
		"To: \"A\" <a@x.org>, bob+lists@y.org\n"
		"Cc: \"b c\"@example.net\n"
		"X-Folded: one\n two\n"
		"X-Empty:\n\nbody\n",
		"Subject: plain cafe\n"
		"Sender: s@example.com\n"
		"To: undisclosed-recipients:;\n"
		"Received: b\n\nbody\n",
		"LIST-ID: <other.example.org>\n"
		"Subject: =?iso-8859-1?q?CAF=C9?= zzz\n"
		"To: carol+lists@z.org\n"
		"Received: x\nReceived: b\n\nbody\n",
	};
	size_t n = sizeof(msgs) / sizeof(msgs[0]);
	struct md_sieve_keep keep = { 0 };
	struct md_sieve_script s;
	struct md_sieve_err e;

	(void)state;
	if (md_sieve_compile(&s, src, strlen(src), &e) != 0)
		fail_msg("%u:%u: %s", e.line, e.col, e.msg);
	for (size_t round = 0; round < 2 * n; round++) {
		const char *msg = msgs[round < n ? round : 2 * n - 1 - round];
		struct md_header h;
		struct md_sieve_msg m = { .h = &h, .d = &dec };
		char out[1024], kept[1024];

		md_header_init(&h);
		assert_int_equal(md_header_parse(&h, msg, strlen(msg)), 0);
		m.size = strlen(msg);
		once(&s, &m, out, sizeof(out));
		m.keep = &keep;
		once(&s, &m, kept, sizeof(kept));
		if (strcmp(kept, out) != 0)
			fail_msg(
			    "message %zu: kept: %s, not %s", round, kept, out);
		md_header_free(&h);
	}
	md_sieve_keep_free(&keep);
	md_sieve_free(&s);
}

static void
variables(void **state)
{
	struct md_sieve_vars v = { 0 };

	(void)state;
	assert_int_equal(md_sieve_set(&v, "a", "Hello World", MD_MOD_LOWER), 0);
	assert_string_equal(md_sieve_expand(&v, "<${a}>"), "<hello world>");
	assert_int_equal(
	    md_sieve_set(&v, "B", "hello", MD_MOD_UPPERFIRST | MD_MOD_QUOTE),
	    0);
	assert_string_equal(md_sieve_expand(&v, "${b}"), "Hello");
	assert_int_equal(md_sieve_set(&v, "q", "a*b?\\", MD_MOD_QUOTE), 0);
	assert_string_equal(md_sieve_expand(&v, "${q}"), "a\\*b\\?\\\\");
	assert_int_equal(md_sieve_set(&v, "n", "\xc3\xa9t\xc3\xa9",
	                     MD_MOD_LENGTH | MD_MOD_UPPER),
	    0);
	assert_string_equal(md_sieve_expand(&v, "${n}"), "3");
	assert_string_equal(
	    md_sieve_expand(&v, "${none}|${1}|${ a}|${a"), "||${ a}|${a");
	assert_string_equal(md_sieve_expand(&v, "$${a}}"), "$hello world}");
	md_sieve_vars_free(&v);
	for (int i = 0; i < MD_SIEVE_VARS; i++) {
		char name[16];

		snprintf(name, sizeof(name), "v%d", i);
		assert_int_equal(md_sieve_set(&v, name, "x", 0), 0);
	}
	assert_int_equal(md_sieve_set(&v, "v0", "y", 0), 0); /* a known one */
	errno = 0;
	assert_int_equal(md_sieve_set(&v, "another", "x", 0), -1);
	assert_int_equal(errno, E2BIG);
	md_sieve_vars_free(&v);
	fails_at("require \"variables\";\nset \"1\" \"x\";", 2, 5,
	    "invalid variable name");
	fails_at("require \"variables\";\nset :upper :lower \"a\" \"x\";", 2,
	    12, "conflicts");
	fails_at("set \"a\" \"x\";", 1, 1, "needs its extension");
	assert_string_equal(run("require [\"variables\", \"fileinto\"];\n"
	                        "if header :matches \"from\" \"*<*+*@*\" {"
	                        "  fileinto \"${2}.${3}\"; }",
	                        msg1, NULL, NULL),
	    "fileinto:Bob.Lists");
	/* imap4flags on variables (RFC 5232 3) */
	assert_string_equal(run("require [\"variables\", \"imap4flags\","
	                        "\"fileinto\"];\n"
	                        "addflag \"v\" [\"a b\", \"c\"];"
	                        "removeflag \"v\" \"B\"; addflag \"i\";"
	                        "if hasflag [\"w\", \"v\"] \"c\" {"
	                        "  fileinto \"${v}\"; }",
	                        msg1, NULL, NULL),
	    "fileinto:a c/i");
	fails_at("require [\"variables\", \"imap4flags\"];\n"
	         "setflag [\"a\", \"b\"] \"x\";",
	    2, 9, "one variable");
	fails_at("require [\"variables\", \"imap4flags\"];\n"
	         "if hasflag [\"a\", \"1\"] \"x\" { stop; }",
	    2, 12, "invalid variable name");
	fails_at("require \"imap4flags\";\naddflag \"v\" \"x\";", 2, 13,
	    "too many arguments");
}

/* ---- names of folders, addresses ---- */

static void
folder_names(void **state)
{
	static const struct {
		const char *in, *want;
	} t[] = {
		{ "INBOX", "INBOX" }, { "inbox", "INBOX" },
		{ "INBOX.Lists.Debian", "Lists.Debian" }, { "inbox.a", "a" },
		{ "Entw\xc3\xbcrfe", "Entw&APw-rfe" }, { "A&B", "A&-B" },
		{ "\xe5\x8f\xb0\xe5\x8c\x97", "&U,BTFw-" }, /* RFC 3501 */
		{ "\xf0\x9f\x93\xa7", "&2D3c5w-" }, /* a surrogate pair */
	};
	char out[256];

	(void)state;
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		assert_int_equal(
		    md_folder_from_imap(t[i].in, out, sizeof(out)), 0);
		assert_string_equal(out, t[i].want);
	}
	errno = 0;
	assert_int_equal(md_folder_from_imap("a/b", out, sizeof(out)), -1);
	assert_int_equal(errno, EINVAL);
	assert_int_equal(md_folder_from_imap("a\xff", out, sizeof(out)), -1);
	assert_int_equal(md_folder_from_imap(".a", out, sizeof(out)), -1);
	assert_int_equal(md_folder_from_imap("a\tb", out, sizeof(out)), -1);
	/* Dovecot refuses these (and an IMAP client could not open them) */
	assert_int_equal(md_folder_from_imap("~x", out, sizeof(out)), -1);
	assert_int_equal(md_folder_from_imap("INBOX.~", out, sizeof(out)), -1);
	assert_int_equal(md_folder_from_imap("a.~x", out, sizeof(out)), 0);
	assert_int_equal(md_folder_from_imap("Entw\xc3\xbcrfe", out, 8), -1);
	assert_int_equal(errno, ENAMETOOLONG);
}

static void
addresses(void **state)
{
	static const struct {
		const char *in, *want;
	} t[] = {
		{ "a@x", "a@x" },
		{ "Ann <a@x>, \"B, b\" <b@y>", "a@x b@y" },
		{ "a@x (Ann), (c) b@y", "a@x b@y" },
		{ "Team: a@x, b@y;, c@z", "a@x b@y c@z" },
		{ "undisclosed-recipients:;", "" },
		{ "b@x, not an address, c@y", "b@x c@y" }, /* none: passed */
		{ "a @ x . y", "a@x.y" },
		{ "a@b@c", "a@b" },
		{ "alice", "" },
		{ "a b@x", "" },
		{ "@x", "" },
		{ "a@", "" },
		{ "Name <a@x", "" },
		{ "\"open <a@x>", "" },
		{ "<>", "" },
		{ "<@route,@r2:a@x>", "a@x" },
		{ "\"a b\"@x", "a b@x" },
		{ " ,, a@x ,", "a@x" },
		{ "", "" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		char out[256] = "", one[128];
		const char *p = t[i].in;

		for (int k; (k = md_addr_next(&p, one, sizeof(one))) != 0;) {
			if (k < 0)
				continue;
			if (out[0])
				strlcat(out, " ", sizeof(out));
			strlcat(out, one, sizeof(out));
		}
		if (strcmp(out, t[i].want) != 0)
			fail_msg("'%s': got '%s', want '%s'", t[i].in, out,
			    t[i].want);
	}
}

int
main(void)
{
	const struct CMUnitTest t[] = {
		cmocka_unit_test(tokens),
		cmocka_unit_test(numbers),
		cmocka_unit_test(syntax_errors),
		cmocka_unit_test(check_errors),
		cmocka_unit_test(limits),
		cmocka_unit_test(valid_scripts),
		cmocka_unit_test(encoded),
		cmocka_unit_test(actions),
		cmocka_unit_test(too_many),
		cmocka_unit_test(deadline),
		cmocka_unit_test(tests),
		cmocka_unit_test(captures),
		cmocka_unit_test(low_matches),
		cmocka_unit_test(kept_runs),
		cmocka_unit_test(variables),
		cmocka_unit_test(folder_names),
		cmocka_unit_test(addresses),
	};
	int rc;

	md_decoder_init(&dec);
	rc = cmocka_run_group_tests(t, NULL, NULL);
	md_decoder_free(&dec);
	return rc;
}
