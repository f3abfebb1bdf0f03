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

#include "maildir.h"
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

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(file_missing),
		cmocka_unit_test(names_found),
		cmocka_unit_test(case_insensitive),
		cmocka_unit_test(crlf_and_last_line),
		cmocka_unit_test(ids),
		cmocka_unit_test(malformed_lines),
		cmocka_unit_test(empty_file),
	};

	return cmocka_run_group_tests(tests, scratch_setup, scratch_teardown);
}
