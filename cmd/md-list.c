/*
 * md-list: print the messages of maildirs, one path a line, filtered by
 * flags and by new/ or cur/; or, with -i, a summary per maildir. Reads
 * directories with big getdents64 buffers and never stats a message
 * unless -i needs a size its name does not carry.
 */
#include <dirent.h>
#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sysexits.h>
#include <unistd.h>

#include "maildir.h"

#define OPTSTRING ":0CDFNPRSTX:cdfhinprstx:"
#define OUTBUF (256 * 1024)

enum { OPT_TSV = 256, OPT_JSON, OPT_RECURSIVE };

struct opts {
	struct md_flags with, without; /* all of / none of */
	int only_new, not_new, only_cur, not_cur;
	int info, tsv, json, recursive;
	char eol;
};

struct stats {
	char *path;
	uint64_t messages, new, unseen, flagged, trashed, bytes;
};

struct run {
	struct opts o;
	struct stats *st; /* -i: one per maildir listed */
	size_t nst;
	int failed;
	int need_flags; /* a flag filter or -i: names must be parsed */
	char last_root[PATH_MAX]; /* stdin: the last message's maildir */
	int last_root_ok;
	size_t outlen;
	char out[OUTBUF];
};

static void
usage(void)
{
	printf("usage: md-list [-0CcDdFfhiNnPpRrSsTt] [-X flags] [-x flags] "
	       "[--recursive]\n"
	       "               [--tsv | --json] [maildir | folder ...]\n");
	exit(EX_OK);
}

/* A path made readable for a message (md_shown); only on problems. */
static const char *
shown(const char *path)
{
	static char buf[4 * PATH_MAX + 1];

	return md_shown(path, buf, sizeof(buf));
}

static void
flush_out(struct run *r)
{
	for (size_t off = 0; off < r->outlen;) {
		ssize_t n = write(STDOUT_FILENO, r->out + off, r->outlen - off);

		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1)
			err(1, "stdout");
		off += (size_t)n;
	}
	r->outlen = 0;
}

static void
put(struct run *r, const char *p, size_t n)
{
	if (r->outlen + n > sizeof(r->out))
		flush_out(r);
	if (n > sizeof(r->out)) { /* cannot happen with PATH_MAX paths */
		errno = ENAMETOOLONG;
		err(EX_SOFTWARE, "output");
	}
	memcpy(r->out + r->outlen, p, n);
	r->outlen += n;
}

/* Does a message with flags F, in new/ when IN_NEW, pass the filters? */
static int
wanted(const struct opts *o, const struct md_flags *f, int in_new)
{
	if ((o->only_new && !in_new) || (o->not_new && in_new) ||
	    (o->only_cur && in_new) || (o->not_cur && !in_new))
		return 0;
	return md_flags_contains(f, &o->with) &&
	       !md_flags_overlap(f, &o->without);
}

static void
count(struct stats *s, int dirfd, const char *name, const struct md_flags *f,
    int in_new)
{
	uint64_t size;
	struct stat st;

	s->messages++;
	s->new += in_new;
	s->unseen += !md_flags_has(f, 'S');
	s->flagged += md_flags_has(f, 'F');
	s->trashed += md_flags_has(f, 'T');
	if (md_name_field(name, 'S', &size) == 0)
		s->bytes += size;
	else if (fstatat(dirfd, name, &st, 0) == 0) /* gone: counts 0 */
		s->bytes += (uint64_t)st.st_size;
}

