/* Unit tests for cmd/common.c, counts.c and out.c: getopt complaints,
 * flag options, path lists, whether stdin brings paths, output for
 * scripts and people, md-list -i's counts, the output buffer. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "common.h"

/* Run getopt_long over ARGV until it complains; the complaint. */
static const char *
complaint(char **argv, char *buf, size_t size)
{
	static const struct option lo[] = {
		{ "create", no_argument, NULL, 'c' },
		{ "size", required_argument, NULL, 's' },
		{ "quiet", no_argument, NULL, 'Q' }, /* long only */
		{ NULL, 0, NULL, 0 },
	};
	int argc = 0, c;

	while (argv[argc] != NULL)
		argc++;
	optind = 0; /* glibc: full reinitialisation */
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":cs:v", lo, NULL)) != -1)
		if (c == ':' || c == '?')
			return cmd_opt_error(c, argv, lo, buf, size);
	return "";
}

static void
opt_errors(void **state)
{
	char buf[128];

	(void)state;
	assert_string_equal(
	    complaint((char *[]){ "p", "-x", NULL }, buf, sizeof(buf)),
	    "-x: unknown option");
	assert_string_equal(
	    complaint((char *[]){ "p", "--size", NULL }, buf, sizeof(buf)),
	    "--size: needs an argument");
	assert_string_equal(
	    complaint((char *[]){ "p", "-s", NULL }, buf, sizeof(buf)),
	    "-s: needs an argument");
	assert_string_equal(
	    complaint((char *[]){ "p", "--bogus", NULL }, buf, sizeof(buf)),
	    "--bogus: unknown option, or one that takes no argument");
	assert_string_equal(
	    complaint((char *[]){ "p", "--create=1", NULL }, buf, sizeof(buf)),
	    "--create=1: unknown option, or one that takes no argument");
	/* a long-only option given an argument, by name or prefix */
	assert_string_equal(
	    complaint((char *[]){ "p", "--quiet=1", NULL }, buf, sizeof(buf)),
	    "--quiet=1: unknown option, or one that takes no argument");
	assert_string_equal(
	    complaint((char *[]){ "p", "--qui=1", NULL }, buf, sizeof(buf)),
	    "--qui=1: unknown option, or one that takes no argument");
	/* the culprit in a cluster after a long option */
	assert_string_equal(
	    complaint(
	        (char *[]){ "p", "--create", "-vx", NULL }, buf, sizeof(buf)),
	    "-x: unknown option");
}

static void
pathlist(void **state)
{
	static const char in[] = "a/new/1\n\nb/cur/2:2,S\nc\0d\nlast";
	struct cmd_pathlist pl;
	const char *line;
	size_t n;
	FILE *f = fmemopen((void *)in, sizeof(in) - 1, "r");

	(void)state;
	assert_non_null(f);
	cmd_pathlist_init(&pl, f, '\n');
	assert_int_equal(cmd_pathlist_next(&pl, &line, &n), 1);
	assert_string_equal(line, "a/new/1");
	assert_int_equal(cmd_pathlist_next(&pl, &line, &n), 1);
	assert_int_equal(n, 0);
	assert_int_equal(cmd_pathlist_next(&pl, &line, &n), 1);
	assert_string_equal(line, "b/cur/2:2,S");
	errno = 0;
	assert_int_equal(cmd_pathlist_next(&pl, &line, &n), -1);
	assert_int_equal(errno, EINVAL);
	assert_int_equal(n, 3);
	assert_int_equal(cmd_pathlist_next(&pl, &line, &n), 1);
	assert_string_equal(line, "last"); /* no final newline */
	assert_int_equal(cmd_pathlist_next(&pl, &line, &n), 0);
	cmd_pathlist_free(&pl);
	fclose(f);

	/* NUL-terminated: a newline is part of a name */
	f = fmemopen((void *)"x/new/a\nb\0y/cur/c", 17, "r");
	assert_non_null(f);
	cmd_pathlist_init(&pl, f, '\0');
	assert_int_equal(cmd_pathlist_next(&pl, &line, &n), 1);
	assert_string_equal(line, "x/new/a\nb");
	assert_int_equal(cmd_pathlist_next(&pl, &line, &n), 1);
	assert_string_equal(line, "y/cur/c");
	assert_int_equal(cmd_pathlist_next(&pl, &line, &n), 0);
	cmd_pathlist_free(&pl);
	fclose(f);
}

static void
shown(void **state)
{
	char buf[64];

	(void)state;
	assert_string_equal(
	    cmd_vis("M/new/a\r", buf, sizeof(buf)), "M/new/a\\r");
	assert_string_equal(cmd_vis("a\nb\tc", buf, sizeof(buf)), "a\\nb\\tc");
	assert_string_equal(
	    cmd_vis("plain/path:2,S", buf, sizeof(buf)), "plain/path:2,S");
	/* cut to fit, never past the end */
	assert_string_equal(cmd_vis("abcdefgh", buf, 9), "ab");
	assert_string_equal(cmd_vis("\001\001\001", buf, 9), "\\001\\001");
	assert_string_equal(cmd_vis("x", buf, 0), "");
}

