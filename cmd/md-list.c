/*
 * md-list: print the messages of maildirs, one path a line, filtered by
 * flags and by new/ or cur/; or, with -i, a summary per maildir. Reads
 * directories with big getdents64 buffers and never stats a message
 * unless -i needs a size its name does not carry. With --format, --sort
 * or --match it shows and selects by header fields, taken from the
 * maildir's header cache where it has the message, else from the file.
 * Here are the options, the walk and the output; the library picks
 * (pick.c), makes the records (listing.c, format.c, match.c, sort.c)
 * and counts (tally.c); cmd/ walks the targets and folders (walk.c),
 * shows the counts (counts.c) and buffers the output (out.c).
 */
#include <dirent.h>
#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <locale.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "common.h"

#define OPTSTRING ":0CDFK:NPRSTX:cdfhik:nprstx:"

enum {
	OPT_TSV = 256,
	OPT_JSON,
	OPT_RECURSIVE,
	OPT_FORMAT,
	OPT_SORT,
	OPT_REVERSE,
	OPT_MATCH,
	OPT_NOCACHE
};

struct opts {
	struct md_pick pick; /* flags, -K and -k, -N -n -C -c */
	int info, tsv, json, recursive;
	const char *format;
	enum md_sort_key sort;
	int reverse, nocache;
	char **match; /* --match expressions, in order */
	size_t nmatch;
	char eol;
};

/* A maildir as it is listed: its pick, and where its records come from
 * (with --format, --sort or --match). */
struct dir {
	struct md_pick_dir pick;
	struct md_listing_dir src;
};

struct run {
	struct opts o;
	struct cmd_tally *st; /* -i: one per maildir listed */
	size_t nst;
	struct cmd_walk walk;
	int failed;     /* besides the walk's */
	int need_flags; /* a flag filter or -i: names must be parsed */
	int headers;    /* --format, --sort or --match: records */
	struct md_listing l;
	struct dir stdin_dir;     /* the last root's, for messages on stdin */
	char last_root[PATH_MAX]; /* stdin: the last message's maildir */
	int last_root_ok;
	struct md_clock clock; /* %d and %r: local times */
	struct cmd_out out;
};

static void
usage(void)
{
	printf("usage: md-list [-0CcDdFfhiNnPpRrSsTt] [-X flags] [-x flags] "
	       "[-K keyword]\n"
	       "               [-k keyword] [--recursive] [--tsv | --json]\n"
	       "               [maildir | folder ...]\n"
	       "       md-list [-0CcDdFfNnPpRrSsTt] [-X flags] [-x flags] "
	       "[-K keyword]\n"
	       "               [-k keyword] [--recursive] [--format fmt] "
	       "[--sort key]\n"
	       "               [--reverse] [--match expr] [--no-cache]\n"
	       "               [maildir | folder ...]\n");
	exit(EX_OK);
}

/* ---- output ---- */

/* M as --format shows it, and the end of its line: rendered straight
 * into the buffer, again after a flush when it did not fit, else (N
 * bytes, longer than the whole buffer) in a buffer of its own. */
static void
put_msg(struct run *r, const struct md_listed *m)
{
	struct cmd_out *o = &r->out;
	size_t room = sizeof(o->buf) - o->len, n;
	char *b;

	n = md_format_render(&r->l.fmt, m, &r->clock, o->buf + o->len, room);
	if (n >= room) {
		cmd_out_flush(o);
		room = sizeof(o->buf);
		n = md_format_render(&r->l.fmt, m, &r->clock, o->buf, room);
	}
	if (n < room)
		o->len += n;
	else if ((b = malloc(n + 1)) == NULL)
		err(EX_OSERR, "malloc");
	else {
		md_format_render(&r->l.fmt, m, &r->clock, b, n + 1);
		cmd_out_write(o, b, n);
		free(b);
	}
	cmd_out_put(o, &r->o.eol, 1);
}

/* ---- the walk ---- */

/* One line on why the cache of a maildir is passed over, as
 * md_listing_open said in E (errno its own): the files are read. */
static void
warn_cache(const struct md_err *e)
{
	int saved = errno;
	const char *cache = cmd_shown(e->path, 0);

	if (saved == EBADMSG)
		warnx("%s: damaged (%s), ignored: run md-index --rebuild",
		    cache, e->step ? e->step : "?");
	else if (saved == ENOTSUP)
		warnx("%s: written by another version, ignored: run md-index "
		      "--rebuild",
		    cache);
	else
		warnx("%s: %s, ignored", cache, strerror(saved));
}

