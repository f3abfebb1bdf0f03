/* Unit tests for dir.c: folder names, opening and creating maildirs. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "internal.h"
#include "scratch.h"

static void
folder_names(void **state)
{
	const char *good[] = { "Work", "Work.Projects", "a.b.c", "Sent Items",
		"caf\xc3\xa9", "x-y_z", "tmp", "new" };
	const char *bad[] = { "", ".", "..", ".x", "x.", "a..b", "a/b", "../x",
		"x/..", "a\nb", "a\tb", "\x7f", "a.", "..a" };

	(void)state;
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		assert_int_equal(md_folder_valid(good[i]), 0);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		errno = 0;
		assert_int_equal(md_folder_valid(bad[i]), -1);
		assert_int_equal(errno, EINVAL);
	}
}

static void
folder_paths(void **state)
{
	char buf[64];

	(void)state;
	assert_int_equal(md_folder_path(buf, sizeof(buf), "/m", "Work.A"), 0);
	assert_string_equal(buf, "/m/.Work.A");
	assert_int_equal(md_folder_path(buf, sizeof(buf), "/m", "INBOX"), 0);
	assert_string_equal(buf, "/m");
	assert_int_equal(md_folder_path(buf, sizeof(buf), "/m", "INBOX.x"), 0);
	assert_string_equal(buf, "/m/.x");
	assert_int_equal(md_folder_path(buf, sizeof(buf), "/m", "../x"), -1);
	assert_int_equal(md_folder_path(buf, 6, "/m", "Work"), -1);
	assert_int_equal(errno, ENAMETOOLONG);
}

static void
open_and_create(void **state)
{
	struct md_maildir m;
	struct md_err e;
	char path[PATH_MAX];

	(void)state;
	snprintf(path, sizeof(path), "%s/M", scratch);
	assert_int_equal(md_maildir_open(&m, path, 0, &e), -1);
	assert_int_equal(errno, ENOENT);
	assert_string_equal(e.step, "open");
	assert_string_equal(e.path, path);
	assert_int_equal(md_maildir_open(&m, path, MD_CREATE, &e), 0);
	assert_true(m.tmpfd >= 0 && m.newfd >= 0 && m.curfd >= 0);
	md_maildir_close(&m);
	assert_int_equal(scratch_mode(path, "tmp"), 0700);
	assert_int_equal(scratch_mode(path, "new"), 0700);
	assert_int_equal(scratch_mode(path, "cur"), 0700);
	/* again: EEXIST everywhere is fine */
	assert_int_equal(md_maildir_open(&m, path, MD_CREATE, &e), 0);
	md_maildir_close(&m);
	/* a missing subdirectory is named */
	snprintf(path, sizeof(path), "%s/M/cur", scratch);
	assert_int_equal(rmdir(path), 0);
	snprintf(path, sizeof(path), "%s/M", scratch);
	assert_int_equal(md_maildir_open(&m, path, 0, &e), -1);
	assert_int_equal(errno, ENOENT);
	assert_string_equal(e.path, strcat(path, "/cur"));
	assert_int_equal(m.fd, -1);
	assert_int_equal(m.tmpfd, -1);
}

static void
folders(void **state)
{
	struct md_maildir m;
	struct md_err e;
	char root[PATH_MAX], sub[PATH_MAX + 32];
	struct stat st;

	(void)state;
	snprintf(root, sizeof(root), "%s/R", scratch);
	assert_int_equal(md_folder_open(&m, root, "Work.Projects", 0, &e), -1);
	assert_int_equal(errno, ENOENT);
	assert_int_equal(
	    md_folder_open(&m, root, "Work.Projects", MD_CREATE, &e), 0);
	assert_string_equal(
	    m.path, strcat(strcpy(sub, root), "/.Work.Projects"));
	md_maildir_close(&m);
	strcat(sub, "/maildirfolder");
	assert_int_equal(stat(sub, &st), 0);
	assert_true(S_ISREG(st.st_mode));
	assert_int_equal(scratch_mode(root, "new"), 0700);
	assert_int_equal(md_folder_open(&m, root, "../etc", MD_CREATE, &e), -1);
	assert_int_equal(errno, EINVAL);
	assert_int_equal(md_folder_open(&m, root, "INBOX", 0, &e), 0);
	assert_string_equal(m.path, root);
	md_maildir_close(&m);
}

/* Several processes creating the same maildir at once all succeed. */
static void
concurrent_create(void **state)
{
	char path[PATH_MAX];
	pid_t kids[8];

	(void)state;
	snprintf(path, sizeof(path), "%s/C", scratch);
	for (int i = 0; i < 8; i++) {
		if ((kids[i] = fork()) == 0) {
			struct md_maildir m;

			_exit(
			    md_folder_open(&m, path, "F", MD_CREATE, NULL) == 0
			        ? 0
			        : 1);
		}
		assert_true(kids[i] > 0);
	}
	for (int i = 0; i < 8; i++) {
		int st;

		assert_int_equal(waitpid(kids[i], &st, 0), kids[i]);
		assert_true(WIFEXITED(st));
		assert_int_equal(WEXITSTATUS(st), 0);
	}
}

