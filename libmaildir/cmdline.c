/*
 * cmdline.c: what every mdkit program's command line shares: the text
 * of a getopt_long(3) complaint, and paths read one a line from a
 * stream. The library still prints nothing; programs do.
 */
/* strvisx(3); libbsd asks which strnvis() we mean, and we use neither. */
#define LIBBSD_NETBSD_VIS
#include <errno.h>
#include <getopt.h>
#include <libutil.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <vis.h>

#include "maildir.h"

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
md_opt_error(int c, char *const argv[], const struct option *longopts,
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

const char *
md_shown(const char *s, char *buf, size_t size)
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
md_pathlist_init(struct md_pathlist *pl, FILE *f, int eol)
{
	pl->f = f;
	pl->eol = eol;
	pl->line = NULL;
	pl->cap = 0;
}

int
md_pathlist_next(struct md_pathlist *pl, const char **line, size_t *len)
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
md_pathlist_free(struct md_pathlist *pl)
{
	free(pl->line);
	pl->line = NULL;
	pl->cap = 0;
}

void
md_put_tsv(FILE *f, const char *s)
{
	for (; *s; s++) {
		if (*s == '\t')
			fputs("\\t", f);
		else if (*s == '\n')
			fputs("\\n", f);
		else if (*s == '\\')
			fputs("\\\\", f);
		else
			putc(*s, f);
	}
}

void
md_put_json(FILE *f, const char *s)
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
md_human_size(uint64_t bytes, char *buf, size_t size)
{
	/* 5 bytes: "1.5M", "482B": one decimal below 10, as du -h. */
	if (humanize_number(buf, size < 5 ? size : 5, (int64_t)bytes, "",
	        HN_AUTOSCALE, HN_B | HN_NOSPACE | HN_DECIMAL) == -1)
		snprintf(buf, size, "%llu", (unsigned long long)bytes);
}