/* D for the maildir ROOT (FOLDER: --recursive found it as a folder). */
static void
dir_open(struct run *r, struct dir *d, const char *root, int folder)
{
	struct md_err e;

	if (md_pick_load(&d->pick, &r->o.pick, root, &e) == -1) {
		warn("%s", cmd_shown(e.path, 0));
		r->failed = 1;
	}
	if (r->headers && md_listing_open(&r->l, &d->src, root, folder, &e))
		warn_cache(&e);
}

/*
 * The message PATH (printed as it is), named NAME in the directory
 * DIRFD where READ is found, of d_type TYPE (DT_UNKNOWN when not
 * listed): its record from the cache or the file, then --match, then
 * printed or kept for --sort.
 */
static void
message(struct run *r, struct dir *d, const char *path, size_t pathlen,
    const char *name, int dirfd, const char *read, unsigned char type)
{
	struct md_listed m; /* not zeroed: md_listing_fill sets the rest */
	struct md_err e;
	int rc;

	m.path = path;
	m.pathlen = pathlen;
	m.name = name;
	rc = md_listing_fill(
	    &r->l, &d->src, &d->pick.kw, dirfd, read, type, &m, &e);

	if (rc == -1 && errno == ENOMEM)
		err(EX_OSERR, "%s", cmd_shown(path, 0));
	if (rc == -1 && errno != ENOENT) { /* ENOENT: moved meanwhile */
		if (errno == EINVAL)
			warnx("%s: not a regular file", cmd_shown(path, 0));
		else
			warn("%s", cmd_shown(path, 0));
		r->failed = 1;
	}
	if (rc != 1)
		return;
	if (r->o.sort == MD_SORT_NONE)
		put_msg(r, &m);
	else if (md_sorter_add(&r->l.sorter, &m) == -1)
		err(EX_OSERR, "--sort");
}

/* One of new/ or cur/ of the maildir at PATH, as D picks; S to count
 * for -i. */
static int
list_sub(struct run *r, const char *path, int in_new, struct dir *d,
    struct cmd_tally *s)
{
	const char *sub = in_new ? "new" : "cur", *name;
	char prefix[PATH_MAX + NAME_MAX + 8];
	struct md_scan sc;
	struct md_flags f;
	unsigned char type;
	size_t plen, n;
	int rc;

	if (!md_pick_sub(&r->o.pick, in_new))
		return 0;
	plen = (size_t)snprintf(prefix, PATH_MAX + 8, "%s/%s/", path, sub);
	prefix[plen - 1] = '\0'; /* the directory, then the prefix again */
	if (md_scan_open(&sc, AT_FDCWD, prefix) == -1) {
		warn("%s", cmd_shown(prefix, 0));
		return -1;
	}
	prefix[plen - 1] = '/';
	md_flags_zero(&f);
	while ((rc = md_scan_next(&sc, &name, &type)) == 1) {
		if (type != DT_REG && type != DT_UNKNOWN && type != DT_LNK)
			continue;
		/* A plain listing needs no flags: the name is not parsed,
		 * and it picks by new/ or cur/ alone (above). */
		if (r->need_flags) {
			md_name_flags(name, &f);
			if (!md_pick_test(&r->o.pick, &d->pick, &f, in_new))
				continue;
		}
		n = strlen(name);
		if (s != NULL)
			md_tally_add(&s->t, sc.fd, name, &f, in_new);
		else if (r->headers) {
			memcpy(prefix + plen, name, n + 1);
			message(r, d, prefix, plen + n, prefix + plen, sc.fd,
			    name, type);
		} else {
			cmd_out_put(&r->out, prefix, plen);
			cmd_out_put(&r->out, name, n);
			cmd_out_put(&r->out, &r->o.eol, 1);
		}
	}
	if (rc == -1)
		warn("%s/%s", cmd_shown(path, 0), sub);
	md_scan_close(&sc);
	return rc;
}

/* The maildir PATH; FOLDER says --recursive found it as a folder. */
static int
list_maildir(void *arg, const char *path, int folder)
{
	struct run *r = arg;
	struct md_err e;
	struct cmd_tally *s = NULL;
	struct dir d = { 0 };
	int rc = CMD_WALK_OK;

	/* Checked, not opened: each of new/ and cur/ is opened once, to be
	 * read. */
	if (md_maildir_check(path, &e) == -1) {
		cmd_warn_maildir(path, &e);
		return CMD_WALK_UNUSABLE;
	}
	if (r->o.info)
		s = cmd_tally_add(&r->st, &r->nst, path);
	dir_open(r, &d, path, folder);
	/* cur/ is read even when new/ could not be. */
	if (list_sub(r, path, 1, &d, s) == -1)
		rc = CMD_WALK_FAILED;
	if (list_sub(r, path, 0, &d, s) == -1)
		rc = CMD_WALK_FAILED;
	md_listing_close(&d.src);
	if (s != NULL && r->o.json) { /* the names, for cmd_tally_print */
		s->kw = d.pick.kw;
		memset(&d.pick.kw, 0, sizeof(d.pick.kw));
	}
	md_pick_free(&d.pick);
	return rc;
}