/* What cmd_put_tsv or cmd_put_json (JSON) writes for S. */
static const char *
put(int json, const char *s)
{
	static char out[256];
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	if (json)
		cmd_put_json(f, s);
	else
		cmd_put_tsv(f, s);
	assert_int_equal(fclose(f), 0);
	assert_true(len < sizeof(out));
	memcpy(out, buf, len + 1);
	free(buf);
	return out;
}

static void
script_output(void **state)
{
	(void)state;
	assert_string_equal(put(0, "a\tb\nc\\d"), "a\\tb\\nc\\\\d");
	assert_string_equal(put(0, ""), "");
	assert_string_equal(put(1, ""), "\"\"");
	assert_string_equal(
	    put(1, "a\"b\\c\n\x01"), "\"a\\\"b\\\\c\\u000a\\u0001\"");
	/* UTF-8 kept, stray bytes (and a cut character) as \ufffd */
	assert_string_equal(put(1, "caf\xc3\xa9"), "\"caf\xc3\xa9\"");
	assert_string_equal(put(1, "x\xffy\xc3"), "\"x\\ufffdy\\ufffd\"");
	assert_string_equal(
	    put(1, "\xed\xa0\x80"), "\"\\ufffd\\ufffd\\ufffd\"");
}

/* The text FN wrote on a stream. */
#define WRITTEN(out, fn)                                                       \
	do {                                                                   \
		char *buf_ = NULL;                                             \
		size_t len_ = 0;                                               \
		FILE *f = open_memstream(&buf_, &len_);                        \
                                                                               \
		assert_non_null(f);                                            \
		fn;                                                            \
		assert_int_equal(fclose(f), 0);                                \
		assert_true(len_ < sizeof(out));                               \
		memcpy(out, buf_, len_ + 1);                                   \
		free(buf_);                                                    \
	} while (0)

static void
counts(void **state)
{
	static const char *const names[] = { "messages", "bytes" };
	const uint64_t v[] = { 3, 18446744073709551615u };
	char out[256];

	(void)state;
	WRITTEN(out, cmd_tsv_heads(f, names, 2));
	assert_string_equal(out, "maildir\tmessages\tbytes\n");
	WRITTEN(out, cmd_tsv_counts(f, "M\tx", v, 2));
	assert_string_equal(out, "M\\tx\t3\t18446744073709551615\n");
	WRITTEN(out, cmd_json_counts(f, "M\"", names, v, 2));
	assert_string_equal(out,
	    "\"path\":\"M\\\"\",\"messages\":3,\"bytes\":18446744073709551615");
	WRITTEN(out, cmd_json_counts(f, NULL, names, v, 1));
	assert_string_equal(out, "\"messages\":3");
}

static void
table(void **state)
{
	static const char *const cell[] = { "n", "size", "maildir", /* heads */
		"12345", "1.5K", "M", "7", "482B", "Maildir/.Work x" };
	char out[256];

	(void)state;
	WRITTEN(out, cmd_table(f, cell, 3, 3));
	assert_string_equal(out, "    n  size  maildir\n"
	                         "12345  1.5K  M\n"
	                         "    7  482B  Maildir/.Work x\n");
	WRITTEN(out, cmd_table(f, cell, 1, 1)); /* one column: as it is */
	assert_string_equal(out, "n\n");
}

/* md-list -i's counts: a table with a total row, TSV, JSON with each
 * maildir's keywords (named, or a letter no name is known for). */
static void
tallies(void **state)
{
	struct cmd_tally t[2] = { { .path = "M" }, { .path = "M/.W\t" } };
	char out[512];

	(void)state;
	t[0].t.v[MD_T_MESSAGES] = 12;
	t[0].t.v[MD_T_BYTES] = 2048;
	t[0].t.kw[0] = 3;
	t[0].t.kw[2] = 1;
	t[0].kw.name[0] = "Work";
	t[1].t.v[MD_T_MESSAGES] = 1;
	t[1].t.v[MD_T_UNSEEN] = 1;
	WRITTEN(out, cmd_tally_print(f, t, 2, CMD_FORM_TABLE));
	assert_string_equal(out,
	    "messages  new  unseen  flagged  trashed  size  maildir\n"
	    "      12    0       0        0        0  2.0K  M\n"
	    "       1    0       1        0        0    0B  M/.W\t\n"
	    "      13    0       1        0        0  2.0K  (total)\n");
	WRITTEN(out, cmd_tally_print(f, t, 1, CMD_FORM_TABLE));
	assert_null(strstr(out, "(total)")); /* one maildir: no total */
	WRITTEN(out, cmd_tally_print(f, t, 0, CMD_FORM_TABLE));
	assert_string_equal(out, "");
	WRITTEN(out, cmd_tally_print(f, t, 2, CMD_FORM_TSV));
	assert_string_equal(out,
	    "maildir\tmessages\tnew\tunseen\tflagged\ttrashed\tbytes\n"
	    "M\t12\t0\t0\t0\t0\t2048\n"
	    "M/.W\\t\t1\t0\t1\t0\t0\t0\n");
	WRITTEN(out, cmd_tally_print(f, t, 1, CMD_FORM_JSON));
	assert_string_equal(out,
	    "{\"maildirs\":[{\"path\":\"M\",\"messages\":12,\"new\":0,"
	    "\"unseen\":0,\"flagged\":0,\"trashed\":0,\"bytes\":2048,"
	    "\"keywords\":[{\"letter\":\"a\",\"name\":\"Work\","
	    "\"messages\":3},{\"letter\":\"c\",\"name\":null,"
	    "\"messages\":1}]}],\"total\":{\"messages\":12,\"new\":0,"
	    "\"unseen\":0,\"flagged\":0,\"trashed\":0,\"bytes\":2048}}\n");
}