static void
default_maildir(void **state)
{
	char buf[PATH_MAX], *old_md = getenv("MAILDIR"),
	                    *old_home = getenv("HOME");
	char save_md[PATH_MAX] = "", save_home[PATH_MAX] = "";

	(void)state;
	if (old_md)
		strlcpy(save_md, old_md, sizeof(save_md));
	if (old_home)
		strlcpy(save_home, old_home, sizeof(save_home));
	setenv("MAILDIR", "/m/box", 1);
	assert_int_equal(md_maildir_default(buf, sizeof(buf)), 0);
	assert_string_equal(buf, "/m/box");
	setenv("MAILDIR", "", 1); /* empty counts as unset */
	setenv("HOME", "/h/ann", 1);
	assert_int_equal(md_maildir_default(buf, sizeof(buf)), 0);
	assert_string_equal(buf, "/h/ann/Maildir");
	assert_int_equal(md_maildir_default(buf, 5), -1);
	assert_int_equal(errno, ENAMETOOLONG);
	unsetenv("HOME"); /* the password entry's home, if it has one */
	if (md_maildir_default(buf, sizeof(buf)) == 0)
		assert_non_null(strstr(buf, "/Maildir"));
	else
		assert_int_equal(errno, ENOENT);
	if (old_md)
		setenv("MAILDIR", save_md, 1);
	else
		unsetenv("MAILDIR");
	if (old_home)
		setenv("HOME", save_home, 1);
}

/* md_folder_is, md_folder_root, md_folder_list on one tree. */
static void
folder_kinds(void **state)
{
	char p[PATH_MAX + 32], root[PATH_MAX], buf[PATH_MAX], **l;
	size_t n;

	(void)state;
	scratch_maildir(root, sizeof(root), "K");
	scratch_maildir(p, sizeof(p), "K/.Work");
	scratch_put(root, ".Work/maildirfolder", "");
	assert_true(md_folder_is(p));
	assert_int_equal(md_folder_root(p, buf, sizeof(buf)), 1);
	assert_string_equal(buf, root);
	assert_int_equal(md_folder_root(root, buf, sizeof(buf)), 0);
	assert_string_equal(buf, root);
	/* a dot-named maildir without the marker is a root, not a folder */
	scratch_maildir(p, sizeof(p), ".maildir");
	assert_false(md_folder_is(p));
	/* a missing folder counts by its name alone */
	snprintf(p, sizeof(p), "%s/.Gone", root);
	assert_true(md_folder_is(p));
	snprintf(p, sizeof(p), "%s/Plain", root);
	assert_false(md_folder_is(p));
	/* .git has no cur/: no folder in the list */
	snprintf(p, sizeof(p), "%s/.git", root);
	assert_int_equal(mkdir(p, 0700), 0);
	scratch_maildir(p, sizeof(p), "K/.Work.Sub");
	assert_int_equal(md_folder_list(root, ".", &l, &n), 0);
	assert_int_equal(n, 2);
	snprintf(p, sizeof(p), "%s/.Work", root);
	assert_string_equal(l[0], p);
	md_strings_free(l, n);
	assert_int_equal(md_folder_list(root, ".Work.", &l, &n), 0);
	assert_int_equal(n, 1);
	md_strings_free(l, n);
	/* a root without folders: an empty list */
	scratch_maildir(p, sizeof(p), "E");
	assert_int_equal(md_folder_list(p, ".", &l, &n), 0);
	assert_int_equal(n, 0);
	md_strings_free(l, n);
	snprintf(p, sizeof(p), "%s/none", scratch);
	assert_int_equal(md_folder_list(p, ".", &l, &n), -1);
	assert_int_equal(errno, ENOENT);
}

/* What cannot be looked at is never taken for absent (issue 14): a
 * marker that loops leaves the root unknown, a cur/ that loops keeps its
 * folder in the list for whoever opens it to say why. */
static void
folder_unknowns(void **state)
{
	char p[PATH_MAX + 32], root[PATH_MAX], buf[PATH_MAX], **l;
	char marker[PATH_MAX + 48];
	size_t n;

	(void)state;
	scratch_maildir(root, sizeof(root), "U");
	scratch_maildir(p, sizeof(p), "U/.Loop");
	snprintf(marker, sizeof(marker), "%s/maildirfolder", p);
	assert_int_equal(symlink("maildirfolder", marker), 0);
	errno = 0;
	assert_int_equal(md_folder_root(p, buf, sizeof(buf)), -1);
	assert_int_equal(errno, ELOOP);
	snprintf(p, sizeof(p), "%s/.Bad", root);
	assert_int_equal(mkdir(p, 0700), 0);
	snprintf(p, sizeof(p), "%s/.Bad/cur", root);
	assert_int_equal(symlink("cur", p), 0);
	assert_int_equal(md_folder_list(root, ".", &l, &n), 0);
	assert_int_equal(n, 2);
	snprintf(p, sizeof(p), "%s/.Bad", root);
	assert_string_equal(l[0], p);
	md_strings_free(l, n);
}

