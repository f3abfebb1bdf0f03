/* Unit tests for regex.c: the cost of an extended regular expression,
 * counted before regcomp(3), and the bounds md_regex_check keeps. */
#include <errno.h>
#include <regex.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "internal.h"

static uint64_t
cost(const char *re)
{
	struct md_regex_cost c;

	md_regex_cost(re, &c);
	return c.pieces;
}

/* RE passes the check, and regcomp takes it. */
static void
passes(const char *re)
{
	const char *why = "unset";
	regex_t r;

	errno = 0;
	if (md_regex_check(re, &why) != 0)
		fail_msg("'%s' refused: %s", re, why);
	assert_null(why);
	assert_int_equal(regcomp(&r, re, REG_EXTENDED | REG_NOSUB), 0);
	regfree(&r);
}

/* RE is refused, for a reason that holds TEXT. */
static void
refused(const char *re, const char *text)
{
	const char *why = NULL;

	errno = 0;
	if (md_regex_check(re, &why) != -1)
		fail_msg("'%.60s' passed", re);
	assert_int_equal(errno, E2BIG);
	assert_non_null(why);
	if (strstr(why, text) == NULL)
		fail_msg("'%.60s': '%s' does not say '%s'", re, why, text);
}

static void
counted(void **state)
{
	(void)state;
	assert_int_equal(cost(""), 0);
	assert_int_equal(cost("abc"), 3);
	assert_int_equal(cost("Re:"), 3);
	assert_int_equal(cost("^Re:$"), 3 + 2 * MD_REGEX_ANCHOR);
	assert_int_equal(cost("\\<a\\>"), 1 + 2 * MD_REGEX_ANCHOR);
	assert_int_equal(cost("\\bx\\B"), 1 + 2 * MD_REGEX_WORDB);
	assert_int_equal(cost("a|b"), 3);
	assert_int_equal(cost("(ab)"), 4);
	assert_int_equal(cost("a*"), 2);
	assert_int_equal(cost("a?"), 2);
	assert_int_equal(cost("a+"), 3); /* aa* */
	assert_int_equal(cost("a{4}"), 5);
	assert_int_equal(cost("a{1,100}"), 101);
	assert_int_equal(cost("a{3,}"), 5); /* aaaa* */
	assert_int_equal(cost("a{,5}"), 6);
	/* glibc reads an escaped comma in a bound as the comma (found by
	 * the match fuzz target: 1{\,32222} took 4 GB in regcomp) */
	assert_int_equal(cost("a{\\,5}"), 6);
	assert_int_equal(cost("a{2\\,5}"), 6);
	assert_int_equal(cost("a{3\\,}"), 5);
	assert_int_equal(cost("1{\\,32222}"), MD_REGEX_COST + 1);
	assert_int_equal(cost("a{0}"), 2);        /* still read once */
	assert_int_equal(cost("(foo|bar)+"), 19); /* 7, +2, twice, +1 */
	assert_int_equal(cost("[0-9]{4}"), 5);    /* a bracket is one */
	assert_int_equal(cost("[]|(){}*+]"), 1);  /* specials inside */
	assert_int_equal(cost("[[:alpha:]]x"), 2);
	assert_int_equal(cost("[^]a]"), 1);
	assert_int_equal(cost("\\(\\{2\\}"), 4); /* escapes: atoms */
	assert_int_equal(cost("a{2}{3}"), 10);   /* stacked: multiply */
	assert_int_equal(cost("((a{1,10}){1,10})"), 133);
}

static void
not_repetitions(void **state)
{
	(void)state;
	/* a brace that is no interval, a star with nothing before it, an
	 * unmatched parenthesis: atoms here, regcomp's to judge */
	assert_int_equal(cost("a{x}"), 4);
	assert_int_equal(cost("a{1"), 3);
	assert_int_equal(cost("*a"), 2);
	assert_int_equal(cost("(|*)"), 4);
	assert_int_equal(cost("a)"), 2);
	assert_int_equal(cost("(a"), 1);
	assert_int_equal(cost("x\\"), 2);
	assert_int_equal(cost("[abc"), 1);
}

static void
saturates(void **state)
{
	char re[64];
	struct md_regex_cost c;

	(void)state;
	assert_int_equal(cost("a{99999999999999999999}"), MD_REGEX_COST + 1);
	assert_int_equal(cost("((a{32767}){32767}){32767}"), MD_REGEX_COST + 1);
	memset(re, '+', sizeof(re) - 1);
	re[0] = 'b';
	re[sizeof(re) - 1] = '\0';
	assert_int_equal(cost(re), MD_REGEX_COST + 1);
	md_regex_cost("((a)(b(c)))", &c);
	assert_int_equal(c.pieces, 11);
	assert_int_equal(c.depth, 3);
}

