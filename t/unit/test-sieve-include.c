/* Unit tests for sieve-include.c and include at run time (RFC 6609):
 * scripts written into a personal and a global directory, linked by
 * md_sieve_compile_dirs, run over a message; the faults of linking (a
 * script not there, a bad name, a loop, the depth and count limits)
 * with their places and files; global variables, :once, :optional,
 * return and stop; RFC 6609's own examples. */
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
#include "scratch.h"
#include "sieve-show.h"

static char pdir[PATH_MAX], gdir[PATH_MAX];
static struct md_sieve_dirs dirs;
static struct md_decoder dec;

static const char msg[] = "From: boss@example.com\n"
                          "To: alice@example.org\n"
                          "Subject: Weekly report\n"
                          "List-Id: <team.example.org>\n"
                          "\n"
                          "body\n";

/* The personal script NAME.sieve (or "g:NAME", the global one) as TEXT. */
static void
put(const char *name, const char *text)
{
	char rel[128];
	int global = strncmp(name, "g:", 2) == 0;

	snprintf(rel, sizeof(rel), "%s/%s.sieve", global ? "g" : "p",
	    name + 2 * global);
	scratch_write(scratch, rel, text);
}

/* The personal script MAIN linked and run over msg: its actions as one
 * line ("fileinto:A keep*"), or "fault FILE:LINE:COL: why" for a
 * script that does not compile, "error FILE:LINE: why" for a run that
 * fails (FILE the base name of the included script, "-" for MAIN). */
static const char *
run(const char *main)
{
	static char out[1024];
	struct md_sieve_script s;
	struct md_sieve_result r = { 0 };
	struct md_sieve_err e;
	struct md_header h;
	struct md_sieve_msg m = { .h = &h, .d = &dec, .size = sizeof(msg) };
	char path[PATH_MAX + 64];
	const char *f;

	snprintf(path, sizeof(path), "%s/%s.sieve", pdir, main);
	if (md_sieve_compile_dirs(&s, path, &dirs, &e) < 0) {
		f = strrchr(e.file, '/');
		snprintf(out, sizeof(out), "fault %s:%u:%u: %s",
		    f ? f + 1 : "-", e.line, e.col, e.msg);
		return out;
	}
	md_header_init(&h);
	assert_int_equal(md_header_parse(&h, msg, strlen(msg)), 0);
	out[0] = '\0';
	if (md_sieve_run(&s, &m, &r, &e) < 0) {
		f = strrchr(e.file, '/');
		snprintf(out, sizeof(out), "error %s:%u: %s", f ? f + 1 : "-",
		    e.line, e.msg);
	}
	if (out[0] != 'e')
		sieve_show(&r, 0, out, sizeof(out));
	md_sieve_result_free(&r);
	md_sieve_free(&s);
	md_header_free(&h);
	return out;
}

#define R "require [\"include\", \"variables\", \"fileinto\"];\n"

/* RFC 6609 3.4's example, in short: a user's script with the admin's
 * spam rules and the user's own list rules. */
static void
rfc_example(void **state)
{
	(void)state;
	put("g:spam_tests",
	    "require [\"fileinto\"];\n"
	    "if header :contains \"subject\" \"viagra\" { fileinto "
	    "\"Junk\"; stop; }\n");
	put("lists", "require \"fileinto\";\n"
	             "if header :contains \"list-id\" \"team\" { fileinto "
	             "\"Team\"; }\n");
	put("main", "require [\"include\"];\n"
	            "include :global \"spam_tests\";\n"
	            "include :personal \"lists\";\n");
	assert_string_equal(run("main"), "fileinto:Team");
}

