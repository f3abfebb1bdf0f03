/*
 * md-flag: set and clear flags of messages by renaming them, one rename
 * per changed message, keeping the base, the unknown letters and any
 * ",tail". Messages come as arguments or as paths on stdin; the new path
 * of each is printed so that pipelines can go on.
 */
#include <err.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <unistd.h>

#include "common.h"

#define OPTSTRING ":0CDFK:PRSTX:dfhk:prqstx:"

struct opts {
	struct md_change c;
	char **kset, **kclear; /* -K / -k names, resolved per maildir */
	size_t nkset, nkclear;
	int quiet;
	char eol;
};

/* What we know of the maildir the last message was in. */
struct root {
	char path[PATH_MAX];
	int ok;             /* has tmp/, new/ and cur/ */
	struct md_change c; /* the change with this maildir's keywords */
	const char *bad_kw; /* a -K/-k name this maildir does not know */
	struct md_changer ch;
};

static void
usage(void)
{
	printf("usage: md-flag [-0CDdFfPpqRrSsTt] [-X flags] [-x flags] "
	       "[-K keyword] [-k keyword]\n"
	       "               [message ...]\n");
	exit(EX_OK);
}

static int
add_keywords(struct root *r, struct md_flags *f, char **names, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		int l = md_keyword_letter(r->path, names[i]);

		if (l == -1) {
			r->bad_kw = names[i];
			return -1;
		}
		md_flags_set(f, (unsigned char)l, 1);
	}
	return 0;
}

/* Check a maildir once, not once per message: paths come grouped. */
static void
load_root(struct root *r, const char *path, const struct opts *o)
{
	if (r->path[0] != '\0' && strcmp(r->path, path) == 0)
		return;
	strlcpy(r->path, path, sizeof(r->path));
	r->ok = md_maildir_check(path, NULL) == 0;
	r->c = o->c;
	r->bad_kw = NULL;
	if (r->ok && add_keywords(r, &r->c.set, o->kset, o->nkset) == 0)
		add_keywords(r, &r->c.clear, o->kclear, o->nkclear);
}

static int
flag_one(const char *path, const struct opts *o, struct root *root)
{
	struct md_msgpath mp;
	struct md_err e;
	char given[NAME_MAX + 1], out[PATH_MAX + NAME_MAX + 8];
	int changed, given_sub;

	if (cmd_msgpath(path, &mp, NULL) == -1)
		return -1;
	load_root(root, mp.root, o);
	if (!root->ok) {
		warnx("%s: %s is not a maildir (it lacks tmp/, new/ or cur/)",
		    cmd_shown(path, 0), cmd_shown(mp.root, 1));
		return -1;
	}
	if (root->bad_kw != NULL) {
		warnx("%s: keyword \"%s\" is not in %s/dovecot-keywords; "
		      "nothing changed",
		    cmd_shown(path, 0), root->bad_kw, cmd_shown(mp.root, 1));
		return -1;
	}
	if (!o->quiet) /* kept to print it as given when untouched */
		strlcpy(given, mp.name, sizeof(given));
	given_sub = mp.sub;
	if ((changed = md_change_in(&root->ch, &mp, &root->c, &e)) == -1) {
		cmd_warn_message(path, mp.root, &e);
		return -1;
	}
	if (o->quiet)
		return 0;
	/* Untouched: printed as given; else where it is now. */
	if (changed == 0 && mp.sub == given_sub && strcmp(mp.name, given) == 0)
		printf("%s%c", path, o->eol);
	else if (md_msgpath_format(&mp, out, sizeof(out)) == 0)
		printf("%s%c", out, o->eol);
	else
		warn("%s", path);
	return 0;
}

/* The state cmd_stdin_paths hands each line. */
struct job {
	const struct opts *o;
	struct root *root;
};

static int
flag_line(void *arg, const char *path)
{
	struct job *j = arg;

	return flag_one(path, j->o, j->root) == -1;
}

static void
parse_opts(struct opts *o, int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "help", no_argument, NULL, 'h' },
		CMD_VERSION_OPTION,
		{ "quiet", no_argument, NULL, 'q' },
		{ NULL, 0, NULL, 0 },
	};
	char msg[PATH_MAX + 64];
	long i;
	int c;

	memset(o, 0, sizeof(*o));
	o->eol = '\n';
	opterr = 0;
	while ((c = getopt_long(argc, argv, OPTSTRING, longopts, NULL)) != -1) {
		switch (c) {
		case '0':
			o->eol = '\0';
			break;
		case 'C':
			o->c.to_cur = 1;
			break;
		case 'K':
			cmd_strlist_add(&o->kset, &o->nkset, optarg);
			break;
		case 'k':
			cmd_strlist_add(&o->kclear, &o->nkclear, optarg);
			break;
		case 'q':
			o->quiet = 1;
			break;
		case CMD_OPT_VERSION:
			cmd_version();
		case 'h':
			usage();
			break;
		case ':':
		case '?':
			errx(EX_USAGE, "%s (see md-flag -h)",
			    cmd_opt_error(c, argv, longopts, msg, sizeof(msg)));
		default: /* D F P R S T X: set; d f p r s t x: clear */
			cmd_flags_option(c, optarg, &o->c.set, &o->c.clear);
		}
	}
	if (md_flags_overlap(&o->c.set, &o->c.clear))
		errx(EX_USAGE, "a flag both set and cleared (as in "
		               "-S -s): say which");
	if ((i = md_keywords_clash(o->kset, o->nkset, o->kclear, o->nkclear)) >=
	    0)
		errx(EX_USAGE, "keyword \"%s\" both set and cleared: say which",
		    o->kset[i]);
}

int
main(int argc, char *argv[])
{
	struct opts o;
	struct root *root;
	int failed = 0;

	parse_opts(&o, argc, argv);
	argc -= optind;
	argv += optind;
	if ((root = calloc(1, sizeof(*root))) == NULL)
		err(EX_OSERR, "calloc");
	md_changer_init(&root->ch);
	if (argc == 0 && isatty(STDIN_FILENO))
		errx(EX_USAGE, "no messages: name them, or pipe their paths "
		               "in (see md-flag -h)");
	if (argc == 0)
		failed = cmd_stdin_paths(
		    o.eol, 0, flag_line, &(struct job){ &o, root });
	for (int i = 0; i < argc; i++)
		if (flag_one(argv[i], &o, root) == -1)
			failed = 1;
	if (fflush(stdout) == EOF) {
		warn("stdout");
		failed = 1;
	}
	free(root);
	free(o.kset);
	free(o.kclear);
	return failed;
}