/* One of new/ or cur/ of the maildir at PATH (open as M). */
static int
list_sub(struct run *r, const char *path, int in_new, struct stats *s)
{
	const char *sub = in_new ? "new" : "cur", *name;
	char prefix[PATH_MAX + 8];
	struct md_scan sc;
	struct md_flags f;
	unsigned char type;
	size_t plen;
	int rc;

	if ((in_new && (r->o.only_cur || r->o.not_new)) ||
	    (!in_new && (r->o.only_new || r->o.not_cur)))
		return 0;
	plen = (size_t)snprintf(prefix, sizeof(prefix), "%s/%s/", path, sub);
	prefix[plen - 1] = '\0'; /* the directory, then the prefix again */
	if (md_scan_open(&sc, AT_FDCWD, prefix) == -1) {
		warn("%s", shown(prefix));
		return -1;
	}
	prefix[plen - 1] = '/';
	md_flags_zero(&f);
	while ((rc = md_scan_next(&sc, &name, &type)) == 1) {
		if (type != DT_REG && type != DT_UNKNOWN && type != DT_LNK)
			continue;
		/* A plain listing needs no flags: the name is not parsed. */
		if (r->need_flags)
			md_name_flags(name, &f);
		if (!wanted(&r->o, &f, in_new))
			continue;
		if (s != NULL) {
			count(s, sc.fd, name, &f, in_new);
			continue;
		}
		put(r, prefix, plen);
		put(r, name, strlen(name));
		put(r, &r->o.eol, 1);
	}
	if (rc == -1)
		warn("%s/%s", shown(path), sub);
	md_scan_close(&sc);
	return rc;
}

static struct stats *
new_stats(struct run *r, const char *path)
{
	struct stats *s;

	s = reallocarray(r->st, r->nst + 1, sizeof(*r->st));
	if (s == NULL)
		err(EX_OSERR, "reallocarray");
	r->st = s;
	s = &r->st[r->nst++];
	memset(s, 0, sizeof(*s));
	if ((s->path = strdup(path)) == NULL)
		err(EX_OSERR, "strdup");
	return s;
}

static int
list_maildir(struct run *r, const char *path)
{
	struct md_err e;
	struct stats *s = NULL;

	/* Checked, not opened: each of new/ and cur/ is opened once, to be
	 * read. */
	if (md_maildir_check(path, &e) == -1) {
		struct stat st;
		int saved = errno;

		/* Only on failure: is it the maildir or a part that lacks? */
		if (saved == ENOENT && stat(path, &st) == -1)
			warn("%s", shown(path));
		else if (saved == ENOENT || saved == ENOTDIR) {
			char b[4 * PATH_MAX + 1];

			warnx("%s: not a maildir (no %s)", shown(path),
			    md_shown(e.path, b, sizeof(b)));
		} else {
			errno = saved;
			warn("%s", shown(e.path));
		}
		r->failed = 1;
		return -1;
	}
	if (r->o.info)
		s = new_stats(r, path);
	/* cur/ is read even when new/ could not be. */
	if (list_sub(r, path, 1, s) == -1)
		r->failed = 1;
	if (list_sub(r, path, 0, s) == -1)
		r->failed = 1;
	return 0;
}

static const char *
default_root(void)
{
	static char buf[PATH_MAX];

	if (md_maildir_default(buf, sizeof(buf)) == -1) {
		if (errno == ENOENT)
			errx(1, "no MAILDIR and no home directory: name a "
			        "maildir");
		err(1, "MAILDIR or home directory");
	}
	return buf;
}

/* ARG is a maildir path, or a folder name under the default root; with
 * --recursive its folders follow. */
static void
list_target(struct run *r, const char *arg)
{
	char path[PATH_MAX], **folders;
	size_t n;

	if (md_target_path(arg, path, sizeof(path)) == -1) {
		warn("%s", shown(arg));
		r->failed = 1;
		return;
	}
	if (list_maildir(r, path) == -1 && !md_folder_is(path))
		return;
	if (!r->o.recursive)
		return;
	if (md_target_folders(path, 0, &folders, &n) == -1) {
		if (errno == ENOMEM)
			err(EX_OSERR, "%s", shown(path));
		warn("%s", shown(path));
		r->failed = 1;
		return;
	}
	for (size_t i = 0; i < n; i++)
		list_maildir(r, folders[i]);
	md_strings_free(folders, n);
}

static int
root_ok(struct run *r, const char *root)
{
	if (strcmp(r->last_root, root) != 0) {
		strlcpy(r->last_root, root, sizeof(r->last_root));
		r->last_root_ok = md_maildir_check(root, NULL) == 0;
	}
	return r->last_root_ok;
}

