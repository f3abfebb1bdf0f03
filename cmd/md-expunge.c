/*
 * md-expunge: remove the messages flagged T (trashed) from maildirs, or
 * with --all every message (for Trash and Junk retention), optionally
 * only those delivered before a given age; and with --tmp the stale
 * files in tmp/. Paths go to stdout with -v or -n, summaries to stderr
 * (-v) or, for scripts, to stdout (--tsv, --json).
 */
#include <err.h>
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sysexits.h>
#include <time.h>
#include <unistd.h>

#include "common.h"

#define OPTSTRING ":0af:hm:nqrTv"
#define TMP_AGE (36 * 3600) /* the maildir spec's 36 hours */

enum { OPT_OLDER = 256, OPT_TMP, OPT_TSV, OPT_JSON };

struct opts {
	int trashed, all, tmp, older, dry, quiet, verbose, recursive, tsv;
	int json;
	time_t older_age, tmp_age;
	char **folders, **roots; /* -f, -m: pointers into argv */
	size_t nfolders, nroots;
	char eol;
};

struct stats {
	char *path;
	struct md_expunge_stats s;
};

struct run {
	struct opts o;
	struct md_expunge x;
	struct md_quota_ledger quota; /* the roots removals were taken off */
	FILE *paths;                  /* where removed paths go, or NULL */
	struct stats *st;
	size_t nst;
	struct cmd_walk walk;
	int failed;    /* besides the walk's */
	int out_errno; /* the first failed write of a path */
	struct cmd_progress pg;
	const char *dir; /* the maildir being worked on, for PG */
};

static void
usage(void)
{
	printf("usage: md-expunge [-0ahnqrTv] [--older-than age] "
	       "[--tmp[=age]] [--tsv | --json]\n"
	       "                  [-m root] [-f folder] "
	       "[maildir | folder ...]\n");
	exit(EX_OK);
}

static void
report(void *arg, const struct md_expunge_event *ev)
{
	struct run *r = arg;

	if (ev->err != NULL) {
		cmd_progress_clear(&r->pg);
		if (ev->err->kind == MD_ERR_SYMLINK)
			warnx("%s: a symbolic link, not followed",
			    cmd_shown(ev->err->path, 0));
		else
			cmd_warn_err(ev->err);
		r->failed = 1;
		return;
	}
	if (r->paths != NULL &&
	    fprintf(r->paths, "%s/%s/%s%c", ev->maildir, ev->sub, ev->name,
	        r->o.eol) < 0 &&
	    r->out_errno == 0)
		r->out_errno = errno;
}

/* "M: 12000 looked at, 4000/s" */
static void
progress(void *arg, uint64_t seen)
{
	struct run *r = arg;

	cmd_progress_count(&r->pg, r->dir, "looked at", seen, 0);
}

/* -v: "md-expunge: M: 3 messages (1.5K), 1 tmp file (10B) removed". */
static void
tell(struct run *r, const struct stats *s)
{
	char b1[8], b2[8], msgs[64] = "", tmps[64] = "";
	const struct md_expunge_stats *v = &s->s;

	md_human_size(v->bytes, b1, sizeof(b1));
	md_human_size(v->tmpbytes, b2, sizeof(b2));
	if (r->x.what & (MD_EXPUNGE_TRASHED | MD_EXPUNGE_ALL))
		snprintf(msgs, sizeof(msgs), "%llu message%s (%s)",
		    (unsigned long long)v->messages,
		    v->messages == 1 ? "" : "s", b1);
	if (r->x.what & MD_EXPUNGE_TMP)
		snprintf(tmps, sizeof(tmps), "%s%llu tmp file%s (%s)",
		    msgs[0] ? ", " : "", (unsigned long long)v->tmpfiles,
		    v->tmpfiles == 1 ? "" : "s", b2);
	fflush(stdout); /* paths before the line that sums them up */
	cmd_progress_clear(&r->pg);
	fprintf(stderr, "md-expunge: %s: %s%s %s\n", s->path, msgs, tmps,
	    r->o.dry ? "would be removed" : "removed");
}

static struct stats *
new_stats(struct run *r, const char *path)
{
	struct stats *s = cmd_array_add(&r->st, &r->nst, sizeof(*r->st));

	if ((s->path = strdup(path)) == NULL)
		err(EX_OSERR, "strdup");
	return s;
}

/* One maildir, for the walk; what fails in it is told to report(). */
static int
expunge_one(void *arg, const char *path, int folder)
{
	struct run *r = arg;
	struct md_err e;
	struct stats *s;

	(void)folder;
	if (md_maildir_check(path, &e) == -1) {
		cmd_warn_maildir(path, &e);
		return CMD_WALK_UNUSABLE;
	}
	s = new_stats(r, path);
	r->dir = path;
	cmd_progress_start(&r->pg);
	/* Problems were told to report() one by one. */
	md_expunge_maildir(path, &r->x, &s->s, &e);
	cmd_progress_clear(&r->pg);
	if (r->o.verbose && !r->o.tsv && !r->o.json)
		tell(r, s);
	return CMD_WALK_OK;
}

