/*
 * md-move: refile messages into another maildir or Maildir++ folder, like
 * mv(1). Each message gets a fresh unique base there and keeps its flags
 * and mtime; across file systems it is copied and synced before the
 * source goes. The new path of each is printed for pipelines.
 */
#include <err.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sysexits.h>
#include <unistd.h>

#include "common.h"

#define OPTSTRING ":0cf:hkm:qt:"

struct opts {
	int create, keep, quiet;
	char eol;
	const char *folder, *root, *target;
};

struct run {
	struct opts o;
	struct md_maildir to;
	dev_t to_dev; /* the target maildir itself, to spot a no-op move */
	ino_t to_ino;
	/* Maildir++ quota: what moves in and out of each root, appended
	 * at the end; the target's root is NULL when it is uncounted Trash. */
	struct md_quota_ledger quota;
	struct md_quota_root *to_root;
	struct md_namegen gen;
	char kmap[26];           /* keyword letters from the last source */
	char last_src[PATH_MAX]; /* the last source maildir looked at */
	int last_same;           /* ... is the target itself */
	struct md_quota_root *last_root; /* ... its root, NULL if uncounted */
	struct cmd_progress pg;          /* stderr a terminal, no -q */
	uint64_t done, total;            /* paths taken; given (0: stdin) */
};

static void
usage(void)
{
	printf("usage: md-move [-0ckq] message ... target\n"
	       "       md-move [-0ckq] -t target [message ...]\n"
	       "       md-move [-0ckq] -f folder [-m root] [message ...]\n");
	exit(EX_OK);
}

static void
open_target(struct run *r)
{
	struct md_err e;
	struct stat st;
	char def[PATH_MAX];
	int fl = r->o.create ? MD_CREATE : 0, rc;

	if (r->o.folder) {
		const char *root = r->o.root;

		if (root == NULL) {
			if (md_maildir_default(def, sizeof(def)) == -1)
				errx(1, "no MAILDIR and no home directory: "
				        "name the root with -m");
			root = def;
		}
		rc = md_folder_open(&r->to, root, r->o.folder, fl, &e);
	} else
		rc = md_maildir_open(&r->to, r->o.target, fl, &e);
	if (rc == -1) {
		if (errno == ENOENT && !r->o.create)
			errx(1, "%s: no such maildir (-c creates it)",
			    cmd_shown(e.path, 0));
		cmd_die_err(&e, 1);
	}
	if (fstat(r->to.fd, &st) == -1)
		err(1, "%s", cmd_shown(r->to.path, 0));
	r->to_dev = st.st_dev;
	r->to_ino = st.st_ino;
	/* The root whose quota counts the target; NULL for the Trash. One
	 * that cannot be told stops the run: moved in, a message would go
	 * uncounted. */
	if (md_quota_ledger_find(&r->quota, r->to.path, &r->to_root, &e) == -1)
		cmd_die_err(&e, 1);
	/* Read now: a quota that cannot be read stops the run before any
	 * move. */
	if (r->to_root != NULL &&
	    md_quota_ledger_room(&r->quota, r->to_root, 0, 0, &e) == -1)
		cmd_die_err(&e, 1);
}

/* What we know of the source maildir ROOT, looked up once per run of
 * messages from it: is it the target, and the root whose quota counts
 * it. -1 when that cannot be told (the message is not moved: its quota
 * would go wrong); a ROOT that is gone is left to md_move to tell. */
static int
load_source(struct run *r, const char *root, struct md_err *e)
{
	struct stat st;

	if (strcmp(r->last_src, root) == 0)
		return 0;
	r->last_src[0] = '\0';
	r->last_same = 0;
	r->last_root = NULL;
	for (int i = 0; i < 26; i++)
		r->kmap[i] = (char)('a' + i);
	if (stat(root, &st) == -1)
		return errno == ENOENT ? 0 : md_err_set(e, "stat", root, NULL);
	if (md_quota_ledger_find(&r->quota, root, &r->last_root, e) == -1)
		return -1;
	r->last_same = st.st_dev == r->to_dev && st.st_ino == r->to_ino;
	if (!r->last_same &&
	    md_keywords_map_dirs(root, r->to.path, r->kmap, e) == -1)
		return -1;
	strlcpy(r->last_src, root, sizeof(r->last_src));
	return 0;
}

/* Is there room in the target's quota, when the move adds to it? */
static int
room_for(struct run *r, const struct md_msgpath *mp)
{
	struct md_err e;
	uint64_t size;

	if (r->to_root == NULL || r->to_root->state == -1 ||
	    (r->last_root == r->to_root && !r->o.keep))
		return 1;
	if (md_name_field(mp->name, 'S', &size) == -1) {
		char p[PATH_MAX + NAME_MAX + 8];
		struct stat st;

		if (md_msgpath_format(mp, p, sizeof(p)) == -1 ||
		    stat(p, &st) == -1)
			return 1; /* md_move will say what is wrong */
		size = (uint64_t)st.st_size;
	}
	switch (
	    md_quota_ledger_room(&r->quota, r->to_root, (int64_t)size, 1, &e)) {
	case -1:
		cmd_progress_clear(&r->pg);
		cmd_warn_err(&e);
		return 0;
	case 0:
		return 0;
	}
	return 1;
}

static void
account(struct run *r, uint64_t size)
{
	/* Within one root's counted folders a move changes nothing. */
	if (r->last_root == r->to_root && !r->o.keep)
		return;
	if (r->to_root != NULL)
		md_quota_ledger_record(r->to_root, (int64_t)size, 1);
	if (r->last_root != NULL && !r->o.keep)
		md_quota_ledger_record(r->last_root, -(int64_t)size, -1);
}

