/* Unit tests for keywords.c: names to letters through dovecot-keywords. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "internal.h"
#include "scratch.h"

/* A fresh directory SUB under the scratch directory, its path in BUF,
 * holding a dovecot-keywords file with CONTENT (none when NULL). */
static void
keywords(char *buf, size_t size, const char *sub, const char *content)
{
	char p[PATH_MAX + 32];
	int fd;

	assert_true((size_t)snprintf(buf, size, "%s/%s", scratch, sub) < size);
	assert_int_equal(mkdir(buf, 0700), 0);
	if (content == NULL)
		return;
	assert_true((size_t)snprintf(p, sizeof(p), "%s/dovecot-keywords", buf) <
	            sizeof(p));
	fd = open(p, O_WRONLY | O_CREAT | O_EXCL, 0600);
	assert_true(fd >= 0);
	assert_int_equal(
	    write(fd, content, strlen(content)), (ssize_t)strlen(content));
	close(fd);
}

static void
absent(const char *root, const char *name)
{
	errno = 0;
	if (md_keyword_letter(root, name) != -1)
		fail_msg("keyword '%s' found", name);
	assert_int_equal(errno, ENOENT);
}

static void
file_missing(void **state)
{
	char root[PATH_MAX];

	(void)state;
	keywords(root, sizeof(root), "missing", NULL);
	absent(root, "$Junk");
	absent("/nonexistent/mdkit", "$Junk");
}

static void
names_found(void **state)
{
	char root[PATH_MAX];

	(void)state;
	keywords(root, sizeof(root), "found",
	    "0 $Junk\n1 NonJunk\n2 Work\n3 $Forwarded\n");
	assert_int_equal(md_keyword_letter(root, "$Junk"), 'a');
	assert_int_equal(md_keyword_letter(root, "NonJunk"), 'b');
	assert_int_equal(md_keyword_letter(root, "Work"), 'c');
	assert_int_equal(md_keyword_letter(root, "$Forwarded"), 'd');
	absent(root, "Private");
	/* whole names only: no prefixes, no extensions */
	absent(root, "Wor");
	absent(root, "Works");
	absent(root, "Junk");
	absent(root, "");
}

static void
case_insensitive(void **state)
{
	char root[PATH_MAX];

	(void)state;
	keywords(root, sizeof(root), "case", "0 $Junk\n1 NonJunk\n");
	assert_int_equal(md_keyword_letter(root, "$junk"), 'a');
	assert_int_equal(md_keyword_letter(root, "$JUNK"), 'a');
	assert_int_equal(md_keyword_letter(root, "nonjunk"), 'b');
	assert_int_equal(md_keyword_letter(root, "NONJUNK"), 'b');
}

static void
crlf_and_last_line(void **state)
{
	char root[PATH_MAX];

	(void)state;
	/* lines ended by CRLF, a last line without a line end */
	keywords(root, sizeof(root), "crlf", "0 One\r\n1 Two\r\n4 Last");
	assert_int_equal(md_keyword_letter(root, "One"), 'a');
	assert_int_equal(md_keyword_letter(root, "Two"), 'b');
	assert_int_equal(md_keyword_letter(root, "Last"), 'e');
	absent(root, "Two\r");
}

static void
ids(void **state)
{
	char root[PATH_MAX];

	(void)state;
	/* ids need not be in order nor dense; 25 is 'z', 26 has no letter */
	keywords(root, sizeof(root), "ids",
	    "7 Seven\n25 Last\n26 TooFar\n100 Far\n3 Three\n");
	assert_int_equal(md_keyword_letter(root, "Seven"), 'h');
	assert_int_equal(md_keyword_letter(root, "Last"), 'z');
	assert_int_equal(md_keyword_letter(root, "Three"), 'd');
	absent(root, "TooFar");
	absent(root, "Far");
}

static void
malformed_lines(void **state)
{
	char root[PATH_MAX];

	(void)state;
	keywords(root, sizeof(root), "bad", "x NoId\n\n5\n-1 Minus\n2 Good\n");
	absent(root, "NoId");
	absent(root, "Minus");
	assert_int_equal(md_keyword_letter(root, "Good"), 'c');
}

static void
empty_file(void **state)
{
	char root[PATH_MAX];

	(void)state;
	keywords(root, sizeof(root), "empty", "");
	absent(root, "Work");
}

/* The whole file at once: names by letter, the same lookups. */
static void
read_all(void **state)
{
	char root[PATH_MAX];
	struct md_keywords kw;

	(void)state;
	keywords(root, sizeof(root), "all",
	    "0 $Label1\n1 Junk\r\n3 Work\n26 TooFar\n1 Again\n");
	assert_int_equal(md_keywords_read(root, &kw), 0);
	assert_string_equal(kw.name[0], "$Label1");
	assert_string_equal(kw.name[1], "Junk"); /* the first line for 1 */
	assert_null(kw.name[2]);
	assert_string_equal(kw.name[3], "Work");
	for (int i = 4; i < 26; i++)
		assert_null(kw.name[i]);
	assert_int_equal(md_keywords_find(&kw, "$label1"), 'a');
	assert_int_equal(md_keywords_find(&kw, "JUNK"), 'b');
	assert_int_equal(md_keywords_find(&kw, "Work"), 'd');
	errno = 0;
	assert_int_equal(md_keywords_find(&kw, "Again"), -1);
	assert_int_equal(errno, ENOENT);
	assert_int_equal(md_keywords_find(&kw, "TooFar"), -1);
	md_keywords_free(&kw);
	assert_null(kw.buf);
}

