/* Unit tests for match.c: md-list's --match expressions, each operator
 * on each field, in any case, several at once, and the expressions
 * refused (with where and why). */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "internal.h"
#include "listed.h"

static char longfield[MD_SUMMARY_FIELD + 16];

/* The summary of a message whose every field is known. */
static void
summary(struct md_summary *s)
{
	struct md_listed m;

	listed_m1(&m);
	*s = m.s;
}

/* Does the summary pass the expressions, NULL-terminated, after EXPR? */
static int
passes(const char *expr, ...)
{
	struct md_compile_err ce = { 0 };
	struct md_match m = { 0 };
	struct md_summary s;
	va_list ap;
	int hit;

	va_start(ap, expr);
	for (; expr != NULL; expr = va_arg(ap, const char *))
		if (md_match_add(&m, expr, &ce) != 0)
			fail_msg("'%s' refused: %s", expr, ce.why);
	va_end(ap);
	summary(&s);
	hit = md_match_test(&m, &s);
	md_match_free(&m);
	return hit;
}

static int
holds(const char *expr)
{
	return passes(expr, (const char *)NULL);
}

/* EXPR is refused for a reason holding WHY, which is LEN bytes at OFF
 * of it. */
static void
refused(const char *expr, size_t off, size_t len, const char *why)
{
	struct md_compile_err ce = { 0 };
	struct md_match m = { 0 };

	errno = 0;
	if (md_match_add(&m, expr, &ce) != -1)
		fail_msg("'%s' compiled", expr);
	assert_int_equal(errno, EINVAL);
	assert_int_equal(m.n, 0);
	assert_non_null(ce.why);
	if (strstr(ce.why, why) == NULL)
		fail_msg("'%s': '%s' does not say '%s'", expr, ce.why, why);
	if (ce.off != off || ce.len != len)
		fail_msg("'%.40s': at %zu (%zu bytes), not %zu (%zu)", expr,
		    ce.off, ce.len, off, len);
	md_match_free(&m);
}

static void
text_operators(void **state)
{
	(void)state;
	assert_true(holds("from=alice"));
	assert_true(holds("from=ALICE@Example"));
	assert_true(holds("from=\"alice able\" <"));
	assert_false(holds("from=carol"));
	assert_true(holds("from!=carol"));
	assert_false(holds("from!=alice"));
	assert_true(holds("from=")); /* the empty text is in every field */
	assert_false(holds("cc!=")); /* ... the empty one too */
	assert_true(holds("cc="));
	assert_false(holds("cc=x"));
	assert_true(holds("subject=re: lunch"));
	assert_false(holds("subject=re: lunch!"));
	assert_false(holds("subject=a=b")); /* the text is "a=b" */
	assert_true(holds("list-id=FOOD.example"));
}

static void
regex_operators(void **state)
{
	(void)state;
	assert_true(holds("from~^\"?alice"));
	assert_true(holds("subject~^(re|fwd):"));
	assert_false(holds("subject!~^(re|fwd):"));
	assert_true(holds("subject!~^lunch"));
	assert_true(holds("message-id~^m[13]@"));
	assert_true(holds("references~(^| )m0@"));
	assert_true(holds("list-id~food\\.example"));
	assert_false(holds("list-id~food\\.exampleX"));
	assert_true(holds("subject~LUNCH$")); /* in any case */
	assert_true(holds("cc~^$"));
	assert_false(holds("cc!~^$"));
	assert_true(holds("to~=?")); /* operators in the regex are its own */
}

/* Every field by its name, in any case. */
static void
each_field(void **state)
{
	static const char *const yes[] = { "from=alice", "to=bob",
		"cc=", "subject=lunch", "message-id=m1@", "in-reply-to=m0@",
		"references=r@", "list-id=food", "Subject=Lunch", "FROM=alice",
		"In-Reply-To~^m0" };
	static const char *const no[] = { "to=alice", "cc=carol",
		"subject=budget", "message-id=m2", "in-reply-to=r@",
		"references=m1", "list-id=drink" };

	(void)state;
	for (size_t i = 0; i < sizeof(yes) / sizeof(yes[0]); i++)
		if (!holds(yes[i]))
			fail_msg("'%s' does not hold", yes[i]);
	for (size_t i = 0; i < sizeof(no) / sizeof(no[0]); i++)
		if (holds(no[i]))
			fail_msg("'%s' holds", no[i]);
}

