/*
 * md-index: create, update, check or drop the header cache of maildirs
 * (MAILDIR/mdkit-cache). An update opens only the messages the cache
 * does not know yet; the cache can always be dropped and rebuilt.
 */
#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sysexits.h>
#include <unistd.h>

#include "common.h"

#define OPTSTRING ":hj:qrv"

enum { OPT_REBUILD = 256, OPT_DROP, OPT_CHECK };
enum { UPDATE, REBUILD, DROP, CHECK };

/* Exit status of --check: consistent, inconsistent, not checked. */
enum { CONSISTENT = 0, INCONSISTENT = 1, UNCHECKED = 2 };

struct opts {
	int mode, recursive, quiet, verbose;
	int jobs; /* reader threads; 0: one per CPU, at most 4 */
};

struct run {
	struct opts o;
	struct md_summarizer *z;
	struct md_namegen gen;
	const char *dir; /* the maildir being worked on */
	struct cmd_progress pg;
	int status;
};

static void
usage(void)
{
	printf("usage: md-index [-qrv] [-j readers] "
	       "[--rebuild | --drop | --check] [maildir | folder ...]\n");
	exit(EX_OK);
}

/* "DIR: 12000/100000 read, 8000/s, 10 s left" */
static void
progress(void *arg, size_t done, size_t total)
{
	struct run *r = arg;

	cmd_progress_count(&r->pg, r->dir, "read", done, total);
}

static void
unreadable(void *arg, const struct md_err *e)
{
	struct run *r = arg;

	cmd_progress_clear(&r->pg);
	warn("%s: %s (left out of the cache)", cmd_shown(e->path, 0), e->step);
	r->status = 1;
}

static void
summary(const struct run *r, const struct md_index_stats *st)
{
	fprintf(stderr,
	    "%s: %zu message%s: %zu read, %zu kept, %zu dropped%s%s\n",
	    cmd_shown(r->dir, 0), st->messages, st->messages == 1 ? "" : "s",
	    st->added, st->kept, st->dropped,
	    st->failed ? ", some unreadable" : "",
	    !st->written    ? "; cache unchanged"
	    : st->reordered ? "; rewritten in the directories' order"
	                    : "");
}

static int
update(struct run *r, const char *dir)
{
	struct md_index ix = { .z = r->z, .g = &r->gen, .arg = r };
	struct md_index_stats st;
	struct md_err e;

	ix.flags = r->o.mode == REBUILD ? MD_INDEX_REBUILD : 0;
	ix.readers = r->o.jobs;
	ix.progress = r->o.quiet ? NULL : progress;
	ix.unreadable = unreadable;
	if (md_maildir_check(dir, &e) == -1) {
		cmd_warn_maildir(dir, &e);
		r->status = 1;
		return CMD_WALK_UNUSABLE;
	}
	r->dir = dir;
	cmd_progress_start(&r->pg);
	if (md_index_update(&ix, dir, &st, &e) == -1) {
		cmd_progress_clear(&r->pg);
		cmd_warn_err(&e);
		r->status = 1;
		return CMD_WALK_FAILED;
	}
	cmd_progress_clear(&r->pg);
	if (st.damaged) { /* even with -q: the one line a reader gives */
		errno = st.damaged;
		if (st.damaged == EBADMSG || st.damaged == ENOTSUP)
			warnx("%s/%s: %s: replaced", cmd_shown(dir, 0),
			    MD_CACHE_NAME, st.why);
		else
			warn("%s/%s: %s, replaced", cmd_shown(dir, 0),
			    MD_CACHE_NAME, st.why);
	}
	if (r->o.verbose)
		summary(r, &st);
	return CMD_WALK_OK;
}

static int
drop(struct run *r, const char *dir)
{
	char path[PATH_MAX];
	struct md_err e;

	if (md_maildir_check(dir, &e) == -1) {
		cmd_warn_maildir(dir, &e);
		r->status = 1;
		return CMD_WALK_UNUSABLE;
	}
	snprintf(path, sizeof(path), "%s/%s", dir, MD_CACHE_NAME);
	if (unlink(path) == 0) {
		if (r->o.verbose)
			fprintf(stderr, "%s: dropped\n", cmd_shown(path, 0));
	} else if (errno != ENOENT) {
		warn("%s", cmd_shown(path, 0));
		r->status = 1;
	} else if (r->o.verbose)
		fprintf(stderr, "%s: no cache\n", cmd_shown(dir, 0));
	return CMD_WALK_OK;
}

static void
finding(void *arg, enum md_index_finding k, const char *sub, const char *name)
{
	static const char *what[] = { "missing", "extra", "stale" };
	struct run *r = arg;

	if (sub != NULL) {
		printf("%s\t%s/%s/", what[k], cmd_shown(r->dir, 0), sub);
		printf("%s\t%s\n", cmd_shown(name, 1),
		    k == MD_INDEX_MISSING ? "no entry"
		                          : "size or mtime changed");
	} else
		printf("%s\t%s/%s\t%s: no such message\n", what[k],
		    cmd_shown(r->dir, 0), MD_CACHE_NAME, cmd_shown(name, 1));
}