/* No file: no names, and no error; a file that cannot be read: -1. */
static void
read_missing_or_not(void **state)
{
	char root[PATH_MAX], link[PATH_MAX + 32], other[PATH_MAX + 32];
	struct md_keywords kw;

	(void)state;
	keywords(root, sizeof(root), "none", NULL);
	assert_int_equal(md_keywords_read(root, &kw), 0);
	for (int i = 0; i < 26; i++)
		assert_null(kw.name[i]);
	assert_int_equal(md_keywords_find(&kw, "Junk"), -1);
	md_keywords_free(&kw);
	assert_int_equal(md_keywords_read("/nonexistent/mdkit", &kw), 0);
	md_keywords_free(&kw);
	/* a symbolic link is not followed */
	keywords(root, sizeof(root), "link", NULL);
	snprintf(link, sizeof(link), "%s/dovecot-keywords", root);
	snprintf(other, sizeof(other), "%s/all/dovecot-keywords", scratch);
	assert_int_equal(symlink(other, link), 0);
	errno = 0;
	assert_int_equal(md_keywords_read(root, &kw), -1);
	assert_int_equal(errno, ELOOP);
	assert_null(kw.buf);
	md_keywords_free(&kw); /* harmless after a failure */
}

/* Lines whose name is no IMAP atom (empty, spaces, controls) are
 * passed over, as Dovecot never writes them. */
static void
read_odd_names(void **state)
{
	char root[PATH_MAX];
	struct md_keywords kw;

	(void)state;
	keywords(root, sizeof(root), "odd",
	    "0 \n1 two words\n2 tab\there\n3 ok\n4 \x7f\n0 Late\n");
	assert_int_equal(md_keywords_read(root, &kw), 0);
	assert_string_equal(kw.name[0], "Late"); /* 0 had no valid name */
	assert_null(kw.name[1]);
	assert_null(kw.name[2]);
	assert_string_equal(kw.name[3], "ok");
	assert_null(kw.name[4]);
	md_keywords_free(&kw);
	absent(root, "two words");
	absent(root, "");
}

static void
format_names(void **state)
{
	char root[PATH_MAX], buf[64];
	struct md_keywords kw;
	struct md_flags f;

	(void)state;
	keywords(root, sizeof(root), "fmt", "0 $Label1\n1 Junk\n25 Zed\n");
	assert_int_equal(md_keywords_read(root, &kw), 0);
	assert_int_equal(md_flags_from_user("SFzcab", &f), 0);
	/* letter order; c has no name and S, F are no keywords */
	assert_int_equal(md_keywords_format(&kw, &f, buf, sizeof(buf)), 16);
	assert_string_equal(buf, "$Label1 Junk Zed");
	/* cut to the buffer, the full length returned */
	assert_int_equal(md_keywords_format(&kw, &f, buf, 10), 16);
	assert_string_equal(buf, "$Label1 J");
	assert_int_equal(md_keywords_format(&kw, &f, buf, 8), 16);
	assert_string_equal(buf, "$Label1");
	assert_int_equal(md_keywords_format(&kw, &f, NULL, 0), 16);
	md_flags_zero(&f);
	md_flags_set(&f, 'c', 1);
	assert_int_equal(md_keywords_format(&kw, &f, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "");
	md_keywords_free(&kw);
}

/* -K and -k (or md-flag's) naming one keyword twice, in any case. */
static void
clash(void **state)
{
	char *a[] = { "Work", "$Junk", "todo" }, *b[] = { "other", "TODO" };

	(void)state;
	assert_int_equal(md_keywords_clash(a, 3, b, 2), 2);
	assert_int_equal(md_keywords_clash(a, 2, b, 2), -1);
	assert_int_equal(md_keywords_clash(b, 2, a, 3), 1);
	assert_int_equal(md_keywords_clash(a, 3, b, 0), -1);
}

/* Letters carry by name: FROM's a ($Work) is TO's c; FROM's b ($Done)
 * has none in TO; letters FROM names nothing with stay as they are. */
static void
map_by_name(void **state)
{
	struct md_keywords from, to;
	char from_buf[] = "$Work\0$Done", to_buf[] = "x";
	char map[26];

	(void)state;
	memset(&from, 0, sizeof(from));
	memset(&to, 0, sizeof(to));
	from.name[0] = from_buf;
	from.name[1] = from_buf + 6;
	to.name[0] = "$Junk";
	to.name[2] = "$WORK";
	to.buf = to_buf;
	md_keywords_map(&from, &to, map);
	assert_int_equal(map[0], 'c');
	assert_int_equal(map[1], '\0');
	for (int i = 2; i < 26; i++)
		assert_int_equal(map[i], 'a' + i);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(clash),
		cmocka_unit_test(map_by_name),
		cmocka_unit_test(file_missing),
		cmocka_unit_test(names_found),
		cmocka_unit_test(case_insensitive),
		cmocka_unit_test(crlf_and_last_line),
		cmocka_unit_test(ids),
		cmocka_unit_test(malformed_lines),
		cmocka_unit_test(empty_file),
		cmocka_unit_test(read_all),
		cmocka_unit_test(read_missing_or_not),
		cmocka_unit_test(read_odd_names),
		cmocka_unit_test(format_names),
	};

	return cmocka_run_group_tests(tests, scratch_setup, scratch_teardown);
}