/* -f FOLDER of the maildir ROOT ("INBOX" is ROOT itself). */
static void
expunge_folder(struct run *r, const char *root, const char *folder)
{
	char rpath[PATH_MAX], path[PATH_MAX];

	if (md_path_trim(root, rpath, sizeof(rpath)) == -1) {
		warn("%s", cmd_shown(root, 0));
		r->failed = 1;
		return;
	}
	if (md_folder_path(path, sizeof(path), rpath, folder) == -1) {
		warn("%s/.%s", cmd_shown(rpath, 0), folder);
		r->failed = 1;
		return;
	}
	cmd_walk_path(&r->walk, path, strcmp(path, rpath) != 0);
}

/* Each -m root (or the default one): its -f folders, or itself. */
static void
expunge_roots(struct run *r)
{
	const struct opts *o = &r->o;
	size_t n = o->nroots > 0 ? o->nroots : 1;

	for (size_t i = 0; i < n; i++) {
		const char *root =
		    o->nroots > 0 ? o->roots[i] : cmd_default_maildir(1);

		if (o->nfolders == 0)
			expunge_folder(r, root, "INBOX");
		for (size_t j = 0; j < o->nfolders; j++)
			expunge_folder(r, root, o->folders[j]);
	}
}

static time_t
age(const char *opt, const char *s)
{
	time_t t;

	if (md_age_parse(s, &t) == -1)
		errx(EX_USAGE,
		    "%s %s: not an age (a number and a unit s, m, h, d or "
		    "w: 36h, 7d, 1d12h)",
		    opt, cmd_shown(s, 0));
	return t;
}

static void
parse_opts(struct opts *o, int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "all", no_argument, NULL, 'a' },
		{ "dry-run", no_argument, NULL, 'n' },
		{ "folder", required_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		CMD_VERSION_OPTION,
		{ "json", no_argument, NULL, OPT_JSON },
		{ "maildir", required_argument, NULL, 'm' },
		{ "older-than", required_argument, NULL, OPT_OLDER },
		{ "quiet", no_argument, NULL, 'q' },
		{ "recursive", no_argument, NULL, 'r' },
		{ "tmp", optional_argument, NULL, OPT_TMP },
		{ "trashed", no_argument, NULL, 'T' },
		{ "tsv", no_argument, NULL, OPT_TSV },
		{ "verbose", no_argument, NULL, 'v' },
		{ NULL, 0, NULL, 0 },
	};
	char msg[PATH_MAX + 64], p[PATH_MAX];
	int c;

	memset(o, 0, sizeof(*o));
	o->eol = '\n';
	o->tmp_age = TMP_AGE;
	opterr = 0;
	while ((c = getopt_long(argc, argv, OPTSTRING, longopts, NULL)) != -1) {
		switch (c) {
		case '0':
			o->eol = '\0';
			break;
		case 'a':
			o->all = 1;
			break;
		case 'f':
			if (md_folder_path(p, sizeof(p), "", optarg) == -1)
				errx(EX_USAGE,
				    "-f %s: not a folder name (such as "
				    "Trash or Work.Projects)",
				    cmd_shown(optarg, 0));
			cmd_strlist_add(&o->folders, &o->nfolders, optarg);
			break;
		case CMD_OPT_VERSION:
			cmd_version();
		case 'h':
			usage();
			break;
		case 'm':
			cmd_strlist_add(&o->roots, &o->nroots, optarg);
			break;
		case 'n':
			o->dry = 1;
			break;
		case 'q':
			o->quiet = 1;
			break;
		case 'r':
			o->recursive = 1;
			break;
		case 'T':
			o->trashed = 1;
			break;
		case 'v':
			o->verbose = 1;
			break;
		case OPT_OLDER:
			o->older = 1;
			o->older_age = age("--older-than", optarg);
			break;
		case OPT_TMP:
			o->tmp = 1;
			if (optarg != NULL)
				o->tmp_age = age("--tmp", optarg);
			break;
		case OPT_TSV:
			o->tsv = 1;
			break;
		case OPT_JSON:
			o->json = 1;
			break;
		default: /* ':' or '?' */
			errx(EX_USAGE, "%s (see md-expunge -h)",
			    cmd_opt_error(c, argv, longopts, msg, sizeof(msg)));
		}
	}
	if (o->tsv && o->json)
		errx(EX_USAGE, "--tsv and --json: choose one");
	if (o->all && o->trashed)
		errx(EX_USAGE, "--all and -T: choose one");
}

