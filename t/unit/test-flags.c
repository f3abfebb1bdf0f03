/* Unit tests for flags.c: flag sets and ":2," info round trips. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "internal.h"

/* Parse NAME, set/clear flags, format; compare with WANT. */
static void
roundtrip(
    const char *name, const char *set, const char *clear, const char *want)
{
	struct md_name n;
	struct md_flags f;
	char out[NAME_MAX + 1];

	md_name_parse(name, &n);
	f = n.flags;
	for (; *set; set++)
		md_flags_set(&f, (unsigned char)*set, 1);
	for (; *clear; clear++)
		md_flags_set(&f, (unsigned char)*clear, 0);
	assert_int_equal(md_name_format(out, sizeof(out), name, &n, &f), 0);
	assert_string_equal(out, want);
	/* the identity never changes */
	assert_int_equal(md_name_baselen(out), md_name_baselen(name));
	assert_memory_equal(out, name, md_name_baselen(name));
}

static void
parse_kinds(void **state)
{
	struct md_name n;

	(void)state;
	md_name_parse("1.a.h", &n);
	assert_int_equal(n.kind, MD_INFO_NONE);
	assert_int_equal(n.baselen, 5);
	assert_int_equal(n.keeplen, 5);
	assert_true(md_flags_empty(&n.flags));
	md_name_parse("1.a.h:2,", &n);
	assert_int_equal(n.kind, MD_INFO_2);
	assert_true(md_flags_empty(&n.flags));
	assert_null(n.tail);
	md_name_parse("1.a.h:2,FSa,xyz", &n);
	assert_int_equal(n.kind, MD_INFO_2);
	assert_true(md_flags_has(&n.flags, 'F'));
	assert_true(md_flags_has(&n.flags, 'S'));
	assert_true(md_flags_has(&n.flags, 'a'));
	assert_false(md_flags_has(&n.flags, 'R'));
	assert_string_equal(n.tail, "xyz");
	md_name_parse("1.a.h:1,experimental", &n);
	assert_int_equal(n.kind, MD_INFO_OTHER);
	assert_int_equal(n.keeplen, 5);
	md_name_parse("1.a:b.h:2,S", &n);
	assert_int_equal(n.baselen, 3);
	assert_int_equal(n.keeplen, 7);
	assert_true(md_flags_has(&n.flags, 'S'));
}

static void
roundtrips(void **state)
{
	(void)state;
	roundtrip("1.a.h", "S", "", "1.a.h:2,S");
	roundtrip("1.a.h", "", "", "1.a.h:2,");
	roundtrip("1.a.h:2,S", "F", "", "1.a.h:2,FS");
	roundtrip("1.a.h:2,S", "", "S", "1.a.h:2,");
	roundtrip("1.a.h:2,TSRPFD", "", "", "1.a.h:2,DFPRST");
	/* keywords and unknown letters are kept, ASCII order */
	roundtrip("1.a.h:2,Sbza", "R", "", "1.a.h:2,RSabz");
	roundtrip("1.a.h:2,SX", "", "S", "1.a.h:2,X");
	/* a ,tail survives */
	roundtrip("1.a.h,S=12:2,S,U=4", "T", "", "1.a.h,S=12:2,ST,U=4");
	/* other info is replaced by ":2," info, the base stays */
	roundtrip("1.a.h:1,odd", "S", "", "1.a.h:2,S");
	/* odd names: colons inside, empty base */
	roundtrip("1.a:b.h:2,S", "F", "", "1.a:b.h:2,FS");
	roundtrip(":2,S", "F", "", ":2,FS");
}

static void
user_flags(void **state)
{
	struct md_flags f;
	char buf[8];

	(void)state;
	assert_int_equal(md_flags_from_user("SFa", &f), 0);
	assert_int_equal(md_flags_format(&f, buf, sizeof(buf)), 3);
	assert_string_equal(buf, "FSa");
	assert_int_equal(md_flags_from_user("", &f), 0);
	assert_true(md_flags_empty(&f));
	assert_int_equal(md_flags_from_user("S,", &f), -1);
	assert_int_equal(errno, EINVAL);
	assert_int_equal(md_flags_from_user("S/", &f), -1);
	assert_int_equal(md_flags_from_user("1", &f), -1);
	assert_int_equal(md_flags_from_user(":", &f), -1);
	assert_int_equal(md_flags_from_user("S", &f), 0);
	assert_int_equal(md_flags_format(&f, buf, 1), -1);
	assert_int_equal(errno, ENAMETOOLONG);
}

