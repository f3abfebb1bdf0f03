/* common.c: what mdkit's programs share; see common.h. */
/* strvisx(3); libbsd asks which strnvis() we mean, and we use neither. */
#define LIBBSD_NETBSD_VIS
#include <err.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sysexits.h>
#include <unistd.h>
#include <vis.h>

#include "common.h"

/* Is ARG ("--name" or "--name=value") the long option with value VAL? */
static int
is_long(const char *arg, const struct option *lo, int val)
{
	size_t len;

	if (strncmp(arg, "--", 2) != 0)
		return 0;
	arg += 2;
	len = strcspn(arg, "=");
	for (; lo->name != NULL; lo++)
		if (lo->val == val && strncmp(lo->name, arg, len) == 0)
			return 1;
	return 0;
}

const char *
cmd_opt_error(int c, char *const argv[], const struct option *longopts,
    char *buf, size_t size)
{
	const char *arg = argv[optind - 1];

	if (c == ':')
		snprintf(buf, size, "%s: needs an argument", arg);
	/* optopt is 0 for an unknown long option, and the option's value
	 * for a long one given an argument it does not take; only then has
	 * optind moved past the culprit for certain. */
	else if (optopt == 0 || is_long(arg, longopts, optopt))
		snprintf(buf, size,
		    "%s: unknown option, or one that takes no argument", arg);
	else
		snprintf(buf, size, "-%c: unknown option", optopt);
	return buf;
}

/* One line on the flag option C with ARG refused (ENOMEM: exits 71). */
static void
bad_flags(int c, const char *arg)
{
	if (errno == ENOMEM)
		err(EX_OSERR, "-%c", c);
	errx(EX_USAGE, "-%c %s: flags are letters (keywords a-z too)", c, arg);
}

void
cmd_flags_option(
    int c, const char *arg, struct md_flags *on, struct md_flags *off)
{
	if (md_flags_option(c, arg, on, off) == -1)
		bad_flags(c, arg);
}

void
cmd_pick_option(struct md_pick *p, int c, char *arg)
{
	if (md_pick_option(p, c, arg) == -1)
		bad_flags(c, arg);
}

const char *
cmd_vis(const char *s, char *buf, size_t size)
{
	/* vis(3) needs up to 4 bytes a byte; a longer S is cut. */
	size_t len;

	if (size == 0)
		return "";
	len = strnlen(s, (size - 1) / 4);

	strvisx(buf, s, len, VIS_CSTYLE | VIS_NL | VIS_TAB | VIS_OCTAL);
	return buf;
}

void
cmd_pathlist_init(struct cmd_pathlist *pl, FILE *f, int eol)
{
	pl->f = f;
	pl->eol = eol;
	pl->line = NULL;
	pl->cap = 0;
}

int
cmd_pathlist_next(struct cmd_pathlist *pl, const char **line, size_t *len)
{
	ssize_t n = getdelim(&pl->line, &pl->cap, pl->eol, pl->f);

	if (n == -1)
		return ferror(pl->f) ? -1 : 0;
	if (n > 0 && pl->line[n - 1] == pl->eol)
		pl->line[--n] = '\0';
	*line = pl->line;
	*len = (size_t)n;
	/* A NUL inside would cut the path short: never act on half of it. */
	if (memchr(pl->line, '\0', (size_t)n) != NULL) {
		errno = EINVAL;
		return -1;
	}
	return 1;
}

void
cmd_pathlist_free(struct cmd_pathlist *pl)
{
	free(pl->line);
	pl->line = NULL;
	pl->cap = 0;
}

void
cmd_put_tsv(FILE *f, const char *s)
{
	/* Runs that need no escape at once: a path is one run. */
	for (;;) {
		size_t n = strcspn(s, "\t\n\\");

		fwrite(s, 1, n, f);
		if (s[n] == '\0')
			return;
		fputs(s[n] == '\t' ? "\\t" : s[n] == '\n' ? "\\n" : "\\\\", f);
		s += n + 1;
	}
}

