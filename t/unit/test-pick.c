/* Unit tests for pick.c: which messages a listing picks by name: flags
 * all of and none of, keywords by name through each maildir's
 * dovecot-keywords, new/ or cur/, and options that pick nothing. */
#include <errno.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cmocka.h>

#include "internal.h"
#include "scratch.h"

/* Does a message named NAME (in new/ when IN_NEW) pass P as D has it? */
static int
picks(const struct md_pick *p, const struct md_pick_dir *d, const char *name,
    int in_new)
{
	struct md_flags f;

	md_name_flags(name, &f);
	return md_pick_test(p, d, &f, in_new);
}

static void
flags(void **state)
{
	struct md_pick p = { 0 };
	struct md_pick_dir d = { 0 };

	(void)state;
	assert_int_equal(md_pick_flags(&p), 0);
	assert_int_equal(md_flags_option('S', NULL, &p.with, &p.without), 0);
	assert_int_equal(md_flags_option('t', NULL, &p.with, &p.without), 0);
	assert_int_equal(md_pick_flags(&p), 1);
	/* no names asked: no dovecot-keywords read, none needed */
	assert_int_equal(md_pick_load(&d, &p, "/nonexistent", NULL), 0);
	assert_true(picks(&p, &d, "1.a.h:2,S", 0));
	assert_true(picks(&p, &d, "1.a.h:2,FS", 1));
	assert_false(picks(&p, &d, "1.a.h:2,ST", 0));
	assert_false(picks(&p, &d, "1.a.h:2,F", 0));
	assert_false(picks(&p, &d, "1.a.h", 1));
	md_pick_free(&d);
}

static void
places(void **state)
{
	struct md_pick p = { 0 };
	struct md_pick_dir d = { 0 };

	(void)state;
	assert_true(md_pick_sub(&p, 1) && md_pick_sub(&p, 0));
	p.only_new = 1;
	assert_true(md_pick_sub(&p, 1));
	assert_false(md_pick_sub(&p, 0));
	assert_true(picks(&p, &d, "1.a.h", 1));
	assert_false(picks(&p, &d, "1.a.h:2,", 0));
	memset(&p, 0, sizeof(p));
	p.not_new = 1;
	assert_false(md_pick_sub(&p, 1));
	assert_true(md_pick_sub(&p, 0));
	memset(&p, 0, sizeof(p));
	p.only_cur = 1;
	assert_false(md_pick_sub(&p, 1));
	assert_false(picks(&p, &d, "1.a.h", 1));
	memset(&p, 0, sizeof(p));
	p.not_cur = 1;
	assert_false(md_pick_sub(&p, 0));
	assert_true(md_pick_sub(&p, 1));
	/* the plain pick reads neither flags nor dovecot-keywords */
	assert_int_equal(md_pick_flags(&p), 0);
}

/* Each option that leaves no message, and one that leaves some. */
static void
nothing(void **state)
{
	char *with[] = { "Work", "Todo" }, *without[] = { "other", "TODO" };
	struct md_pick p = { 0 };
	size_t k = 99;

	(void)state;
	assert_int_equal(md_pick_check(&p, &k), MD_PICK_SOME);
	p.only_new = p.not_cur = 1; /* -N -c: new/ only, said twice */
	assert_int_equal(md_pick_check(&p, &k), MD_PICK_SOME);
	p.only_cur = 1;
	assert_int_equal(md_pick_check(&p, &k), MD_PICK_PLACE);
	memset(&p, 0, sizeof(p));
	p.not_new = p.not_cur = 1;
	assert_int_equal(md_pick_check(&p, &k), MD_PICK_PLACE);
	memset(&p, 0, sizeof(p));
	p.only_new = p.not_new = 1;
	assert_int_equal(md_pick_check(&p, &k), MD_PICK_PLACE);
	memset(&p, 0, sizeof(p));
	p.only_cur = p.not_cur = 1;
	assert_int_equal(md_pick_check(&p, &k), MD_PICK_PLACE);
	memset(&p, 0, sizeof(p));
	p.kwith = with;
	p.nkwith = 2;
	p.kwithout = without;
	p.nkwithout = 1;
	assert_int_equal(md_pick_check(&p, &k), MD_PICK_SOME);
	p.nkwithout = 2; /* "TODO" is "Todo" in another case */
	assert_int_equal(md_pick_check(&p, &k), MD_PICK_KEYWORD);
	assert_int_equal(k, 1);
	/* flags first: the one most often meant */
	md_flags_set(&p.with, 'S', 1);
	md_flags_set(&p.without, 'S', 1);
	assert_int_equal(md_pick_check(&p, &k), MD_PICK_FLAGS);
}

/* A maildir scratch/NAME whose dovecot-keywords holds TEXT (no file when
 * NULL); its path into BUF. */
static const char *
maildir(char *buf, size_t size, const char *name, const char *text)
{
	scratch_maildir(buf, size, name);
	if (text != NULL)
		scratch_put(buf, "dovecot-keywords", text);
	return buf;
}