/* md_path_trim, md_target_path, md_target_folders. */
static void
targets(void **state)
{
	char root[PATH_MAX], p[PATH_MAX + 32], buf[PATH_MAX], **l;
	size_t n;

	(void)state;
	assert_int_equal(md_path_trim("a/b//", buf, sizeof(buf)), 0);
	assert_string_equal(buf, "a/b");
	assert_int_equal(md_path_trim("/", buf, sizeof(buf)), 0);
	assert_string_equal(buf, "/");
	assert_int_equal(md_path_trim("", buf, sizeof(buf)), 0);
	assert_string_equal(buf, "");
	errno = 0;
	assert_int_equal(md_path_trim("abcdef", buf, 4), -1);
	assert_int_equal(errno, ENAMETOOLONG);

	scratch_maildir(root, sizeof(root), "T");
	scratch_maildir(p, sizeof(p), "T/.Work");
	scratch_put(root, ".Work/maildirfolder", "");
	scratch_maildir(p, sizeof(p), "T/.Work.A");
	scratch_put(root, ".Work.A/maildirfolder", "");
	scratch_maildir(p, sizeof(p), "T/.Other");
	setenv("MAILDIR", root, 1);
	/* a folder name: under the default maildir */
	assert_int_equal(md_target_path("Work", buf, sizeof(buf)), 0);
	snprintf(p, sizeof(p), "%s/.Work", root);
	assert_string_equal(buf, p);
	assert_int_equal(md_target_path("INBOX", buf, sizeof(buf)), 0);
	assert_string_equal(buf, root);
	/* a path, or a name that is no folder name, stays as given */
	assert_int_equal(md_target_path("x/Work/", buf, sizeof(buf)), 0);
	assert_string_equal(buf, "x/Work");
	assert_int_equal(md_target_path("..", buf, sizeof(buf)), 0);
	assert_string_equal(buf, "..");
	unsetenv("MAILDIR");

	/* a root's folders; a folder's subfolders are its siblings */
	assert_int_equal(md_target_folders(root, 0, &l, &n), 0);
	assert_int_equal(n, 3);
	md_strings_free(l, n);
	snprintf(p, sizeof(p), "%s/.Work/", root);
	assert_int_equal(md_target_folders(p, 0, &l, &n), 0);
	assert_int_equal(n, 1);
	snprintf(p, sizeof(p), "%s/.Work.A", root);
	assert_string_equal(l[0], p);
	md_strings_free(l, n);
	/* .Other has no marker: judged a root unless said to be a folder */
	snprintf(p, sizeof(p), "%s/.Other", root);
	assert_int_equal(md_target_folders(p, 0, &l, &n), 0);
	assert_int_equal(n, 0);
	md_strings_free(l, n);
	assert_int_equal(md_target_folders(p, 1, &l, &n), 0);
	assert_int_equal(n, 0);
	md_strings_free(l, n);
}

/* md_maildir_check tells a missing maildir from one that lacks a part. */
static void
check_kinds(void **state)
{
	char m[PATH_MAX], p[PATH_MAX + 8];
	struct md_err e;

	(void)state;
	scratch_maildir(m, sizeof(m), "ck");
	assert_int_equal(md_maildir_check(m, &e), 0);
	snprintf(p, sizeof(p), "%s/nope", scratch);
	errno = 0;
	assert_int_equal(md_maildir_check(p, &e), -1);
	assert_int_equal(errno, ENOENT);
	assert_int_equal(e.kind, MD_ERR_SYSTEM);
	assert_string_equal(e.path, p);
	snprintf(p, sizeof(p), "%s/cur", m);
	assert_int_equal(rmdir(p), 0);
	assert_int_equal(md_maildir_check(m, &e), -1);
	assert_int_equal(e.kind, MD_ERR_NOT_MAILDIR);
	assert_string_equal(e.path, p);
	assert_int_equal(mkdir(p, 0700), 0);
	snprintf(p, sizeof(p), "%s/new", m);
	assert_int_equal(rmdir(p), 0);
	scratch_put(m, "new", "a file");
	assert_int_equal(md_maildir_check(m, &e), -1);
	assert_int_equal(errno, ENOTDIR);
	assert_int_equal(e.kind, MD_ERR_NOT_MAILDIR);
	/* a file where the maildir should be: no tmp/ in it either */
	snprintf(p, sizeof(p), "%s/new", m);
	assert_int_equal(md_maildir_check(p, &e), -1);
	assert_int_equal(e.kind, MD_ERR_NOT_MAILDIR);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(folder_names),
		cmocka_unit_test(folder_paths),
		cmocka_unit_test(open_and_create),
		cmocka_unit_test(folders),
		cmocka_unit_test(concurrent_create),
		cmocka_unit_test(default_maildir),
		cmocka_unit_test(folder_kinds),
		cmocka_unit_test(folder_unknowns),
		cmocka_unit_test(targets),
		cmocka_unit_test(check_kinds),
	};

	return cmocka_run_group_tests(tests, scratch_setup, scratch_teardown);
}
