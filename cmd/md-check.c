/*
 * md-check: report damage in maildirs, one finding a line,
 * "CATEGORY<TAB>PATH<TAB>what", and with --repair put right what can be
 * put right without risk (renames that never replace, mkdir, a new
 * maildirsize, modes tightened), one "repaired" line each. Nothing is
 * ever deleted. Notes, which are no findings, go to stderr with -v.
 */
#include <err.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <time.h>

#include "common.h"

#define OPTSTRING ":hqrv"

enum { OPT_REPAIR = 256 };

/* Exit status: no finding, findings, something could not be checked. */
enum { CLEAN = 0, FINDINGS = 1, UNCHECKED = 2 };

struct opts {
	int quiet, recursive, repair, verbose;
};

struct run {
	struct opts o;
	struct cmd_progress pg;
	const char *dir; /* the maildir being checked, for PG */
};

static void
usage(void)
{
	printf("usage: md-check [-qrv] [--repair] [maildir ...]\n");
	exit(EX_OK);
}

/* What one class's rwx BITS let it do to a file or directory (DIR). */
static const char *
verbs(unsigned bits, int dir)
{
	int r = (bits & 4) != 0;
	int w = dir ? (bits & 3) == 3 : (bits & 2) != 0;

	if (dir)
		return r && w ? "list and change" : r ? "list" : "change";
	return r && w ? "read and write" : r ? "read" : "write";
}

/* "mode 0644: its group and others can read it" */
static void
mode_detail(const struct md_finding *f)
{
	int dir = f->what == MD_CHECK_DIR;
	unsigned g = (f->v[1] >> 3) & 7, o = f->v[1] & 7;

	printf("mode %04llo: ", (unsigned long long)f->v[0]);
	if (g && o && strcmp(verbs(g, dir), verbs(o, dir)) == 0)
		printf("its group and others can %s it", verbs(g, dir));
	else if (g && o)
		printf("its group can %s it, others can %s it", verbs(g, dir),
		    verbs(o, dir));
	else
		printf("%s can %s it", g ? "its group" : "others",
		    verbs(g ? g : o, dir));
}

/* Why every reader of maildirsize counts the maildir again: VERDICT
 * (enum md_quota_verdict), on LINE. */
static void
untrusted(int64_t verdict, int64_t line)
{
	switch (verdict) {
	case MD_QUOTA_TOOBIG:
		printf("5120 bytes or more, too long to be read");
		break;
	case MD_QUOTA_NODEF:
		printf("line 1 is no quota definition");
		break;
	case MD_QUOTA_BADDEF:
		printf("line 1 gives Courier other limits than Dovecot");
		break;
	case MD_QUOTA_NOUSAGE:
		printf("no usage line after the limits");
		break;
	case MD_QUOTA_BLANK:
		printf("line %lld is blank", (long long)line);
		break;
	case MD_QUOTA_CRLF:
		printf("line %lld ends in a carriage return", (long long)line);
		break;
	case MD_QUOTA_NOEOL:
		printf("line %lld has no newline at its end", (long long)line);
		break;
	case MD_QUOTA_NEGATIVE:
		printf("its totals are below zero");
		break;
	default:
		printf("line %lld is not two numbers", (long long)line);
	}
}