static void
variables(void **state)
{
	(void)state;
	/* a global travels both ways; return leaves the rest undone */
	put("main", R "global \"g\"; set \"g\" \"1\"; include \"sub\";\n"
	              "fileinto \"after-${g}\";");
	put("sub", R "global \"g\"; fileinto \"in-${g}\"; set \"g\" \"2\";\n"
	             "return; fileinto \"never\";");
	assert_string_equal(run("main"), "fileinto:in-1 fileinto:after-2");
	/* other variables are each script's, match variables too */
	put("main", R "set \"x\" \"m\";\n"
	              "if header :matches \"subject\" \"* report\" {}\n"
	              "include \"sub\"; fileinto \"${x}-${1}\";");
	put("sub", R "set \"x\" \"s\"; fileinto \"${x}-[${1}]\";");
	assert_string_equal(run("main"), "fileinto:s-[] fileinto:m-Weekly");
	/* :once runs a script once; without, as often as named */
	put("main", R "global \"n\";\n"
	              "include :once \"inc\"; include :once \"inc\";\n"
	              "include \"other\"; fileinto \"n${n}\";");
	put("inc", R "global \"n\"; set \"n\" \"${n}i\";");
	put("other", R "include \"inc2\"; include \"inc2\";");
	put("inc2", R "global \"n\"; set \"n\" \"${n}j\";");
	assert_string_equal(run("main"), "fileinto:nijj");
}

static void
control(void **state)
{
	(void)state;
	put("main", R "include \"sub\"; fileinto \"main\";");
	put("sub", R "if true { stop; } fileinto \"sub\";");
	assert_string_equal(run("main"), "keep*");
	put("sub", R "if true { return; } fileinto \"sub\";");
	assert_string_equal(run("main"), "fileinto:main");
	put("main", R "return; fileinto \"main\";");
	assert_string_equal(run("main"), "keep*");
	/* the actions of all scripts are one run's */
	put("main", R "include \"sub\"; fileinto \"A\"; keep;");
	put("sub", R "fileinto \"A\"; fileinto \"B\";");
	assert_string_equal(run("main"), "fileinto:A fileinto:B keep");
	put("main", R "include :optional \"none\"; fileinto \"x\";");
	assert_string_equal(run("main"), "fileinto:x");
	/* a runtime error of an included script: its file and line */
	put("main", R "include \"sub\";");
	put("sub", "require [\"fileinto\", \"reject\"];\nfileinto \"x\";\n"
	           "reject \"no\";");
	assert_string_equal(run("main"),
	    "error sub.sieve:3: reject conflicts with an earlier fileinto");
}

static void
faults(void **state)
{
	(void)state;
	put("main", R "include \"none\";");
	assert_string_equal(run("main"),
	    "fault -:2:1: include: personal script 'none': not there");
	put("main", R "include :global \"none\";");
	assert_string_equal(run("main"),
	    "fault -:2:1: include: global script 'none': not there");
	put("main", R "\n  include \"sub\";");
	put("sub", R "fileinto;");
	assert_string_equal(run("main"),
	    "fault sub.sieve:2:1: 'fileinto' needs a string as argument 1");
	put("sub", R "include \"main\";");
	assert_string_equal(run("main"),
	    "fault sub.sieve:2:1: include: 'main' is being run already (a "
	    "loop)");
	put("sub", R "include :once \"main\";"); /* :once is no way out */
	assert_string_equal(run("main"),
	    "fault sub.sieve:2:1: include: 'main' is being run already (a "
	    "loop)");
	put("main", R "include \"main\";");
	assert_string_equal(run("main"),
	    "fault -:2:1: include: 'main' is being run already (a loop)");
	put("main", R "include \"a/b\";");
	assert_string_equal(
	    run("main"), "fault -:2:1: include: 'a/b' is no script name");
	put("main", R "include \"..\";");
	assert_string_equal(
	    run("main"), "fault -:2:1: include: '..' is no script name");
	put("main", R "include \"\";");
	assert_string_equal(
	    run("main"), "fault -:2:1: include: '' is no script name");
	put("main", R "include \"a\001b\";"); /* a control character */
	assert_string_equal(
	    run("main"), "fault -:2:1: include: 'a\001b' is no script name");
	put("main", R "set \"n\" \"sub\"; include \"${n}\";");
	assert_string_equal(
	    run("main"), "fault -:2:24: include: '${n}' is no constant name");
	put("main", "require \"include\"; global \"x\";");
	assert_string_equal(
	    run("main"), "fault -:1:20: 'global' needs variables required");
	put("main", R "fileinto \"${X}\"; global \"x\";");
	assert_string_equal(
	    run("main"), "fault -:2:25: global 'x' after the script used it");
	put("main", R "if true { set \"x\" \"1\"; }\nglobal [\"y\", \"x\"];");
	assert_string_equal(
	    run("main"), "fault -:3:8: global 'x' after the script used it");
	put("main", R "global \"x\"; set \"x\" \"1\"; global \"x\"; keep;");
	assert_string_equal(run("main"), "keep");
	put("main", R "include :personal :global \"sub\";");
	assert_string_equal(run("main"),
	    "fault -:2:19: ':global' conflicts with an earlier tag of "
	    "'include'");
	put("main", "include \"sub\";");
	assert_string_equal(
	    run("main"), "fault -:1:1: 'include' needs its extension required");
	dirs.global = NULL;
	put("main", R "include :global \"sub\";");
	assert_string_equal(
	    run("main"), "fault -:2:1: include: no global script directory");
	dirs.global = gdir;
}