static int
move_one(struct run *r, const char *path)
{
	struct md_msgpath mp;
	struct md_err e;
	char out[PATH_MAX + NAME_MAX + 8];
	uint64_t size;

	if (cmd_msgpath(path, &mp, &r->pg) == -1)
		return -1;
	if (load_source(r, mp.root, &e) == -1) {
		cmd_progress_clear(&r->pg);
		cmd_warn_err(&e);
		return -1;
	}
	if (r->last_same) { /* already there: left alone, as given */
		if (!r->o.quiet)
			printf("%s%c", path, r->o.eol);
		return 0;
	}
	if (!room_for(r, &mp)) {
		cmd_progress_clear(&r->pg);
		warnx("%s: not moved: %s is over its quota", cmd_shown(path, 0),
		    cmd_shown(r->to_root->path, 1));
		return -1;
	}
	if (md_move(&mp, &r->to, r->o.keep, r->kmap, &r->gen, out, sizeof(out),
	        &size, &e) == -1) {
		cmd_progress_clear(&r->pg);
		if (e.kind == MD_ERR_KEYWORD)
			warnx("%s: not moved: a keyword of it has no letter in "
			      "%s (md-move never writes Dovecot's file)",
			    cmd_shown(path, 0), cmd_shown(e.path, 1));
		else
			cmd_warn_message(path, mp.root, &e);
		return -1;
	}
	account(r, size);
	if (!r->o.quiet)
		printf("%s%c", out, r->o.eol);
	return 0;
}

/* One path, and the progress line after it: "md-move: 1200/5000
 * moved, 800/s, 5 s left" (the count alone for paths from stdin). */
static int
move_counted(struct run *r, const char *path)
{
	int rc = move_one(r, path);

	r->done++;
	cmd_progress_count(&r->pg, "md-move", "moved", r->done, r->total);
	return rc;
}

static int
move_line(void *arg, const char *path)
{
	return move_counted(arg, path) == -1;
}

/* Append what moved in and out to each root's maildirsize, one line
 * each. */
static int
write_quota(struct run *r)
{
	struct md_err e;

	if (md_quota_ledger_flush(&r->quota, &e) == 0)
		return 0;
	cmd_progress_clear(&r->pg);
	cmd_warn_err(&e);
	return 1;
}

static void
parse_opts(struct opts *o, int *argc, char ***argv)
{
	static const struct option longopts[] = {
		{ "create", no_argument, NULL, 'c' },
		{ "folder", required_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		CMD_VERSION_OPTION,
		{ "keep", no_argument, NULL, 'k' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "root", required_argument, NULL, 'm' },
		{ "target", required_argument, NULL, 't' },
		{ NULL, 0, NULL, 0 },
	};
	char msg[PATH_MAX + 64];
	int c;

	memset(o, 0, sizeof(*o));
	o->eol = '\n';
	opterr = 0;
	while (
	    (c = getopt_long(*argc, *argv, OPTSTRING, longopts, NULL)) != -1) {
		switch (c) {
		case '0':
			o->eol = '\0';
			break;
		case 'c':
			o->create = 1;
			break;
		case 'f':
			if (md_folder_valid(optarg) == -1 &&
			    strcmp(optarg, "INBOX") != 0)
				errx(EX_USAGE,
				    "-f %s: not a folder name (Work.Projects, "
				    "no '/', no empty part)",
				    cmd_shown(optarg, 0));
			o->folder = optarg;
			break;
		case CMD_OPT_VERSION:
			cmd_version();
		case 'h':
			usage();
			break;
		case 'k':
			o->keep = 1;
			break;
		case 'm':
			o->root = optarg;
			break;
		case 'q':
			o->quiet = 1;
			break;
		case 't':
			o->target = optarg;
			break;
		default:
			errx(EX_USAGE, "%s (see md-move -h)",
			    cmd_opt_error(
			        c, *argv, longopts, msg, sizeof(msg)));
		}
	}
	*argc -= optind;
	*argv += optind;
	if (o->folder && o->target)
		errx(EX_USAGE, "-f and -t both name a target: say which");
	if (o->root && !o->folder)
		errx(EX_USAGE, "-m names the root of a folder: use it with -f");
	if (o->folder || o->target)
		return;
	if (*argc < 2)
		errx(EX_USAGE, "%s (see md-move -h)",
		    *argc == 0 ? "no messages and no target"
		               : "no target: name it last, or with -t or -f");
	o->target = (*argv)[--*argc];
}

int
main(int argc, char *argv[])
{
	struct run *r = calloc(1, sizeof(*r));
	int failed = 0;

	if (r == NULL)
		err(EX_OSERR, "calloc");
	parse_opts(&r->o, &argc, &argv);
	if (argc == 0 && isatty(STDIN_FILENO))
		errx(EX_USAGE, "no messages: name them, or pipe their paths "
		               "in (see md-move -h)");
	md_namegen_init(&r->gen);
	md_quota_ledger_init(&r->quota, &r->gen);
	open_target(r);
	/* Paths printed on the terminal are progress enough. */
	cmd_progress_init(&r->pg, r->o.quiet || isatty(STDOUT_FILENO));
	r->total = (uint64_t)argc;
	if (argc == 0)
		failed = cmd_stdin_paths(r->o.eol, 0, move_line, r);
	for (int i = 0; i < argc; i++)
		if (move_counted(r, argv[i]) == -1)
			failed = 1;
	cmd_progress_clear(&r->pg);
	if (write_quota(r))
		failed = 1;
	if (fflush(stdout) == EOF) {
		warn("stdout");
		failed = 1;
	}
	md_maildir_close(&r->to);
	md_quota_ledger_free(&r->quota);
	free(r);
	return failed;
}