/* Is ROOT a maildir? Checked once for a run of lines with one root, its
 * keywords read and its cache (for --format and the like) opened once. */
static int
root_ok(struct run *r, const char *root)
{
	if (strcmp(r->last_root, root) != 0) {
		strlcpy(r->last_root, root, sizeof(r->last_root));
		r->last_root_ok = md_maildir_check(root, NULL) == 0;
		md_listing_close(&r->stdin_dir.src);
		if (r->last_root_ok)
			dir_open(r, &r->stdin_dir, root, 0);
	}
	return r->last_root_ok;
}

/* A line from stdin: a message path (filtered, printed) or a maildir.
 * Non-zero for a failure cmd_stdin_paths is to count. */
static int
stdin_item(void *arg, const char *line)
{
	struct run *r = arg;
	struct md_msgpath mp;
	struct md_flags f;
	size_t n = strlen(line);

	/* A message when its root is a maildir: checked once per root,
	 * not once per line ("/srv/new/Maildir" is no message). */
	if (md_msgpath_parse(line, &mp) != 0 || !root_ok(r, mp.root)) {
		cmd_walk_arg(&r->walk, line);
		return 0;
	}
	if (r->o.info) {
		warnx(
		    "%s: -i counts maildirs, not messages", cmd_shown(line, 0));
		return 1;
	}
	md_name_flags(mp.name, &f);
	if (!md_pick_test(&r->o.pick, &r->stdin_dir.pick, &f, mp.sub == MD_NEW))
		return 0;
	if (r->headers)
		message(r, &r->stdin_dir, line, n, line + n - strlen(mp.name),
		    AT_FDCWD, line, DT_UNKNOWN);
	else {
		cmd_out_put(&r->out, line, n);
		cmd_out_put(&r->out, &r->o.eol, 1);
	}
	return 0;
}

/* ---- options ---- */

/* The --sort key ARG into O, or one line on why it is none. */
static void
sort_key(struct opts *o, const char *arg)
{
	char b[4 * 64 + 1];

	if (md_sort_parse(arg, &o->sort) == -1)
		errx(EX_USAGE,
		    "--sort %s: not one of date, received, size, subject, from",
		    cmd_vis(arg, b, sizeof(b)));
}

/* Options that together would pick no message: one line on which. */
static void
check_pick(const struct md_pick *p)
{
	char b[PATH_MAX + 64];
	size_t k;

	switch (md_pick_check(p, &k)) {
	case MD_PICK_FLAGS:
		errx(EX_USAGE, "a flag both required and excluded "
		               "(as in -S -s): nothing could match");
	case MD_PICK_KEYWORD:
		errx(EX_USAGE,
		    "keyword \"%s\" both required and excluded: nothing "
		    "could match",
		    cmd_vis(p->kwith[k], b, sizeof(b)));
	case MD_PICK_PLACE:
		errx(EX_USAGE, "-N, -n, -C and -c as given exclude every "
		               "message: nothing could match");
	case MD_PICK_SOME:
		break;
	}
}

static void
parse_opts(struct opts *o, int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "format", required_argument, NULL, OPT_FORMAT },
		{ "help", no_argument, NULL, 'h' },
		CMD_VERSION_OPTION,
		{ "info", no_argument, NULL, 'i' },
		{ "json", no_argument, NULL, OPT_JSON },
		{ "keyword", required_argument, NULL, 'K' },
		{ "match", required_argument, NULL, OPT_MATCH },
		{ "no-cache", no_argument, NULL, OPT_NOCACHE },
		{ "no-keyword", required_argument, NULL, 'k' },
		{ "recursive", no_argument, NULL, OPT_RECURSIVE },
		{ "reverse", no_argument, NULL, OPT_REVERSE },
		{ "sort", required_argument, NULL, OPT_SORT },
		{ "tsv", no_argument, NULL, OPT_TSV },
		{ NULL, 0, NULL, 0 },
	};
	struct md_pick *p = &o->pick;
	char msg[PATH_MAX + 64];
	int c;

	memset(o, 0, sizeof(*o));
	o->eol = '\n';
	opterr = 0;
	while ((c = getopt_long(argc, argv, OPTSTRING, longopts, NULL)) != -1) {
		switch (c) {
		case '0':
			o->eol = '\0';
			break;
		case 'i':
			o->info = 1;
			break;
		case CMD_OPT_VERSION:
			cmd_version();
		case 'h':
			usage();
			break;
		case OPT_JSON:
			o->json = o->info = p->keywords = 1;
			break;
		case OPT_TSV:
			o->tsv = o->info = 1;
			break;
		case OPT_RECURSIVE:
			o->recursive = 1;
			break;
		case OPT_FORMAT:
			o->format = optarg;
			break;
		case OPT_SORT:
			sort_key(o, optarg);
			break;
		case OPT_REVERSE:
			o->reverse = 1;
			break;
		case OPT_MATCH:
			cmd_strlist_add(&o->match, &o->nmatch, optarg);
			break;
		case OPT_NOCACHE:
			o->nocache = 1;
			break;
		case ':':
		case '?':
			errx(EX_USAGE, "%s (see md-list -h)",
			    cmd_opt_error(c, argv, longopts, msg, sizeof(msg)));
		default: /* -C -c -N -n -K -k, flags with and without */
			cmd_pick_option(p, c, optarg);
		}
	}
	check_pick(p);
	if (o->tsv && o->json)
		errx(EX_USAGE, "--tsv and --json: choose one");
	if (o->info && (o->format || o->sort || o->nmatch))
		errx(EX_USAGE, "-i, --tsv and --json count maildirs: not with "
		               "--format, --sort or --match");
	if (o->reverse && o->sort == MD_SORT_NONE)
		errx(EX_USAGE, "--reverse: only with --sort");
}