/* A line from stdin: a message path (filtered, printed) or a maildir. */
static void
stdin_item(struct run *r, const char *line)
{
	struct md_msgpath mp;
	struct md_flags f;

	/* A message when its root is a maildir: checked once per root,
	 * not once per line ("/srv/new/Maildir" is no message). */
	if (md_msgpath_parse(line, &mp) == 0 && root_ok(r, mp.root)) {
		if (r->o.info) {
			warnx("%s: -i counts maildirs, not messages",
			    shown(line));
			r->failed = 1;
			return;
		}
		md_name_flags(mp.name, &f);
		if (wanted(&r->o, &f, mp.sub == MD_NEW)) {
			put(r, line, strlen(line));
			put(r, &r->o.eol, 1);
		}
		return;
	}
	list_target(r, line);
}

static void
read_stdin(struct run *r)
{
	struct md_pathlist pl;
	const char *line;
	size_t n;
	int rc;

	md_pathlist_init(&pl, stdin, r->o.eol);
	while ((rc = md_pathlist_next(&pl, &line, &n)) != 0) {
		if (rc == -1 && errno != EINVAL) {
			warn("stdin");
			r->failed = 1;
			break;
		}
		if (rc == -1) {
			warnx("stdin: a line holds a NUL byte (use -0?)");
			r->failed = 1;
		} else if (n > 0)
			stdin_item(r, line);
	}
	md_pathlist_free(&pl);
}

/* Paths from a pipe or file on stdin; a terminal or /dev/null (cron)
 * means the default maildir. */
static int
stdin_has_paths(void)
{
	struct stat st;

	if (isatty(STDIN_FILENO) || fstat(STDIN_FILENO, &st) == -1)
		return 0;
	return S_ISFIFO(st.st_mode) || S_ISREG(st.st_mode) ||
	       S_ISSOCK(st.st_mode);
}

static void
parse_opts(struct opts *o, int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "info", no_argument, NULL, 'i' },
		{ "json", no_argument, NULL, OPT_JSON },
		{ "recursive", no_argument, NULL, OPT_RECURSIVE },
		{ "tsv", no_argument, NULL, OPT_TSV },
		{ NULL, 0, NULL, 0 },
	};
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
		case 'C':
			o->only_cur = 1;
			break;
		case 'c':
			o->not_cur = 1;
			break;
		case 'N':
			o->only_new = 1;
			break;
		case 'n':
			o->not_new = 1;
			break;
		case 'i':
			o->info = 1;
			break;
		case 'h':
			usage();
			break;
		case OPT_JSON:
			o->json = o->info = 1;
			break;
		case OPT_TSV:
			o->tsv = o->info = 1;
			break;
		case OPT_RECURSIVE:
			o->recursive = 1;
			break;
		case ':':
		case '?':
			errx(EX_USAGE, "%s (see md-list -h)",
			    md_opt_error(c, argv, longopts, msg, sizeof(msg)));
		default: /* D F P R S T X: with; d f p r s t x: without */
			if (md_flags_option(c, optarg, &o->with, &o->without) ==
			    -1)
				errx(EX_USAGE,
				    "-%c %s: flags are letters "
				    "(keywords a-z too)",
				    c, optarg);
		}
	}
	if (md_flags_overlap(&o->with, &o->without))
		errx(EX_USAGE, "a flag both required and excluded "
		               "(as in -S -s): nothing could match");
	if ((o->only_new && (o->not_new || o->only_cur)) ||
	    (o->only_cur && o->not_cur) || (o->not_new && o->not_cur))
		errx(EX_USAGE, "-N, -n, -C and -c as given exclude every "
		               "message: nothing could match");
	if (o->tsv && o->json)
		errx(EX_USAGE, "--tsv and --json: choose one");
}

/* ---- -i output ---- */

static void
add_stats(struct stats *to, const struct stats *s)
{
	to->messages += s->messages;
	to->new += s->new;
	to->unseen += s->unseen;
	to->flagged += s->flagged;
	to->trashed += s->trashed;
	to->bytes += s->bytes;
}

static uint64_t *
fields(struct stats *s, uint64_t v[6])
{
	v[0] = s->messages, v[1] = s->new, v[2] = s->unseen;
	v[3] = s->flagged, v[4] = s->trashed, v[5] = s->bytes;
	return v;
}