static void
limits(void **state)
{
	char name[16], text[64];
	char *big = malloc(256 * 24 + sizeof(R));

	(void)state;
	assert_non_null(big);
	/* ten deep is allowed, eleven not (Pigeonhole's) */
	for (int i = 1; i <= 11; i++) {
		snprintf(name, sizeof(name), "d%d", i);
		snprintf(text, sizeof(text), R "include \"d%d\";", i + 1);
		put(name, i == 11 ? R "fileinto \"deep\";" : text);
	}
	put("main", R "include \"d2\";");
	assert_string_equal(run("main"), "fileinto:deep");
	put("main", R "include \"d1\";");
	assert_string_equal(
	    run("main"), "fault d10.sieve:2:1: include: nested deeper than 10");
	/* 255 scripts in all, not 256 */
	strlcpy(big, R, 256 * 24 + sizeof(R));
	for (int i = 0; i < 256; i++) {
		snprintf(name, sizeof(name), "n%d", i);
		put(name, "keep;");
		snprintf(text, sizeof(text), "include \"n%d\";\n", i);
		if (i < 255)
			strlcat(big, text, 256 * 24 + sizeof(R));
	}
	put("main", big);
	assert_string_equal(run("main"), "keep");
	strlcat(big, "include \"n255\";\n", 256 * 24 + sizeof(R));
	put("main", big);
	assert_string_equal(
	    run("main"), "fault -:257:1: include: more than 255 scripts");
	free(big);
}

/* Compiled without its includes read (md_sieve_compile): an include is
 * a runtime error, an :optional one nothing. */
static void
unlinked(void **state)
{
	static const char src[] = R "include :optional \"a\";\n"
	                            "include \"b\";\n";
	struct md_sieve_script s;
	struct md_sieve_result r = { 0 };
	struct md_sieve_err e;
	struct md_header h;
	struct md_sieve_msg m = { .h = &h, .d = &dec, .size = 1 };

	(void)state;
	md_header_init(&h);
	assert_int_equal(md_header_parse(&h, msg, strlen(msg)), 0);
	assert_int_equal(md_sieve_compile(&s, src, strlen(src), &e), 0);
	assert_int_equal(md_sieve_run(&s, &m, &r, &e), -1);
	assert_int_equal(e.kind, MD_SIEVE_RUNTIME);
	assert_int_equal(e.line, 3);
	assert_string_equal(e.msg, "include: 'b' was not read");
	md_sieve_result_free(&r);
	md_sieve_free(&s);
	md_header_free(&h);
}

static int
setup(void **state)
{
	if (scratch_setup(state) < 0)
		return -1;
	snprintf(pdir, sizeof(pdir), "%s/p", scratch);
	snprintf(gdir, sizeof(gdir), "%s/g", scratch);
	if (mkdir(pdir, 0700) < 0 || mkdir(gdir, 0700) < 0)
		return -1;
	dirs.personal = pdir;
	dirs.global = gdir;
	md_decoder_init(&dec);
	return 0;
}

static int
teardown(void **state)
{
	md_decoder_free(&dec);
	return scratch_teardown(state);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(rfc_example),
		cmocka_unit_test(variables),
		cmocka_unit_test(control),
		cmocka_unit_test(faults),
		cmocka_unit_test(limits),
		cmocka_unit_test(unlinked),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