/* The selection the options make: see DESCRIPTION in md-expunge(1). */
static void
setup(struct run *r, int nargs, char *const args[])
{
	struct opts *o = &r->o;
	struct timespec now;

	/* "--tmp 3d" gives "3d" as a maildir: refused before any removal. */
	for (int i = 0; i < nargs; i++) {
		struct stat st;
		time_t t;

		if (md_age_parse(args[i], &t) == 0 && stat(args[i], &st) == -1)
			errx(EX_USAGE,
			    "%s: an age, not a maildir (write --tmp=%s or "
			    "--older-than %s)",
			    args[i], args[i], args[i]);
	}
	if (o->all && nargs == 0 && o->nroots == 0 && o->nfolders == 0)
		errx(EX_USAGE, "--all removes every message: name the maildir "
		               "or folder (-f, -m or an argument)");
	if (clock_gettime(CLOCK_REALTIME, &now) == -1)
		err(1, "clock_gettime");
	if (o->all)
		r->x.what |= MD_EXPUNGE_ALL;
	else if (o->trashed || o->older || !o->tmp)
		r->x.what |= MD_EXPUNGE_TRASHED;
	if (o->older) {
		r->x.what |= MD_EXPUNGE_OLDER;
		r->x.before = now;
		r->x.before.tv_sec -= o->older_age;
	}
	if (o->tmp) {
		r->x.what |= MD_EXPUNGE_TMP;
		r->x.tmp_before = now;
		r->x.tmp_before.tv_sec -= o->tmp_age;
	}
	if (o->dry)
		r->x.what |= MD_EXPUNGE_DRY;
	r->x.report = report;
	r->x.progress = progress;
	r->x.arg = r;
	md_quota_ledger_init(&r->quota, NULL);
	r->x.quota = &r->quota;
	/* Paths: stdout, unless a summary for scripts has it. */
	if (o->tsv || o->json)
		r->paths = o->verbose ? stderr : NULL;
	else if (o->verbose || o->dry)
		r->paths = stdout;
	/* Paths printed on the terminal are progress enough. */
	cmd_progress_init(
	    &r->pg, o->quiet || (r->paths != NULL && isatty(fileno(r->paths))));
}

/* ---- --tsv and --json ---- */

static const char *const keys[] = { "messages", "bytes", "tmp_files",
	"tmp_bytes", "errors" };

/* S's counts, in the order of keys. */
static const uint64_t *
counts(const struct md_expunge_stats *s, uint64_t v[5])
{
	v[0] = s->messages, v[1] = s->bytes, v[2] = s->tmpfiles;
	v[3] = s->tmpbytes, v[4] = s->problems;
	return v;
}

static void
print_summary(const struct run *r)
{
	struct md_expunge_stats total = { 0 };
	uint64_t v[5];

	for (size_t i = 0; i < r->nst; i++) {
		const struct md_expunge_stats *s = &r->st[i].s;

		total.messages += s->messages;
		total.bytes += s->bytes;
		total.tmpfiles += s->tmpfiles;
		total.tmpbytes += s->tmpbytes;
		total.problems += s->problems;
	}
	if (r->o.json) {
		printf("{\"dry_run\":%s,\"maildirs\":[",
		    r->o.dry ? "true" : "false");
		for (size_t i = 0; i < r->nst; i++) {
			printf("%s{", i > 0 ? "," : "");
			cmd_json_counts(stdout, r->st[i].path, keys,
			    counts(&r->st[i].s, v), 5);
			putchar('}');
		}
		printf("],\"total\":{");
		cmd_json_counts(stdout, NULL, keys, counts(&total, v), 5);
		printf("}}\n");
	} else if (r->o.tsv) {
		cmd_tsv_heads(stdout, keys, 5);
		for (size_t i = 0; i < r->nst; i++)
			cmd_tsv_counts(
			    stdout, r->st[i].path, counts(&r->st[i].s, v), 5);
	}
}

int
main(int argc, char *argv[])
{
	struct run *r;
	int rc;

	/* A reader gone (md-expunge -v | head) must not kill us between a
	 * removal and its quota line: writes fail instead, and exit 1. */
	signal(SIGPIPE, SIG_IGN);
	if ((r = calloc(1, sizeof(*r))) == NULL)
		err(EX_OSERR, "calloc");
	parse_opts(&r->o, argc, argv);
	argc -= optind;
	argv += optind;
	setup(r, argc, argv);
	r->walk = (struct cmd_walk){ r->o.recursive, expunge_one, r, 0 };
	for (int i = 0; i < argc; i++)
		cmd_walk_arg(&r->walk, argv[i]);
	if (r->o.nroots > 0 || r->o.nfolders > 0)
		expunge_roots(r);
	else if (argc == 0)
		expunge_folder(r, cmd_default_maildir(1), "INBOX");
	print_summary(r);
	if (fflush(stdout) == EOF || ferror(stdout)) {
		if (r->out_errno != 0)
			errno = r->out_errno;
		err(1, "stdout");
	}
	rc = r->failed || r->walk.failed ? 1 : 0;
	md_quota_ledger_free(&r->quota);
	for (size_t i = 0; i < r->nst; i++)
		free(r->st[i].path);
	free(r->st);
	free(r->o.folders);
	free(r->o.roots);
	free(r);
	return rc;
}