static const char *const heads[] = { "messages", "new", "unseen", "flagged",
	"trashed", "size" };

static void
print_table(struct stats *st, size_t n, struct stats *total)
{
	int w[6];
	char num[6][32];
	uint64_t v[6];

	for (int k = 0; k < 6; k++)
		w[k] = (int)strlen(heads[k]);
	for (size_t i = 0; i <= n; i++) {
		struct stats *s = i < n ? &st[i] : total;

		fields(s, v);
		for (int k = 0; k < 6; k++) {
			int len;

			if (k == 5)
				md_human_size(v[k], num[k], sizeof(num[k]));
			else
				snprintf(num[k], sizeof(num[k]), "%llu",
				    (unsigned long long)v[k]);
			if ((len = (int)strlen(num[k])) > w[k])
				w[k] = len;
		}
	}
	for (int k = 0; k < 6; k++)
		printf("%*s  ", w[k], heads[k]);
	printf("maildir\n");
	for (size_t i = 0; i < n + (n > 1); i++) {
		struct stats *s = i < n ? &st[i] : total;

		fields(s, v);
		for (int k = 0; k < 6; k++) {
			if (k == 5)
				md_human_size(v[k], num[k], sizeof(num[k]));
			else
				snprintf(num[k], sizeof(num[k]), "%llu",
				    (unsigned long long)v[k]);
			printf("%*s  ", w[k], num[k]);
		}
		printf("%s\n", i < n ? s->path : "(total)");
	}
}

static void
json_obj(struct stats *s)
{
	uint64_t v[6];
	const char *keys[] = { "messages", "new", "unseen", "flagged",
		"trashed", "bytes" };

	fields(s, v);
	putchar('{');
	if (s->path) {
		printf("\"path\":");
		md_put_json(stdout, s->path);
		putchar(',');
	}
	for (int k = 0; k < 6; k++)
		printf("\"%s\":%llu%s", keys[k], (unsigned long long)v[k],
		    k < 5 ? "," : "}");
}

static void
print_info(struct run *r)
{
	struct stats total = { 0 };
	uint64_t v[6];

	for (size_t i = 0; i < r->nst; i++)
		add_stats(&total, &r->st[i]);
	if (r->o.json) {
		printf("{\"maildirs\":[");
		for (size_t i = 0; i < r->nst; i++) {
			if (i > 0)
				putchar(',');
			json_obj(&r->st[i]);
		}
		printf("],\"total\":");
		json_obj(&total);
		printf("}\n");
	} else if (r->o.tsv) {
		printf("maildir\tmessages\tnew\tunseen\tflagged\ttrashed\t"
		       "bytes\n");
		for (size_t i = 0; i < r->nst; i++) {
			md_put_tsv(stdout, r->st[i].path);
			fields(&r->st[i], v);
			for (int k = 0; k < 6; k++)
				printf("\t%llu", (unsigned long long)v[k]);
			putchar('\n');
		}
	} else if (r->nst > 0)
		print_table(r->st, r->nst, &total);
	for (size_t i = 0; i < r->nst; i++)
		free(r->st[i].path);
	free(r->st);
}

int
main(int argc, char *argv[])
{
	struct run *r;
	int c;

	if ((r = malloc(sizeof(*r))) == NULL)
		err(EX_OSERR, "malloc");
	memset(r, 0, offsetof(struct run, out));
	parse_opts(&r->o, argc, argv);
	r->need_flags = r->o.info || !md_flags_empty(&r->o.with) ||
	                !md_flags_empty(&r->o.without);
	argc -= optind;
	argv += optind;
	if (argc > 0)
		for (int i = 0; i < argc; i++)
			list_target(r, argv[i]);
	else if (stdin_has_paths())
		read_stdin(r);
	else
		list_target(r, default_root());
	flush_out(r);
	if (r->o.info)
		print_info(r);
	if (fflush(stdout) == EOF)
		err(1, "stdout");
	c = r->failed ? 1 : 0;
	free(r);
	return c;
}