static void
detail(const struct md_finding *f)
{
	const int64_t *v = f->v;

	switch (f->kind) {
	case MD_CHECK_MISSING:
		printf(f->what == MD_CHECK_NOTDIR ? "not a directory"
		                                  : "no such directory");
		break;
	case MD_CHECK_MODE:
		mode_detail(f);
		break;
	case MD_CHECK_STALE:
		printf("untouched for %lld hours (an abandoned delivery?)",
		    (long long)(v[0] / 3600));
		break;
	case MD_CHECK_NONMESSAGE:
		printf(
		    "%s", f->what == MD_CHECK_DIR       ? "a directory"
		          : f->what == MD_CHECK_SPECIAL ? "not a regular file"
		          : f->what == MD_CHECK_DANGLING
		              ? "a symbolic link to nothing"
		              : "a name without a base (it starts with ':')");
		break;
	case MD_CHECK_EMPTY:
		printf("0 bytes");
		break;
	case MD_CHECK_SIZE:
		printf("the name says %lld bytes, the file has %lld",
		    (long long)v[0], (long long)v[1]);
		break;
	case MD_CHECK_MISPLACED:
		printf("in new/ with info after ':' (belongs in cur/)");
		break;
	case MD_CHECK_FLAGS:
		printf(f->what == MD_CHECK_REPEAT ? "a flag given twice"
		                                  : "flags not in ASCII order");
		break;
	case MD_CHECK_DUPLICATE:
		printf("same base as %s%s", cmd_shown(f->other, 1),
		    v[0] ? " (the same file, hard linked)" : "");
		break;
	case MD_CHECK_QUOTA:
		if (f->what == MD_CHECK_DRIFT)
			printf("says %lld bytes in %lld messages, the "
			       "maildir holds %lld in %lld",
			    (long long)v[0], (long long)v[1], (long long)v[2],
			    (long long)v[3]);
		else
			untrusted(v[0], v[1]);
		break;
	case MD_CHECK_REPAIRED:
		if (f->what == MD_CHECK_MKDIR)
			printf("made, mode 0700");
		else if (f->what == MD_CHECK_RENAME)
			printf("renamed to %s", cmd_shown(f->other, 1));
		else if (f->what == MD_CHECK_REBUILT)
			printf("rebuilt from %lld messages", (long long)v[0]);
		else if (f->what == MD_CHECK_CHMOD)
			printf(
			    "mode changed to %04llo", (unsigned long long)v[0]);
		else
			printf("written anew: %lld bytes in %lld messages",
			    (long long)v[0], (long long)v[1]);
		break;
	case MD_CHECK_CACHE:
		if (f->what == MD_CHECK_DAMAGED)
			printf(
			    "damaged (%s): every reader ignores it", f->other);
		else if (v[0] == 1)
			printf("1 entry does not match its message (size or "
			       "mtime changed)");
		else
			printf("%lld entries do not match their messages "
			       "(size or mtime changed)",
			    (long long)v[0]);
		break;
	case MD_CHECK_NOTE: /* no finding: print_note */
		break;
	}
}

/* -v: "M/mdkit-cache: 3 messages not in the cache, 1 entry of a message
 * gone; md-index updates it", on stderr: it is no finding. */
static void
print_note(const struct md_finding *f)
{
	const int64_t *v = f->v;

	if (f->what != MD_CHECK_BEHIND && f->what != MD_CHECK_FOREIGN)
		return;
	fflush(stdout); /* in order on a terminal */
	fprintf(stderr, "%s: ", cmd_shown(f->path, 0));
	if (f->what == MD_CHECK_FOREIGN) {
		fprintf(stderr, "written by another version of mdkit, "
		                "ignored by readers; md-index rebuilds it\n");
		return;
	}
	if (v[0] > 0)
		fprintf(stderr, "%lld message%s not in the cache",
		    (long long)v[0], v[0] == 1 ? "" : "s");
	if (v[0] > 0 && v[1] > 0)
		fprintf(stderr, ", ");
	if (v[1] == 1)
		fprintf(stderr, "1 entry of a message gone");
	else if (v[1] > 1)
		fprintf(
		    stderr, "%lld entries of messages gone", (long long)v[1]);
	fprintf(stderr, "; md-index updates it\n");
}

/* A repair that failed is a problem to tell on stderr; the finding
 * it was for stays, and so does exit status 1. */
static void
repair_failed(const struct md_finding *f)
{
	errno = f->error;
	if (f->what == MD_CHECK_RENAME && f->other != NULL)
		warn("%s: cannot rename to %s", cmd_shown(f->path, 0),
		    cmd_shown(f->other, 1));
	else if (f->what == MD_CHECK_RENAME)
		warn("%s: cannot rename", cmd_shown(f->path, 0));
	else if (f->what == MD_CHECK_MKDIR)
		warn("%s: cannot make it", cmd_shown(f->path, 0));
	else if (f->what == MD_CHECK_REBUILT)
		warn("%s: cannot rebuild it", cmd_shown(f->path, 0));
	else if (f->what == MD_CHECK_CHMOD)
		warn("%s: cannot change its mode", cmd_shown(f->path, 0));
	else
		warn("%s: cannot write it anew", cmd_shown(f->path, 0));
}