static int
check(struct run *r, const char *dir)
{
	struct md_err e;
	long n;

	r->dir = dir;
	if (md_maildir_check(dir, &e) == -1) {
		fflush(stdout);
		cmd_warn_maildir(dir, &e);
		r->status = UNCHECKED;
		return CMD_WALK_UNUSABLE;
	}
	if ((n = md_index_compare(dir, finding, r, &e)) >= 0) {
		if (n > 0 && r->status == CONSISTENT)
			r->status = INCONSISTENT;
		if (r->o.verbose)
			fprintf(stderr, "%s: %ld differences\n",
			    cmd_shown(dir, 0), n);
		return CMD_WALK_OK;
	}
	if (e.kind == MD_ERR_NO_CACHE) {
		printf("nocache\t%s/%s\tno cache\n", cmd_shown(dir, 0),
		    MD_CACHE_NAME);
		if (r->status == CONSISTENT)
			r->status = INCONSISTENT;
	} else if (e.kind == MD_ERR_DAMAGED) {
		printf("damaged\t%s\t%s\n", cmd_shown(e.path, 0), e.step);
		if (r->status == CONSISTENT)
			r->status = INCONSISTENT;
	} else {
		fflush(stdout);
		cmd_warn_err(&e);
		r->status = UNCHECKED;
		return CMD_WALK_FAILED;
	}
	return CMD_WALK_OK;
}

/* One maildir, for the walk; its status is kept in R, for the exit. */
static int
one(void *arg, const char *dir, int folder)
{
	struct run *r = arg;

	(void)folder;
	if (r->o.mode == DROP)
		return drop(r, dir);
	return r->o.mode == CHECK ? check(r, dir) : update(r, dir);
}

static int
failed_status(const struct run *r)
{
	return r->o.mode == CHECK ? UNCHECKED : 1;
}

static void
set_mode(struct opts *o, int mode)
{
	if (o->mode != UPDATE && o->mode != mode)
		errx(EX_USAGE, "--rebuild, --drop and --check: choose one");
	o->mode = mode;
}

static void
parse_opts(struct opts *o, int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "check", no_argument, NULL, OPT_CHECK },
		{ "drop", no_argument, NULL, OPT_DROP },
		{ "help", no_argument, NULL, 'h' },
		CMD_VERSION_OPTION,
		{ "jobs", required_argument, NULL, 'j' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "rebuild", no_argument, NULL, OPT_REBUILD },
		{ "recursive", no_argument, NULL, 'r' },
		{ "verbose", no_argument, NULL, 'v' },
		{ NULL, 0, NULL, 0 },
	};
	char msg[PATH_MAX + 64];
	const char *errstr;
	int c;

	memset(o, 0, sizeof(*o));
	opterr = 0;
	while ((c = getopt_long(argc, argv, OPTSTRING, longopts, NULL)) != -1) {
		switch (c) {
		case CMD_OPT_VERSION:
			cmd_version();
		case 'h':
			usage();
			break;
		case 'j':
			o->jobs = (int)strtonum(
			    optarg, 1, MD_INDEX_READERS_MAX, &errstr);
			if (errstr != NULL)
				errx(EX_USAGE,
				    "-j %s: readers are %s (1 to %d)",
				    cmd_shown(optarg, 0), errstr,
				    MD_INDEX_READERS_MAX);
			break;
		case 'q':
			o->quiet = 1;
			break;
		case 'r':
			o->recursive = 1;
			break;
		case 'v':
			o->verbose = 1;
			break;
		case OPT_REBUILD:
			set_mode(o, REBUILD);
			break;
		case OPT_DROP:
			set_mode(o, DROP);
			break;
		case OPT_CHECK:
			set_mode(o, CHECK);
			break;
		default:
			errx(EX_USAGE, "%s (see md-index -h)",
			    cmd_opt_error(c, argv, longopts, msg, sizeof(msg)));
		}
	}
	if (o->quiet && o->verbose)
		errx(EX_USAGE, "-q and -v: choose one");
}

int
main(int argc, char *argv[])
{
	struct run r;
	struct cmd_walk w = { .fn = one, .arg = &r };

	memset(&r, 0, sizeof(r));
	parse_opts(&r.o, argc, argv);
	argc -= optind;
	argv += optind;
	if (md_namegen_init(&r.gen) == -1)
		err(failed_status(&r), "host name");
	if ((r.z = malloc(sizeof(*r.z))) == NULL)
		err(EX_OSERR, "malloc");
	md_summarizer_init(r.z);
	cmd_progress_init(&r.pg, r.o.quiet);
	w.recursive = r.o.recursive;
	if (argc == 0)
		cmd_walk_arg(&w, cmd_default_maildir(failed_status(&r)));
	for (int i = 0; i < argc; i++)
		cmd_walk_arg(&w, argv[i]);
	if (w.failed)
		r.status = failed_status(&r);
	md_summarizer_free(r.z);
	free(r.z);
	if (fflush(stdout) == EOF) {
		warn("stdout");
		r.status = failed_status(&r);
	}
	return r.status;
}
