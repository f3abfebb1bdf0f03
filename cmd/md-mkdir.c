/*
 * md-mkdir: make maildirs (tmp/, new/, cur/, mode 0700) and Maildir++
 * folders (".A.B" with the maildirfolder marker), and with -q a quota.
 * Idempotent: what exists is kept; only what is missing is made. A file,
 * or a directory holding something else, is never taken for a maildir.
 */
#include <dirent.h>
#include <err.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sysexits.h>

#include "common.h"

#define OPTSTRING ":f:hpq:"

struct opts {
	int parents;
	char **folders;
	size_t nfolders;
	const char *quota; /* as given, for messages */
	struct md_quota q;
};

static void
usage(void)
{
	printf("usage: md-mkdir [-p] [-q quota] maildir ...\n"
	       "       md-mkdir [-p] [-q quota] -f folder ... [root]\n");
	exit(EX_OK);
}

/* cmd_warn_err, with a file in the way said as such. */
static void
warn_err(const struct md_err *e)
{
	if (errno == ENOTDIR)
		warnx(
		    "%s: exists and is not a directory", cmd_shown(e->path, 0));
	else
		cmd_warn_err(e);
}

/* Does the directory PATH hold anything at all? -1 when unreadable. */
static int
is_empty(const char *path)
{
	DIR *d = opendir(path);
	struct dirent *de;
	int empty = 1, saved;

	if (d == NULL)
		return -1;
	while (empty) {
		errno = 0;
		if ((de = readdir(d)) == NULL) {
			if (errno != 0) /* a failed read proves nothing */
				empty = -1;
			break;
		}
		if (strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, ".."))
			empty = 0;
	}
	saved = errno;
	closedir(d);
	errno = saved;
	return empty;
}

static int
has_subdir(const char *path)
{
	static const char *const subs[] = { "tmp", "new", "cur" };
	char p[PATH_MAX + 8];
	struct stat st;

	for (size_t i = 0; i < 3; i++) {
		snprintf(p, sizeof(p), "%s/%s", path, subs[i]);
		if (lstat(p, &st) == 0)
			return 1;
	}
	return 0;
}

/* 0 when PATH is free for a maildir: absent (*exists 0), or a directory
 * that is empty or has some of tmp/, new/ and cur/; else says why. */
static int
may_make(const char *path, int *exists)
{
	struct stat st;
	int empty;

	*exists = stat(path, &st) == 0;
	if (!*exists && errno == ENOENT)
		return 0;
	if (!*exists) {
		warn("%s", cmd_shown(path, 0));
		return -1;
	}
	if (!S_ISDIR(st.st_mode)) {
		warnx("%s: exists and is not a directory", cmd_shown(path, 0));
		return -1;
	}
	if (has_subdir(path))
		return 0;
	if ((empty = is_empty(path)) == -1) {
		warn("%s", cmd_shown(path, 0));
		return -1;
	}
	if (!empty) {
		warnx("%s: a directory that is not a maildir (no tmp/, new/ "
		      "or cur/); nothing made",
		    cmd_shown(path, 0));
		return -1;
	}
	return 0;
}

/* mkdir -p of PATH's parents, mode 0700. */
static int
make_parents(const char *path)
{
	char buf[PATH_MAX];
	char *p;

	if (strlcpy(buf, path, sizeof(buf)) >= sizeof(buf)) {
		errno = ENAMETOOLONG;
		warn("%s", cmd_shown(path, 0));
		return -1;
	}
	for (p = strchr(buf + 1, '/'); p != NULL; p = strchr(p + 1, '/')) {
		*p = '\0';
		if (mkdir(buf, 0700) == -1 && errno != EEXIST) {
			warn("%s", cmd_shown(buf, 0));
			return -1;
		}
		*p = '/';
	}
	return 0;
}

static void
missing_parent(const char *path)
{
	warnx("%s: its parent directory does not exist (-p makes it)",
	    cmd_shown(path, 0));
}

static int
make_maildir(const char *path, const struct opts *o)
{
	struct md_maildir m;
	struct md_err e;
	int exists;

	if (may_make(path, &exists) == -1)
		return -1;
	if (!exists && o->parents && make_parents(path) == -1)
		return -1;
	if (md_maildir_open(&m, path, MD_CREATE, &e) == -1) {
		if (errno == ENOENT && strcmp(e.path, path) == 0)
			missing_parent(path);
		else
			warn_err(&e);
		return -1;
	}
	md_maildir_close(&m);
	return 0;
}

/* The limit is set all the same (the admin may mean it, to stop
 * deliveries), but it must not go unnoticed: mail is deferred now. */
static void
warn_over(const char *root, const struct md_quota *q)
{
	char b[64] = "", c[64] = "";

	if (q->max_bytes && q->bytes > 0 && (uint64_t)q->bytes > q->max_bytes)
		snprintf(b, sizeof(b), "%lld bytes of %llu",
		    (long long)q->bytes, (unsigned long long)q->max_bytes);
	if (q->max_count && q->count > 0 && (uint64_t)q->count > q->max_count)
		snprintf(c, sizeof(c), "%lld messages of %llu",
		    (long long)q->count, (unsigned long long)q->max_count);
	warnx("%s: already over the quota it was given (%s%s%s): deliveries "
	      "wait until it is not",
	    cmd_shown(root, 0), b, *b && *c ? ", " : "", c);
}