static void
print_finding(void *arg, const struct md_finding *f)
{
	struct run *r = arg;
	const struct opts *o = &r->o;

	cmd_progress_clear(&r->pg);
	if (f->kind == MD_CHECK_NOTE) {
		if (o->verbose)
			print_note(f);
		return;
	}
	if (f->kind == MD_CHECK_REPAIRED && f->error != 0) {
		fflush(stdout); /* in order on a terminal */
		repair_failed(f);
		return;
	}
	printf("%s\t%s\t", md_check_category(f->kind), cmd_shown(f->path, 0));
	detail(f);
	putchar('\n');
}

/* "M: 12000 checked, 4000/s" */
static void
progress(void *arg, uint64_t seen)
{
	struct run *r = arg;

	cmd_progress_count(&r->pg, r->dir, "checked", seen, 0);
}

/* One maildir, for the walk: CMD_WALK_FAILED when part of it could not
 * be checked, CMD_WALK_UNUSABLE when none of it could (each said why). */
static int
check_one(void *arg, const char *path, int folder)
{
	struct md_check *c = arg;
	struct run *r = c->arg;
	struct md_err e;
	int rc;

	(void)folder;
	r->dir = path;
	cmd_progress_start(&r->pg);
	rc = md_check_maildir(c, path, &e);
	cmd_progress_clear(&r->pg);
	if (rc == 0)
		return CMD_WALK_OK;
	fflush(stdout);
	if (e.kind == MD_ERR_NOT_MAILDIR) {
		warnx("%s: not a maildir (no tmp/, new/ or cur/)",
		    cmd_shown(path, 0));
		return CMD_WALK_UNUSABLE;
	}
	/* The maildir itself could not be read: nothing was checked. */
	if (strcmp(e.path, path) == 0 && e.kind == MD_ERR_SYSTEM &&
	    errno != ENOMEM) {
		warn("%s", cmd_shown(path, 0));
		return CMD_WALK_UNUSABLE;
	}
	cmd_warn_err(&e);
	return CMD_WALK_FAILED;
}

static void
parse_opts(struct opts *o, int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "help", no_argument, NULL, 'h' },
		CMD_VERSION_OPTION,
		{ "quiet", no_argument, NULL, 'q' },
		{ "recursive", no_argument, NULL, 'r' },
		{ "repair", no_argument, NULL, OPT_REPAIR },
		{ "verbose", no_argument, NULL, 'v' },
		{ NULL, 0, NULL, 0 },
	};
	char msg[PATH_MAX + 64];
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
		case 'q':
			o->quiet = 1;
			break;
		case 'r':
			o->recursive = 1;
			break;
		case OPT_REPAIR:
			o->repair = 1;
			break;
		case 'v':
			o->verbose = 1;
			break;
		default:
			errx(EX_USAGE, "%s (see md-check -h)",
			    cmd_opt_error(c, argv, longopts, msg, sizeof(msg)));
		}
	}
}

int
main(int argc, char *argv[])
{
	struct md_namegen gen;
	struct md_check c;
	struct cmd_walk w = { .fn = check_one, .arg = &c };
	struct run r;
	struct opts *o = &r.o;
	int status = CLEAN;

	memset(&r, 0, sizeof(r));
	parse_opts(o, argc, argv);
	cmd_progress_init(&r.pg, o->quiet);
	argc -= optind;
	argv += optind;
	md_namegen_init(&gen);
	memset(&c, 0, sizeof(c));
	c.repair = o->repair;
	c.now = time(NULL);
	c.gen = &gen;
	c.report = print_finding;
	c.progress = progress;
	c.arg = &r;
	w.recursive = o->recursive;
	if (argc == 0)
		cmd_walk_arg(&w, cmd_default_maildir(UNCHECKED));
	for (int i = 0; i < argc; i++)
		cmd_walk_arg(&w, argv[i]);
	if (w.failed)
		status = UNCHECKED;
	if (fflush(stdout) == EOF) {
		warn("stdout");
		status = UNCHECKED;
	}
	/* Found and repaired is still found: the output says what. */
	if (status == CLEAN && c.found > 0)
		status = FINDINGS;
	return status;
}
