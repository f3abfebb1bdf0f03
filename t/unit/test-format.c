/* Unit tests for format.c: md-list's --format compiled (refusals with
 * their offsets) and rendered (each escape, widths in UTF-8 characters,
 * a buffer too small), and sizes for people. */
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

static struct md_clock clk; /* 40 KiB: not on the stack; UTC (setup) */

/* FMT rendered for M into a static buffer. */
static const char *
render(const char *fmt, const struct md_listed *m)
{
	static char buf[8192];
	struct md_compile_err ce = { 0 };
	struct md_format f;
	size_t n;

	if (md_format_compile(&f, fmt, &ce) != 0)
		fail_msg("'%s' refused at %zu: %s", fmt, ce.off, ce.why);
	n = md_format_render(&f, m, &clk, buf, sizeof(buf));
	assert_int_equal(n, strlen(buf));
	md_format_free(&f);
	return buf;
}

static const char *
shown(const char *fmt)
{
	struct md_listed m;

	listed_m1(&m);
	return render(fmt, &m);
}

/* FMT is refused for a reason holding WHY, at the escape of LEN bytes at
 * OFF. */
static void
refused(const char *fmt, size_t off, size_t len, const char *why)
{
	struct md_compile_err ce = { 0 };
	struct md_format f;

	errno = 0;
	if (md_format_compile(&f, fmt, &ce) != -1)
		fail_msg("'%s' compiled", fmt);
	assert_int_equal(errno, EINVAL);
	assert_non_null(ce.why);
	if (strstr(ce.why, why) == NULL)
		fail_msg("'%s': '%s' does not say '%s'", fmt, ce.why, why);
	if (ce.off != off || ce.len != len)
		fail_msg("'%s': at %zu (%zu bytes), not %zu (%zu)", fmt, ce.off,
		    ce.len, off, len);
	md_format_free(&f);
}

static int
setup(void **state)
{
	(void)state;
	setenv("TZ", "UTC0", 1);
	tzset();
	md_clock_init(&clk);
	return 0;
}

static void
each_escape(void **state)
{
	(void)state;
	assert_string_equal(shown("%p|%b|%F|%X|%K"),
	    "M/cur/m1:2,FSa|m1|Work.Lists|FSa|$Label1");
	assert_string_equal(shown("%z|%Z"), "4800|4.7K");
	assert_string_equal(
	    shown("%d|%r"), "2023-01-02 10:00|2023-11-14 22:18");
	assert_string_equal(shown("%{%Y/%m/%d %H.%M.%S}d|%{%s}r"),
	    "2023/01/02 10.00.00|1700000300");
	assert_string_equal(shown("%f|%A|%t|%c|%s"),
	    "Alice Able|\"Alice Able\" <alice@example.org>|bob@example.org||"
	    "Re: Lunch");
	assert_string_equal(shown("%i|%I|%R|%l"),
	    "m1@example.org|m0@example.org|r@example.org m0@example.org|"
	    "<food.example.org>");
	assert_string_equal(shown("100%% a\\tb\\\\c\\nd"), "100% a\tb\\c\nd");
	assert_string_equal(shown(""), "");
	assert_string_equal(shown("plain"), "plain");
}

static void
empty_parts(void **state)
{
	struct md_listed m;

	(void)state;
	listed_m1(&m);
	m.name = "m3"; /* no info: no flags, the base is the name */
	m.folder = "";
	m.kw = "";
	m.kwn = 0;
	m.s.size = 0;
	for (int k = 0; k < MD_S_N; k++)
		m.s.s[k].n = 0;
	assert_string_equal(
	    render("[%X][%b][%F][%K][%s][%z][%Z]", &m), "[][m3][][][][0][0B]");
	assert_string_equal(render("[%3s][%-3K]", &m), "[   ][   ]");
}

static void
widths(void **state)
{
	struct md_listed m;

	(void)state;
	assert_string_equal(shown("[%-6b][%6b][%-3s][%3s][%-12s][%1b]"),
	    "[m1    ][    m1][Re:][Re:][Re: Lunch   ][m]");
	assert_string_equal(
	    shown("[%8z][%-6Z][%2d]"), "[    4800][4.7K  ][20]");
	listed_m1(&m);
	/* characters, not bytes: "Grüße" is 5 of them in 7 bytes */
	m.s.s[MD_S_SUBJECT].p = "Gr\xc3\xbc\xc3\x9f"
	                        "e";
	m.s.s[MD_S_SUBJECT].n = 7;
	assert_string_equal(render("[%-3s][%7s]", &m),
	    "[Gr\xc3\xbc][  Gr\xc3\xbc\xc3\x9f"
	    "e]");
	/* a byte that is no character's counts as one */
	m.path = "a\xff\xc3z";
	m.pathlen = 4;
	assert_string_equal(
	    render("[%3p][%-6p]", &m), "[a\xff\xc3][a\xff\xc3z  ]");
	/* the widest width, padded with more spaces than one run holds */
	assert_int_equal(strlen(render("%4096b", &m)), 4096);
	assert_int_equal(strlen(render("%-100b|", &m)), 101);
}