/* Every byte a flag (in all four words of the set, 0 never): all 255
 * in byte order, and one byte too few for them refused. */
static void
every_byte(void **state)
{
	struct md_flags f;
	char buf[257];

	(void)state;
	md_flags_zero(&f);
	for (unsigned c = 0; c < 256; c++)
		md_flags_set(&f, (unsigned char)c, 1);
	assert_int_equal(md_flags_format(&f, buf, sizeof(buf)), 255);
	for (unsigned c = 1; c < 256; c++)
		assert_int_equal((unsigned char)buf[c - 1], c);
	assert_int_equal(buf[255], '\0');
	assert_int_equal(md_flags_format(&f, buf, 255), -1);
	assert_int_equal(errno, ENAMETOOLONG);
}

static void
too_long(void **state)
{
	char name[NAME_MAX + 1], out[NAME_MAX + 1];
	struct md_name n;
	struct md_flags f;

	(void)state;
	memset(name, 'x', NAME_MAX - 2);
	name[NAME_MAX - 2] = '\0';
	md_name_parse(name, &n);
	md_flags_zero(&f);
	md_flags_set(&f, 'S', 1);
	assert_int_equal(md_name_format(out, sizeof(out), name, &n, &f), -1);
	assert_int_equal(errno, ENAMETOOLONG);
}

static struct md_flags
of(const char *letters)
{
	struct md_flags f;

	assert_int_equal(md_flags_from_user(letters, &f), 0);
	return f;
}

/* contains/overlap of two letter strings */
static int
contains(const char *a, const char *b)
{
	struct md_flags fa = of(a), fb = of(b);

	return md_flags_contains(&fa, &fb);
}

static int
overlap(const char *a, const char *b)
{
	struct md_flags fa = of(a), fb = of(b);

	return md_flags_overlap(&fa, &fb);
}

static void
set_operations(void **state)
{
	struct md_flags f = of("FRa"), set = of("ST"), clear = of("Ra");
	struct md_flags want = of("FST");

	(void)state;
	md_flags_apply(&f, &set, &clear);
	assert_true(md_flags_equal(&f, &want));
	assert_false(md_flags_equal(&f, &set));
	/* clear wins over set (md-flag refuses both at once anyway) */
	f = of("S");
	set = clear = of("T");
	md_flags_apply(&f, &set, &clear);
	want = of("S");
	assert_true(md_flags_equal(&f, &want));
	assert_true(contains("FSab", "Sa"));
	assert_false(contains("FS", "Sa"));
	assert_true(contains("", ""));
	assert_true(overlap("FS", "zS"));
	assert_false(overlap("FS", "RT"));
	assert_false(overlap("", ""));
}

static void
flag_options(void **state)
{
	struct md_flags up, low, want;

	(void)state;
	md_flags_zero(&up);
	md_flags_zero(&low);
	assert_int_equal(md_flags_option('S', NULL, &up, &low), 0);
	assert_int_equal(md_flags_option('t', NULL, &up, &low), 0);
	assert_int_equal(md_flags_option('X', "Fa", &up, &low), 0);
	assert_int_equal(md_flags_option('x', "b", &up, &low), 0);
	want = of("FSa");
	assert_true(md_flags_equal(&up, &want));
	want = of("Tb");
	assert_true(md_flags_equal(&low, &want));
	assert_int_equal(md_flags_option('X', "S1", &up, &low), -1);
	assert_int_equal(errno, EINVAL);
	want = of("FSa"); /* a bad string changes nothing */
	assert_true(md_flags_equal(&up, &want));
	assert_int_equal(md_flags_option('0', NULL, &up, &low), -1);
}

static void
name_flags(void **state)
{
	struct md_flags f;
	char buf[64];

	(void)state;
	md_name_flags("1.x,S=3:2,TSa,tail", &f);
	md_flags_format(&f, buf, sizeof(buf));
	assert_string_equal(buf, "STa");
	md_name_flags("1.x:1,SF", &f); /* other info: no flags */
	assert_true(md_flags_empty(&f));
	md_name_flags("1.x", &f);
	assert_true(md_flags_empty(&f));
	md_name_flags("a:b:2,F", &f); /* flags after the last ':' */
	assert_true(md_flags_has(&f, 'F'));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(parse_kinds),
		cmocka_unit_test(roundtrips),
		cmocka_unit_test(user_flags),
		cmocka_unit_test(every_byte),
		cmocka_unit_test(too_long),
		cmocka_unit_test(set_operations),
		cmocka_unit_test(name_flags),
		cmocka_unit_test(flag_options),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