/* The two expressions of the report: gigabytes for glibc's regcomp. */
static void
issue_cases(void **state)
{
	char re[26 + 1];

	(void)state;
	memset(re, '+', 26);
	re[0] = 'b';
	re[25] = '\0'; /* "b" and 24 '+' */
	assert_int_equal(strlen(re), 25);
	refused(re, "more than 2000 pieces");
	refused("(((a{1,100}){1,100}){1,100})", "more than 2000 pieces");
}

static void
ordinary(void **state)
{
	(void)state;
	passes("^Re:");
	passes("(foo|bar)+");
	passes("[0-9]{4}");
	passes("a{1,100}");
	passes("^(re|fwd|aw):");
	passes("lists\\.example\\.org");
	passes("invoice|bill");
	passes("^[[:alpha:]]+ [0-9]{4}-[0-9]{2}-[0-9]{2}$");
	passes("(a+)+");
	passes("a+?"); /* (a+)? */
	passes("(^| )m0@");
	passes("\\bfoo\\b");
	passes("(x|)(y|)"); /* each matches the empty string one way */
	passes("(re: *)*");
	passes("a{1,1999}"); /* just within: 2000 */
	refused("a{1,2000}", "2000 pieces");
}

/* What glibc takes exponential time (or a high power of the size) for:
 * loops and repetitions of what can match the empty string, parts that
 * match it in two ways; and anchors, counted heavily. */
static void
empty_matches(void **state)
{
	static const char *const repeats[] = { "(a*)*", "(x?)+", "a**", "a*+",
		"a??", "a*?", "(a|)*", "(^)*", "(\\b|x){2}", "x?{1,600}",
		"(x?{0,10}){5,}", "((x?)?){40}(y?)*", "(a)\\1*", "a{0}*",
		"(a|b*){1,3}" };
	static const char *const twice[] = { "a?|b?", "(a?|b*)", "(x|)|y?",
		"(^|$)", "^(x|y?|)" };
	struct md_regex_cost c;

	(void)state;
	for (size_t i = 0; i < sizeof(repeats) / sizeof(repeats[0]); i++)
		refused(repeats[i], "repeats what can match the empty string");
	for (size_t i = 0; i < sizeof(twice) / sizeof(twice[0]); i++)
		refused(twice[i], "empty string in two ways");
	md_regex_cost("(a?|b*)", &c);
	assert_int_equal(c.ambiguous, 1);
	assert_int_equal(c.empty_repeat, 0);
	md_regex_cost("a+*", &c); /* (aa*)*: a+ needs an a */
	assert_int_equal(c.ambiguous + c.empty_repeat, 0);
	/* ^x? a hundred times took glibc a gigabyte at 500 */
	refused("^x?^x?^x?^x?^x?^x?^x?^x?^x?^x?^x?^x?^x?^x?^x?^x?^x?^x?^x?"
	        "^x?^x?^x?^x?^x?^x?^x?^x?^x?^x?^x?^x?^x?^x?^x?^x?^x?^x?^x?"
	        "^x?^x?^x?^x?^x?^x?^x?^x?^x?^x?^x?^x?^x?^x?^x?^x?^x?^x?^x?"
	        "^x?^x?^x?^x?^x?^x?^x?^x?^x?^x?^x?^x?^x?^x?^x?^x?^x?^x?^x?"
	        "^x?^x?^x?^x?^x?^x?^x?^x?^x?^x?^x?^x?^x?^x?^x?^x?^x?^x?^x?",
	    "2000 pieces");
}

static void
bounds(void **state)
{
	char re[MD_REGEX_LEN + 2], deep[2 * MD_REGEX_DEPTH + 3];

	(void)state;
	/* length: 4096 bytes pass (if cheap), 4097 do not */
	memset(re, '.', MD_REGEX_LEN);
	re[MD_REGEX_LEN] = '\0';
	refused(re, "2000 pieces");
	memset(re, 'a', MD_REGEX_LEN);
	memcpy(re, "[a", 2);
	re[MD_REGEX_LEN - 1] = ']';
	passes(re); /* one bracket expression of 4096 bytes */
	re[MD_REGEX_LEN] = 'x';
	re[MD_REGEX_LEN + 1] = '\0';
	refused(re, "4096 bytes");
	/* nesting: 100 groups pass, 101 do not */
	memset(deep, '(', MD_REGEX_DEPTH);
	memset(deep + MD_REGEX_DEPTH, ')', MD_REGEX_DEPTH);
	deep[2 * MD_REGEX_DEPTH] = '\0';
	passes(deep);
	memset(deep, '(', MD_REGEX_DEPTH + 1);
	memset(deep + MD_REGEX_DEPTH + 1, ')', MD_REGEX_DEPTH + 1);
	deep[2 * MD_REGEX_DEPTH + 2] = '\0';
	refused(deep, "nested more than 100");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(counted),
		cmocka_unit_test(not_repetitions),
		cmocka_unit_test(saturates),
		cmocka_unit_test(issue_cases),
		cmocka_unit_test(ordinary),
		cmocka_unit_test(empty_matches),
		cmocka_unit_test(bounds),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