/* A buffer too small: cut and NUL-terminated, the whole length told. */
static void
small_buffer(void **state)
{
	struct md_compile_err ce;
	struct md_format f;
	struct md_listed m;
	char buf[8];

	(void)state;
	listed_m1(&m);
	assert_int_equal(md_format_compile(&f, "%s|%8b", &ce), 0);
	assert_int_equal(md_format_render(&f, &m, &clk, buf, sizeof(buf)), 18);
	assert_string_equal(buf, "Re: Lun");
	assert_int_equal(md_format_render(&f, &m, &clk, buf, 1), 18);
	assert_string_equal(buf, "");
	assert_int_equal(md_format_render(&f, &m, &clk, NULL, 0), 18);
	md_format_free(&f);
}

static void
refusals(void **state)
{
	char longpat[MD_FORMAT_PATTERN + 8];

	(void)state;
	refused("%q", 0, 2, "unknown escape");
	refused("a%-fb", 1, 3, "bad width (1 to 4096)");
	refused("%0s", 0, 2, "bad width");
	refused("x%5000s", 1, 5, "bad width");
	refused("%4097s", 0, 5, "bad width");
	refused("%-", 0, 2, "bad width");
	refused("%-2", 0, 3, "unfinished escape");
	refused("ab%", 2, 1, "unfinished escape");
	refused("%{%Y", 0, 4, "no closing brace");
	refused("%{%Y}s", 0, 6, "only %d and %r take a {pattern}");
	refused("%5%", 0, 3, "unknown escape");
	refused("%{x}%", 0, 5, "unknown escape");
	refused("x\\q", 1, 2, "unknown escape");
	refused("x\\", 1, 1, "unfinished escape");
	memset(longpat, 'x', sizeof(longpat));
	memcpy(longpat, "%{", 2);
	memcpy(longpat + MD_FORMAT_PATTERN + 3, "}d", 3);
	refused(longpat, 0, 2, "pattern too long");
	longpat[MD_FORMAT_PATTERN + 2] = '}';
	longpat[MD_FORMAT_PATTERN + 3] = 'd';
	longpat[MD_FORMAT_PATTERN + 4] = '\0';
	assert_int_equal(strlen(shown(longpat)), MD_FORMAT_PATTERN);
}

/* What each escape needs of a message, so that a listing reads no more. */
static void
needs(void **state)
{
	static const struct {
		const char *fmt;
		unsigned need;
	} tab[] = {
		{ "%p %b %X x\\t%%", 0 },
		{ "%F", MD_NEED_FOLDER },
		{ "%K", MD_NEED_KEYWORDS },
		{ "%z", MD_NEED_SUMMARY | MD_NEED_STAT },
		{ "%Z%d%r", MD_NEED_SUMMARY | MD_NEED_STAT },
		{ "%d %{%Y}d",
		    MD_NEED_SUMMARY }, /* the mtime only as a stand-in */
		{ "%f", MD_NEED_SUMMARY | 1u << MD_S_NAME },
		{ "%s %-3A",
		    MD_NEED_SUMMARY | 1u << MD_S_SUBJECT | 1u << MD_S_FROM },
		{ "%t%c%i%I%R%l", MD_NEED_SUMMARY | 1u << MD_S_TO |
		                      1u << MD_S_CC | 1u << MD_S_MSGID |
		                      1u << MD_S_IRT | 1u << MD_S_REFS |
		                      1u << MD_S_LISTID },
	};
	struct md_compile_err ce;
	struct md_format f;

	(void)state;
	for (size_t i = 0; i < sizeof(tab) / sizeof(tab[0]); i++) {
		assert_int_equal(md_format_compile(&f, tab[i].fmt, &ce), 0);
		assert_int_equal(f.need, tab[i].need);
		md_format_free(&f);
	}
}

/* Adjacent text and %% make one piece. */
static void
pieces(void **state)
{
	struct md_compile_err ce;
	struct md_format f;

	(void)state;
	assert_int_equal(md_format_compile(&f, "a%%b\\tc%sd", &ce), 0);
	assert_int_equal(f.n, 3);
	assert_int_equal(f.item[0].kind, MD_FMT_TEXT);
	assert_string_equal(f.item[0].text, "a%b\tc");
	assert_int_equal(f.item[1].kind, MD_FMT_FIELD);
	assert_int_equal(f.item[1].field, MD_S_SUBJECT);
	assert_string_equal(f.item[2].text, "d");
	md_format_free(&f);
	assert_int_equal(f.n, 0);
	md_format_free(&f); /* twice: harmless */
}

static void
human_size(void **state)
{
	char h[16];

	(void)state;
	md_human_size(0, h, sizeof(h));
	assert_string_equal(h, "0B");
	md_human_size(482, h, sizeof(h));
	assert_string_equal(h, "482B");
	md_human_size(4800, h, sizeof(h));
	assert_string_equal(h, "4.7K");
	md_human_size(100 * 1024, h, sizeof(h));
	assert_string_equal(h, "100K");
	md_human_size(1536 * 1024, h, sizeof(h));
	assert_string_equal(h, "1.5M");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(each_escape),
		cmocka_unit_test(empty_parts),
		cmocka_unit_test(widths),
		cmocka_unit_test(small_buffer),
		cmocka_unit_test(refusals),
		cmocka_unit_test(needs),
		cmocka_unit_test(pieces),
		cmocka_unit_test(human_size),
	};

	return cmocka_run_group_tests(tests, setup, NULL);
}
