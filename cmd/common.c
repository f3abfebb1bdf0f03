/* common.c: what mdkit's programs share; see common.h. */
#include <err.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sysexits.h>

#include "common.h"

const char *
cmd_default_maildir(int status)
{
	static char buf[PATH_MAX];

	if (buf[0] != '\0')
		return buf;
	if (md_maildir_default(buf, sizeof(buf)) == -1) {
		buf[0] = '\0';
		if (errno == ENOENT)
			errx(status, "no MAILDIR and no home directory: name a "
			             "maildir");
		err(status, "MAILDIR or home directory");
	}
	return buf;
}

const char *
cmd_shown(const char *path, int which)
{
	static char buf[2][4 * PATH_MAX + 1];

	which = which != 0;
	return md_shown(path, buf[which], sizeof(buf[which]));
}

void
cmd_warn_err(const struct md_err *e)
{
	warn("%s: %s", cmd_shown(e->path, 0), e->step);
}

void
cmd_warn_maildir(const char *path, const struct md_err *e)
{
	if (e->kind == MD_ERR_NOT_MAILDIR)
		warnx("%s: not a maildir (no %s)", cmd_shown(path, 0),
		    cmd_shown(e->path, 1));
	else
		warn("%s", cmd_shown(e->path, 0));
}

int
cmd_stdin_paths(
    int eol, int skip_empty, int (*fn)(void *arg, const char *path), void *arg)
{
	struct md_pathlist pl;
	const char *line;
	size_t n;
	int rc, failed = 0;

	md_pathlist_init(&pl, stdin, eol);
	while ((rc = md_pathlist_next(&pl, &line, &n)) != 0) {
		if (rc == -1 && errno != EINVAL) {
			warn("stdin");
			failed = 1;
			break;
		}
		if (rc == -1)
			warnx("stdin: a line holds a NUL byte (use -0?)");
		else if (n == 0 && skip_empty)
			continue;
		else if (n == 0)
			warnx("stdin: an empty line is no message");
		else if (fn(arg, line) == 0)
			continue;
		failed = 1;
	}
	md_pathlist_free(&pl);
	return failed;
}

int
cmd_target(const char *arg, char *path, size_t size)
{
	if (md_target_path(arg, path, size) == 0)
		return 0;
	warn("%s", cmd_shown(arg, 0));
	return -1;
}

int
cmd_each_folder(const char *path, int folder_root, int recursive,
    int (*fn)(void *arg, const char *path), void *arg)
{
	char **list;
	size_t n;
	int failed = 0;

	if (!recursive)
		return 0;
	if (md_target_folders(path, folder_root, &list, &n) == -1) {
		if (errno == ENOMEM)
			err(EX_OSERR, "%s", cmd_shown(path, 0));
		warn("%s", cmd_shown(path, 0));
		return 1;
	}
	for (size_t i = 0; i < n; i++)
		if (fn(arg, list[i]) != 0)
			failed = 1;
	md_strings_free(list, n);
	return failed;
}