/* cmd_out: bytes in order, through the buffer or around it. */
static void
out_buffer(void **state)
{
	static struct cmd_out o; /* 256 KiB: not on the stack */
	static char big[CMD_OUT_SIZE + 10], back[2 * CMD_OUT_SIZE];
	int saved = dup(STDOUT_FILENO);
	FILE *t = tmpfile();
	ssize_t n;

	(void)state;
	assert_true(saved >= 0 && t != NULL);
	assert_true(dup2(fileno(t), STDOUT_FILENO) >= 0);
	memset(big, 'b', sizeof(big));
	cmd_out_put(&o, "a\n", 2);
	cmd_out_write(&o, big, sizeof(big)); /* longer than the buffer */
	cmd_out_put(&o, "c", 1);
	assert_int_equal(o.len, 1);
	cmd_out_flush(&o);
	assert_int_equal(o.len, 0);
	assert_true(dup2(saved, STDOUT_FILENO) >= 0);
	close(saved);
	n = pread(fileno(t), back, sizeof(back), 0);
	assert_int_equal(n, 2 + sizeof(big) + 1);
	assert_memory_equal(back, "a\n", 2);
	assert_memory_equal(back + 2, big, sizeof(big));
	assert_int_equal(back[n - 1], 'c');
	fclose(t);
}

/* stdin brings paths from a pipe or a file, not from /dev/null (cron) */
static void
stdin_paths(void **state)
{
	int saved = dup(STDIN_FILENO), p[2];
	FILE *t = tmpfile();

	(void)state;
	assert_true(saved >= 0);
	assert_int_equal(pipe(p), 0);
	assert_int_equal(dup2(p[0], STDIN_FILENO), STDIN_FILENO);
	assert_int_equal(cmd_stdin_has_paths(), 1);
	close(p[0]);
	close(p[1]);
	assert_non_null(freopen("/dev/null", "r", stdin));
	assert_int_equal(cmd_stdin_has_paths(), 0);
	assert_non_null(t);
	assert_int_equal(dup2(fileno(t), STDIN_FILENO), STDIN_FILENO);
	assert_int_equal(cmd_stdin_has_paths(), 1);
	fclose(t);
	close(STDIN_FILENO);
	assert_int_equal(cmd_stdin_has_paths(), 0); /* closed: fstat fails */
	assert_int_equal(dup2(saved, STDIN_FILENO), STDIN_FILENO);
	close(saved);
}

static void
flag_options(void **state)
{
	struct md_flags on, off;

	(void)state;
	md_flags_zero(&on);
	md_flags_zero(&off);
	cmd_flags_option('S', NULL, &on, &off);
	cmd_flags_option('t', NULL, &on, &off);
	cmd_flags_option('X', "ab", &on, &off);
	assert_true(md_flags_has(&on, 'S'));
	assert_true(md_flags_has(&off, 'T'));
	assert_true(md_flags_has(&on, 'a') && md_flags_has(&on, 'b'));
	assert_false(md_flags_has(&off, 'S'));
}

static void
msgpaths(void **state)
{
	struct md_msgpath mp;
	int saved = dup(STDERR_FILENO), null = open("/dev/null", O_WRONLY);

	(void)state;
	assert_int_equal(cmd_msgpath("M/cur/1.a.h:2,S", &mp, NULL), 0);
	assert_string_equal(mp.root, "M");
	assert_string_equal(mp.name, "1.a.h:2,S");
	/* the one line said goes to /dev/null here */
	assert_true(saved >= 0 && null >= 0);
	assert_int_equal(dup2(null, STDERR_FILENO), STDERR_FILENO);
	assert_int_equal(cmd_msgpath("M/tmp/1.a.h", &mp, NULL), -1);
	assert_int_equal(cmd_msgpath("M/cur/.hidden", &mp, NULL), -1);
	assert_int_equal(dup2(saved, STDERR_FILENO), STDERR_FILENO);
	close(null);
	close(saved);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(opt_errors),
		cmocka_unit_test(pathlist),
		cmocka_unit_test(shown),
		cmocka_unit_test(script_output),
		cmocka_unit_test(counts),
		cmocka_unit_test(table),
		cmocka_unit_test(tallies),
		cmocka_unit_test(out_buffer),
		cmocka_unit_test(stdin_paths),
		cmocka_unit_test(flag_options),
		cmocka_unit_test(msgpaths),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