/* Every condition must hold; none is no condition. */
static void
several(void **state)
{
	struct md_match m = { 0 };
	struct md_summary s;

	(void)state;
	assert_true(passes("from=example", "subject!=budget", "to~bob", NULL));
	assert_false(passes("from=example", "subject=nothing", NULL));
	assert_false(passes("subject=nothing", "from=example", NULL));
	summary(&s);
	assert_true(md_match_test(&m, &s));
	assert_int_equal(m.need, 0);
	md_match_free(&m);
}

/* A field longer than MD_SUMMARY_FIELD: a regex sees its first bytes,
 * the text is looked for in all of it. */
static void
long_field(void **state)
{
	struct md_compile_err ce;
	struct md_match m = { 0 };
	struct md_summary s;

	(void)state;
	memset(longfield, 'a', sizeof(longfield));
	memcpy(longfield + sizeof(longfield) - 2, "zz", 2);
	summary(&s);
	s.s[MD_S_SUBJECT].p = longfield;
	s.s[MD_S_SUBJECT].n = sizeof(longfield);
	assert_int_equal(md_match_add(&m, "subject~a$", &ce), 0);
	assert_true(md_match_test(&m, &s));
	md_match_free(&m);
	assert_int_equal(md_match_add(&m, "subject~zz", &ce), 0);
	assert_false(md_match_test(&m, &s));
	md_match_free(&m);
	assert_int_equal(md_match_add(&m, "subject=azz", &ce), 0);
	assert_true(md_match_test(&m, &s));
	md_match_free(&m);
}

/* The fields the conditions read, so that a listing reads no more. */
static void
needs(void **state)
{
	struct md_compile_err ce;
	struct md_match m = { 0 };

	(void)state;
	assert_int_equal(md_match_add(&m, "subject=x", &ce), 0);
	assert_int_equal(md_match_add(&m, "from!~y", &ce), 0);
	assert_int_equal(md_match_add(&m, "Subject~z", &ce), 0);
	assert_int_equal(m.n, 3);
	assert_int_equal(
	    m.need, MD_NEED_SUMMARY | 1u << MD_S_SUBJECT | 1u << MD_S_FROM);
	md_match_free(&m);
	assert_int_equal(m.n, 0);
}

static void
refusals(void **state)
{
	static const char shape[] = "not FIELD=TEXT, FIELD~REGEX, FIELD!=TEXT "
	                            "or FIELD!~REGEX";
	char deep[256];

	(void)state;
	refused("subject", 7, 0, shape);
	refused("from!x", 4, 2, shape);
	refused("from!", 4, 1, shape);
	refused("", 0, 0, shape);
	refused("bogus=x", 0, 5,
	    "unknown field (from, to, cc, subject, "
	    "message-id, in-reply-to, references, "
	    "list-id)");
	refused("=x", 0, 0, "unknown field");
	refused("name=x", 0, 4, "unknown field"); /* %f's, not a field */
	refused("bogus", 5, 0, shape);            /* the shape first */
	/* regcomp's own reason for one that is not valid */
	refused("from~(", 5, 1, "");
	refused("subject!~a{1", 9, 3, "");
	/* too costly to compile: md_regex_check's reason */
	refused("subject~(a*)*", 8, 5, "repeats what can match the empty");
	refused("subject~a{1,2000}", 8, 9, "more than 2000 pieces");
	memset(deep, '(', 101);
	deep[101] = 'x';
	memset(deep + 102, ')', 101);
	deep[203] = '\0';
	{
		char expr[300];

		snprintf(expr, sizeof(expr), "to~%s", deep);
		refused(expr, 3, 203, "nested more than 100 deep");
	}
}

/* A refused expression leaves the ones before it. */
static void
refusal_keeps(void **state)
{
	struct md_compile_err ce;
	struct md_match m = { 0 };
	struct md_summary s;

	(void)state;
	assert_int_equal(md_match_add(&m, "from~alice", &ce), 0);
	assert_int_equal(md_match_add(&m, "from~(", &ce), -1);
	assert_int_equal(md_match_add(&m, "bogus=1", &ce), -1);
	assert_int_equal(m.n, 1);
	summary(&s);
	assert_true(md_match_test(&m, &s));
	md_match_free(&m);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(text_operators),
		cmocka_unit_test(regex_operators),
		cmocka_unit_test(each_field),
		cmocka_unit_test(several),
		cmocka_unit_test(long_field),
		cmocka_unit_test(needs),
		cmocka_unit_test(refusals),
		cmocka_unit_test(refusal_keeps),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