/* -q: the quota lives in a Maildir++ root, never in a folder. */
static int
set_quota(const char *root, const struct opts *o, struct md_namegen *g)
{
	char p[PATH_MAX];
	struct md_quota q = o->q;
	struct md_err e;

	if (o->quota == NULL)
		return 0;
	switch (md_folder_root(root, p, sizeof(p))) {
	case 1:
		warnx("%s: a Maildir++ folder (it has maildirfolder); -q is "
		      "for its root",
		    cmd_shown(root, 0));
		return -1;
	case -1: /* a folder's maildirsize would count nothing */
		warn("%s/maildirfolder", cmd_shown(root, 0));
		return -1;
	}
	if (md_quota_recalc(root, &q, g, &e) == -1) {
		warn_err(&e);
		return -1;
	}
	if (md_quota_over(&q, 0, 0))
		warn_over(root, &q);
	return 0;
}

static int
make_folder(const char *root, const char *name)
{
	struct md_maildir m;
	struct md_err e;
	char path[PATH_MAX];
	int exists;

	if (md_folder_path(path, sizeof(path), root, name) == -1) {
		warn("%s: folder %s", cmd_shown(root, 0), name);
		return -1;
	}
	if (strcmp(path, root) == 0) /* INBOX: the root itself */
		return 0;
	if (may_make(path, &exists) == -1)
		return -1;
	if (md_folder_open(&m, root, name, MD_CREATE, &e) == -1) {
		warn_err(&e);
		return -1;
	}
	md_maildir_close(&m);
	return 0;
}

/* -f: the root first (only with -p when it does not exist), then the
 * folders in it. */
static int
make_folders(const char *root, const struct opts *o, struct md_namegen *g)
{
	struct stat st;
	int failed = 0;

	if (stat(root, &st) == -1 && errno == ENOENT && !o->parents) {
		warnx("%s: no such maildir (-p makes it)", cmd_shown(root, 0));
		return 1;
	}
	if (make_maildir(root, o) == -1)
		return 1;
	for (size_t i = 0; i < o->nfolders; i++)
		if (make_folder(root, o->folders[i]) == -1)
			failed = 1;
	if (set_quota(root, o, g) == -1)
		failed = 1;
	return failed;
}

static void
add_folder(struct opts *o, char *name)
{
	char p[PATH_MAX];

	/* Checked on a dummy root: "INBOX" and "INBOX.x" are good too. */
	if (md_folder_path(p, sizeof(p), "x", name) == -1)
		errx(EX_USAGE,
		    "-f %s: not a folder name (dot-separated parts, none "
		    "empty; no '/' or control characters)",
		    cmd_shown(name, 0));
	cmd_strlist_add(&o->folders, &o->nfolders, name);
}

static void
parse_opts(struct opts *o, int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "folder", required_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		CMD_VERSION_OPTION,
		{ "parents", no_argument, NULL, 'p' },
		{ "quota", required_argument, NULL, 'q' },
		{ NULL, 0, NULL, 0 },
	};
	char msg[PATH_MAX + 64];
	int c;

	memset(o, 0, sizeof(*o));
	opterr = 0;
	while ((c = getopt_long(argc, argv, OPTSTRING, longopts, NULL)) != -1) {
		switch (c) {
		case 'f':
			add_folder(o, optarg);
			break;
		case CMD_OPT_VERSION:
			cmd_version();
		case 'h':
			usage();
			break;
		case 'p':
			o->parents = 1;
			break;
		case 'q':
			if (md_quota_parse(optarg, &o->q) == -1)
				errx(EX_USAGE,
				    "-q %s: not a quota (as 100M,5000C or "
				    "104857600S,5000C)",
				    cmd_shown(optarg, 0));
			o->quota = optarg;
			break;
		default:
			errx(EX_USAGE, "%s (see md-mkdir -h)",
			    cmd_opt_error(c, argv, longopts, msg, sizeof(msg)));
		}
	}
}

int
main(int argc, char *argv[])
{
	struct md_namegen g;
	struct opts o;
	char path[PATH_MAX];
	int failed = 0;

	parse_opts(&o, argc, argv);
	argc -= optind;
	argv += optind;
	if (o.nfolders > 0 && argc > 1)
		errx(EX_USAGE, "-f takes one root, not %d (see md-mkdir -h)",
		    argc);
	if (o.nfolders == 0 && argc == 0)
		errx(EX_USAGE, "no maildir named (see md-mkdir -h)");
	md_namegen_init(&g);
	if (o.nfolders > 0) {
		const char *root = argc ? argv[0] : cmd_default_maildir(1);

		if (md_path_trim(root, path, sizeof(path)) == -1) {
			warnx("%s: path too long", cmd_shown(root, 0));
			failed = 1;
		} else
			failed = make_folders(path, &o, &g);
	}
	for (int i = 0; o.nfolders == 0 && i < argc; i++) {
		if (md_path_trim(argv[i], path, sizeof(path)) == -1) {
			warnx("%s: path too long", cmd_shown(argv[i], 0));
			failed = 1;
		} else if (make_maildir(path, &o) == -1 ||
		           set_quota(path, &o, &g) == -1)
			failed = 1;
	}
	free(o.folders);
	return failed;
}
