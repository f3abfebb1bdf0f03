/*
 * md-sieve: Sieve scripts without delivering. -c checks scripts, -t
 * shows what a script would do with the message on stdin, one action a
 * line, as md-deliver --sieve would carry it out.
 */
#include <err.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common.h"

#define EXIT_USAGE 64
#define MSG_MAX (64 * 1024 * 1024) /* -t reads at most this much */

static void
usage(void)
{
	fprintf(stderr, "usage: md-sieve -c script ...\n"
	                "       md-sieve -t script [-r sender] [-d recipient] "
	                "< message\n");
}

static void
bad_usage(void)
{
	usage();
	exit(EXIT_USAGE);
}

/* FILE:LINE:COLUMN: message, or FILE: message without a place. */
static void
report(const char *path, const struct md_sieve_err *e)
{
	if (e->line > 0 && e->col > 0)
		fprintf(stderr, "md-sieve: %s:%u:%u: %s\n", path, e->line,
		    e->col, e->msg);
	else if (e->line > 0)
		fprintf(stderr, "md-sieve: %s:%u: %s\n", path, e->line, e->msg);
	else
		fprintf(stderr, "md-sieve: %s: %s\n", path, e->msg);
}

static int
check(int argc, char **argv)
{
	int rc = 0;

	for (int i = 0; i < argc; i++) {
		struct md_sieve_script s;
		struct md_sieve_err e;

		if (md_sieve_compile_file(&s, argv[i], &e) < 0) {
			report(argv[i], &e);
			rc = 1;
			continue;
		}
		md_sieve_free(&s);
	}
	return rc;
}

/* All of stdin, up to MSG_MAX; *LEN its length. */
static char *
slurp(size_t *len)
{
	size_t cap = 65536, n = 0;
	char *buf = malloc(cap), *p;
	ssize_t k;

	if (buf == NULL)
		err(1, "reading the message");
	while ((k = read(STDIN_FILENO, buf + n, cap - n)) != 0) {
		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0)
			err(1, "reading the message");
		if ((n += (size_t)k) == cap) {
			if (cap >= MSG_MAX)
				errx(
				    1, "message larger than %d bytes", MSG_MAX);
			if ((p = realloc(buf, cap *= 2)) == NULL)
				err(1, "reading the message");
			buf = p;
		}
	}
	*len = n;
	return buf;
}

static void
print_action(const struct md_sieve_action *a)
{
	static const char *const names[] = { "keep", "fileinto", "discard",
		"redirect", "reject", "ereject" };

	fputs(names[a->kind], stdout);
	if (a->arg != NULL) {
		putchar('\t');
		cmd_put_tsv(stdout, a->arg);
	}
	if (a->flags != NULL && a->flags[0] != '\0') {
		fputs(a->arg ? "\t" : "\t\t", stdout);
		cmd_put_tsv(stdout, a->flags);
	}
	putchar('\n');
}

static int
try(const char *path, const char *from, const char *to)
{
	struct md_sieve_script s;
	struct md_sieve_result r = { 0 };
	struct md_sieve_err e;
	struct md_header h;
	struct md_decoder d;
	struct md_sieve_msg m = { .h = &h, .d = &d, .from = from, .to = to };
	char *msg;
	size_t len;
	int rc = 0;

	msg = slurp(&len);
	m.size = len;
	md_header_init(&h);
	md_decoder_init(&d);
	if (md_header_parse(&h, msg, len) < 0)
		err(1, "reading the message");
	if (md_sieve_compile_file(&s, path, &e) < 0) {
		report(path, &e);
		rc = 1;
	} else if (md_sieve_run(&s, &m, &r, &e) < 0) {
		report(path, &e);
		rc = 1;
	}
	if (rc != 0) /* what md-deliver does on a script error */
		puts("keep");
	else
		for (size_t i = 0; i < r.n; i++)
			print_action(&r.a[i]);
	if (rc == 0)
		md_sieve_free(&s);
	md_sieve_result_free(&r);
	md_header_free(&h);
	md_decoder_free(&d);
	free(msg);
	if (fflush(stdout) != 0)
		err(1, "stdout");
	return rc;
}

int
main(int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "check", no_argument, NULL, 'c' },
		{ "test", no_argument, NULL, 't' },
		{ "help", no_argument, NULL, 'h' },
		CMD_VERSION_OPTION,
		{ NULL, 0, NULL, 0 },
	};
	const char *from = NULL, *to = NULL;
	char why[128];
	int c, mode = 0;

	while ((c = getopt_long(argc, argv, ":cd:hr:t", longopts, NULL)) != -1)
		switch (c) {
		case 'c':
		case 't':
			if (mode != 0 && mode != c)
				errx(
				    EXIT_USAGE, "-c and -t exclude each other");
			mode = c;
			break;
		case 'd':
			to = optarg;
			break;
		case 'r':
			from = optarg;
			break;
		case 'h':
			usage();
			return 0;
		case CMD_OPT_VERSION:
			cmd_version();
		default:
			warnx("%s",
			    cmd_opt_error(c, argv, longopts, why, sizeof(why)));
			bad_usage();
		}
	argc -= optind;
	argv += optind;
	if (mode == 0 || argc == 0 || (mode == 't' && argc != 1))
		bad_usage();
	if (mode == 'c')
		return check(argc, argv);
	return try(argv[0], from, to);
}