/* --format, --sort and --match set up, or one line on the escape or
 * expression refused. */
static void
setup_headers(struct run *r)
{
	const struct opts *o = &r->o;
	struct md_compile_err ce;
	char esc[MD_FORMAT_PATTERN + 32], b[4 * sizeof(esc) + 1];
	long bad;

	r->headers = o->format || o->sort || o->nmatch;
	if (!r->headers)
		return;
	for (size_t i = 0; i < o->nmatch; i++)
		if (strchr(o->match[i], '~') != NULL) {
			/* Regexes see characters of the user's locale. */
			setlocale(LC_CTYPE, "");
			break;
		}
	if (md_listing_init(&r->l, o->format, o->match, o->nmatch, o->sort,
	        o->reverse, &ce, &bad) == -1) {
		if (errno != EINVAL)
			err(EX_OSERR, "%s", bad == -1 ? "--format" : "--match");
		if (bad >= 0)
			errx(EX_USAGE, "--match %s: %s",
			    cmd_vis(o->match[bad], b, sizeof(b)), ce.why);
		snprintf(
		    esc, sizeof(esc), "%.*s", (int)ce.len, o->format + ce.off);
		errx(EX_USAGE, "--format: %s: %s", cmd_vis(esc, b, sizeof(b)),
		    ce.why);
	}
	r->l.nocache = o->nocache;
	r->o.pick.keywords |= (r->l.need & MD_NEED_KEYWORDS) != 0;
}

int
main(int argc, char *argv[])
{
	struct md_listed m;
	struct run *r;
	int c;

	if ((r = malloc(sizeof(*r))) == NULL)
		err(EX_OSERR, "malloc");
	memset(r, 0, offsetof(struct run, out));
	r->out.len = 0;
	md_clock_init(&r->clock);
	parse_opts(&r->o, argc, argv);
	r->need_flags = r->o.info || md_pick_flags(&r->o.pick);
	setup_headers(r);
	r->walk = (struct cmd_walk){ r->o.recursive, list_maildir, r, 0 };
	argc -= optind;
	argv += optind;
	for (int i = 0; i < argc; i++)
		cmd_walk_arg(&r->walk, argv[i]);
	if (argc == 0 && cmd_stdin_has_paths()) {
		if (cmd_stdin_paths(r->o.eol, 1, stdin_item, r) != 0)
			r->failed = 1;
		md_listing_close(&r->stdin_dir.src);
		md_pick_free(&r->stdin_dir.pick);
	} else if (argc == 0)
		cmd_walk_arg(&r->walk, cmd_default_maildir(1));
	if (r->o.sort != MD_SORT_NONE)
		md_sorter_sort(&r->l.sorter);
	for (size_t i = 0; i < r->l.sorter.n; i++) {
		md_sorter_get(&r->l.sorter, i, &m);
		put_msg(r, &m);
	}
	cmd_out_flush(&r->out);
	if (r->o.info)
		cmd_tally_print(stdout, r->st, r->nst,
		    r->o.json  ? CMD_FORM_JSON
		    : r->o.tsv ? CMD_FORM_TSV
		               : CMD_FORM_TABLE);
	cmd_tally_free(r->st, r->nst);
	if (fflush(stdout) == EOF)
		err(1, "stdout");
	c = r->failed || r->walk.failed ? 1 : 0;
	md_listing_free(&r->l);
	free(r->o.match);
	free(r->o.pick.kwith);
	free(r->o.pick.kwithout);
	free(r);
	return c;
}