static void
keywords(void **state)
{
	char m[PATH_MAX], n[PATH_MAX];
	char *with[] = { "work" }, *without[] = { "$Junk", "unknown" };
	struct md_pick p = { .kwith = with, .nkwith = 1 };
	struct md_pick_dir d = { 0 };
	struct md_err e;

	(void)state;
	maildir(m, sizeof(m), "kw", "0 $Junk\n1 Work\n");
	assert_int_equal(md_pick_flags(&p), 1);
	assert_int_equal(md_pick_load(&d, &p, m, &e), 0);
	assert_string_equal(d.kw.name[1], "Work");
	assert_true(picks(&p, &d, "1.a.h:2,Sb", 0));
	assert_false(picks(&p, &d, "1.a.h:2,Sa", 0));
	/* -k: unknown names exclude nothing */
	p.kwithout = without;
	p.nkwithout = 2;
	assert_int_equal(md_pick_load(&d, &p, m, &e), 0);
	assert_false(picks(&p, &d, "1.a.h:2,ab", 0));
	assert_true(picks(&p, &d, "1.a.h:2,b", 0));
	/* another maildir, other letters; one that does not know "work" */
	maildir(n, sizeof(n), "kw2", "0 Work\n");
	assert_int_equal(md_pick_load(&d, &p, n, &e), 0);
	assert_true(picks(&p, &d, "1.a.h:2,a", 0));
	assert_false(picks(&p, &d, "1.a.h:2,b", 0));
	maildir(n, sizeof(n), "kw3", NULL);
	assert_int_equal(md_pick_load(&d, &p, n, &e), 0);
	assert_int_equal(d.none, 1);
	assert_false(picks(&p, &d, "1.a.h:2,a", 0));
	md_pick_free(&d);
}

/* Names read for %K or counts though none is asked; a file that cannot
 * be read is said, and then no message asking for a name passes. */
static void
unreadable(void **state)
{
	char m[PATH_MAX], kw[PATH_MAX + 32];
	char *with[] = { "work" };
	struct md_pick p = { .keywords = 1 };
	struct md_pick_dir d = { 0 };
	struct md_err e;

	(void)state;
	maildir(m, sizeof(m), "names", "0 Work\n");
	assert_int_equal(md_pick_flags(&p), 0);
	assert_int_equal(md_pick_load(&d, &p, m, &e), 0);
	assert_string_equal(d.kw.name[0], "Work");
	assert_true(picks(&p, &d, "1.a.h:2,S", 0));
	/* a directory where the file should be: EISDIR */
	maildir(m, sizeof(m), "bad", NULL);
	scratch_path(kw, sizeof(kw), m, "dovecot-keywords");
	assert_int_equal(mkdir(kw, 0700), 0);
	assert_int_equal(md_pick_load(&d, &p, m, &e), -1);
	assert_string_equal(e.path, kw);
	assert_int_equal(d.none, 0); /* no name asked: all pass */
	assert_true(picks(&p, &d, "1.a.h:2,S", 0));
	p.kwith = with;
	p.nkwith = 1;
	assert_int_equal(md_pick_load(&d, &p, m, &e), -1);
	assert_int_equal(d.none, 1);
	assert_false(picks(&p, &d, "1.a.h:2,a", 0));
	md_pick_free(&d);
}

/* md-list's pick options, letter by letter, into one pick. */
static void
options(void **state)
{
	char work[] = "work", junk[] = "junk", bad[] = "S1";
	struct md_pick p = { 0 };
	struct md_flags f;

	(void)state;
	for (const char *c = "NnCc"; *c != '\0'; c++)
		assert_int_equal(md_pick_option(&p, *c, NULL), 0);
	assert_true(p.only_new && p.not_new && p.only_cur && p.not_cur);
	assert_int_equal(md_pick_option(&p, 'K', work), 0);
	assert_int_equal(md_pick_option(&p, 'k', junk), 0);
	assert_int_equal(md_pick_option(&p, 'K', junk), 0);
	assert_int_equal(p.nkwith, 2);
	assert_ptr_equal(p.kwith[0], work); /* kept, not copied */
	assert_ptr_equal(p.kwith[1], junk);
	assert_int_equal(p.nkwithout, 1);
	assert_ptr_equal(p.kwithout[0], junk);
	assert_int_equal(md_pick_option(&p, 'S', NULL), 0);
	assert_int_equal(md_pick_option(&p, 't', NULL), 0);
	assert_int_equal(md_pick_option(&p, 'X', (char *)"FP"), 0);
	md_flags_zero(&f);
	assert_int_equal(md_flags_from_user("FPS", &f), 0);
	assert_memory_equal(&p.with, &f, sizeof(f));
	md_flags_zero(&f);
	md_flags_set(&f, 'T', 1);
	assert_memory_equal(&p.without, &f, sizeof(f));
	errno = 0;
	assert_int_equal(md_pick_option(&p, 'x', bad), -1);
	assert_int_equal(errno, EINVAL);
	assert_int_equal(md_pick_option(&p, '0', NULL), -1);
	free(p.kwith);
	free(p.kwithout);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(flags),
		cmocka_unit_test(options),
		cmocka_unit_test(places),
		cmocka_unit_test(nothing),
		cmocka_unit_test(keywords),
		cmocka_unit_test(unreadable),
	};

	return cmocka_run_group_tests(tests, scratch_setup, scratch_teardown);
}