void
cmd_put_json(FILE *f, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = strlen(s);

	putc('"', f);
	while (n > 0) {
		size_t l = md_utf8_len(p, n);

		if (l == 0) /* JSON is UTF-8: a stray byte cannot go in */
			fputs("\\ufffd", f);
		else if (*p == '"' || *p == '\\')
			fprintf(f, "\\%c", *p);
		else if (*p < 0x20)
			fprintf(f, "\\u%04x", *p);
		else
			fwrite(p, 1, l, f);
		l = l ? l : 1;
		p += l;
		n -= l;
	}
	putc('"', f);
}

void
cmd_version(void)
{
	printf("%s (mdkit) %s\n", getprogname(), MDKIT_VERSION);
	exit(fflush(stdout) == EOF ? 1 : 0);
}

void *
cmd_array_add(void *array, size_t *n, size_t size)
{
	char *p;

	/* ARRAY points at a T *: read and written as bytes, not as char *,
	 * so that no type is aliased. */
	memcpy(&p, array, sizeof(p));
	if ((p = reallocarray(p, *n + 1, size)) == NULL)
		err(EX_OSERR, "reallocarray");
	memcpy(array, &p, sizeof(p));
	p += (*n)++ * size;
	memset(p, 0, size);
	return p;
}

void
cmd_strlist_add(char ***list, size_t *n, char *s)
{
	char **l = reallocarray(*list, *n + 1, sizeof(**list));

	if (l == NULL)
		err(EX_OSERR, "reallocarray");
	l[(*n)++] = s;
	*list = l;
}

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
	return cmd_vis(path, buf[which], sizeof(buf[which]));
}

void
cmd_warn_err(const struct md_err *e)
{
	warn("%s: %s", cmd_shown(e->path, 0), e->step);
}

void
cmd_die_err(const struct md_err *e, int status)
{
	cmd_warn_err(e);
	exit(status);
}

void
cmd_warn_message(const char *path, const char *root, const struct md_err *e)
{
	if (e->kind == MD_ERR_GONE)
		warnx("%s: gone (not in new/ or cur/ of %s)",
		    cmd_shown(path, 0), cmd_shown(root, 1));
	else if (e->kind == MD_ERR_NOT_MESSAGE)
		warnx("%s: a directory, not a message", cmd_shown(path, 0));
	else
		cmd_warn_err(e);
}

int
cmd_msgpath(const char *path, struct md_msgpath *mp, struct cmd_progress *pg)
{
	if (md_msgpath_parse(path, mp) == 0)
		return 0;
	if (pg != NULL)
		cmd_progress_clear(pg);
	if (errno == EINVAL)
		warnx("%s: not a message in a maildir "
		      "(DIR/new/NAME or DIR/cur/NAME)",
		    cmd_shown(path, 0));
	else
		warn("%s", cmd_shown(path, 0));
	return -1;
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

/* Paths come by the hundred thousand: read this much at a time, not
 * stdio's 4 KiB (a read(2) each 40 paths was md-flag's one system call
 * beside its renames). */
#define STDIN_BUF (256 * 1024)

int
cmd_stdin_paths(
    int eol, int skip_empty, int (*fn)(void *arg, const char *path), void *arg)
{
	struct cmd_pathlist pl;
	const char *line;
	size_t n;
	int rc, failed = 0;
	/* stdin's until exit (no read is left to use it after us) */
	char *buf = malloc(STDIN_BUF);

	if (buf != NULL && setvbuf(stdin, buf, _IOFBF, STDIN_BUF) != 0)
		free(buf);
	cmd_pathlist_init(&pl, stdin, eol);
	while ((rc = cmd_pathlist_next(&pl, &line, &n)) != 0) {
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
	cmd_pathlist_free(&pl);
	return failed;
}

int
cmd_stdin_has_paths(void)
{
	struct stat st;

	if (isatty(STDIN_FILENO) || fstat(STDIN_FILENO, &st) == -1)
		return 0;
	return S_ISFIFO(st.st_mode) || S_ISREG(st.st_mode) ||
	       S_ISSOCK(st.st_mode);
}
