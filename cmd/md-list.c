/*
 * md-list: print the messages of maildirs, one path a line, filtered by
 * flags and by new/ or cur/; or, with -i, a summary per maildir. Reads
 * directories with big getdents64 buffers and never stats a message
 * unless -i needs a size its name does not carry. With --format, --sort
 * or --match it shows and selects by header fields, taken from the
 * maildir's header cache where it has the message, else from the file.
 * The format, match and sort engines are the library's (format.c,
 * match.c, sort.c); here are the options, the walk and the output.
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
#include <sys/stat.h>
#include <sysexits.h>
#include <unistd.h>

#include "common.h"

#define OPTSTRING ":0CDFK:NPRSTX:cdfhik:nprstx:"
#define OUTBUF (256 * 1024)

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
	struct md_flags with, without; /* all of / none of */
	char **kwith, **kwithout;      /* -K / -k names, letters per maildir */
	size_t nkwith, nkwithout;
	int only_new, not_new, only_cur, not_cur;
	int info, tsv, json, recursive;
	const char *format;
	enum md_sort_key sort;
	int reverse, nocache;
	char **match; /* --match expressions, in order */
	size_t nmatch;
	char eol;
};

struct stats {
	char *path;
	uint64_t messages, new, unseen, flagged, trashed, bytes;
	uint64_t kwn[26];      /* --json: messages with keyword 'a' + i */
	struct md_keywords kw; /* --json: their names */
};

/* The filters as one maildir reads them: the -K and -k names made its
 * letters, through its own dovecot-keywords. */
struct filt {
	struct md_keywords kw;
	struct md_flags with, without;
	int none; /* a -K name it does not know: no message passes */
};

/* What a maildir (or the last root on stdin) gives its messages. */
struct src {
	struct md_cache cache;
	struct md_cache_walk walk; /* lookups in the cache's order */
	int cached;                /* both set up */
	char folder[NAME_MAX + 1];
};

struct run {
	struct opts o;
	struct stats *st; /* -i: one per maildir listed */
	size_t nst;
	int failed;
	int need_flags;   /* a flag filter or -i: names must be parsed */
	int headers;      /* --format, --sort or --match: the summary path */
	int need_summary; /* header fields wanted, not only names */
	int need_kw;      /* keyword names: -K, -k, %K or --json */
	unsigned need;    /* MD_NEED_* of the format, matches and sort */
	struct md_format fmt;
	struct md_match match;
	struct md_sorter sorter; /* --sort: the messages kept */
	struct md_summarizer *z;
	struct src stdin_src;     /* for the last root's messages on stdin */
	char last_root[PATH_MAX]; /* stdin: the last message's maildir */
	int last_root_ok;
	struct filt stdin_filt; /* and its filters */
	char *kwbuf;            /* %K of a message */
	size_t kwcap;
	struct md_clock clock; /* %d and %r: local times */
	size_t outlen;
	char out[OUTBUF];
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

/* ---- output: paths and --format lines through one buffer ---- */

static void
write_out(const char *p, size_t len)
{
	for (size_t off = 0; off < len;) {
		ssize_t n = write(STDOUT_FILENO, p + off, len - off);

		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1)
			err(1, "stdout");
		off += (size_t)n;
	}
}

static void
flush_out(struct run *r)
{
	write_out(r->out, r->outlen);
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

/* M as --format shows it (N bytes, longer than the whole buffer, with
 * widths of thousands): made in a buffer of its own. */
static void
put_long(struct run *r, const struct md_listed *m, size_t n)
{
	char *b;

	if ((b = malloc(n + 1)) == NULL)
		err(EX_OSERR, "malloc");
	md_format_render(&r->fmt, m, &r->clock, b, n + 1);
	flush_out(r);
	write_out(b, n);
	free(b);
}

/* M as --format shows it, and the end of its line: rendered straight
 * into the buffer, again after a flush when it did not fit. */
static void
put_msg(struct run *r, const struct md_listed *m)
{
	size_t room = sizeof(r->out) - r->outlen, n;

	n = md_format_render(&r->fmt, m, &r->clock, r->out + r->outlen, room);
	if (n >= room) {
		flush_out(r);
		room = sizeof(r->out);
		n = md_format_render(&r->fmt, m, &r->clock, r->out, room);
	}
	if (n < room)
		r->outlen += n;
	else
		put_long(r, m, n);
	put(r, &r->o.eol, 1);
}

/* ---- keywords ---- */

/* The filters for the maildir ROOT into FT: its dovecot-keywords read
 * once, as its messages begin. A -K name it does not list is on no
 * message; a -k name it does not list is on all. */
static void
filt_load(struct run *r, struct filt *ft, const char *root)
{
	char path[PATH_MAX + 32];

	md_keywords_free(&ft->kw);
	ft->with = r->o.with;
	ft->without = r->o.without;
	ft->none = 0;
	if (!r->need_kw)
		return;
	if (md_keywords_read(root, &ft->kw) == -1) {
		snprintf(path, sizeof(path), "%s/dovecot-keywords", root);
		warn("%s", cmd_shown(path, 0));
		r->failed = 1;
		/* unknown names: no message is known to pass */
		ft->none = r->o.nkwith + r->o.nkwithout > 0;
		return;
	}
	for (size_t i = 0; i < r->o.nkwith; i++) {
		int l = md_keywords_find(&ft->kw, r->o.kwith[i]);

		if (l == -1)
			ft->none = 1;
		else
			md_flags_set(&ft->with, (unsigned char)l, 1);
	}
	for (size_t i = 0; i < r->o.nkwithout; i++) {
		int l = md_keywords_find(&ft->kw, r->o.kwithout[i]);

		if (l != -1)
			md_flags_set(&ft->without, (unsigned char)l, 1);
	}
}

/* %K of the message NAME: the names FT knows of its letters. */
static void
keyword_names(
    struct run *r, const struct filt *ft, const char *name, struct md_listed *m)
{
	struct md_flags f;
	size_t n;

	md_name_flags(name, &f);
	while ((n = md_keywords_format(&ft->kw, &f, r->kwbuf, r->kwcap)) >=
	       r->kwcap) {
		size_t cap = n + 1 > 256 ? n + 1 : 256;

		if ((r->kwbuf = realloc(r->kwbuf, cap)) == NULL)
			err(EX_OSERR, "realloc");
		r->kwcap = cap;
	}
	m->kw = r->kwbuf;
	m->kwn = n;
}

/* ---- where summaries come from ---- */

/* The cache of the maildir DIR into SRC, unless --no-cache; one line
 * when it is there but cannot be used (the files are read instead). */
static void
src_open(struct run *r, struct src *src, const char *dir, int folder)
{
	char real[PATH_MAX], b[4 * PATH_MAX + 1];
	const char *base = strrchr(dir, '/'), *cache;
	struct md_err e = { 0 };
	int saved;

	src->cached = 0;
	src->folder[0] = '\0';
	if (r->need & MD_NEED_FOLDER) {
		base = base ? base + 1 : dir;
		/* "." or "..": the folder is the directory's real name */
		if ((strcmp(base, ".") == 0 || strcmp(base, "..") == 0) &&
		    realpath(dir, real) != NULL) {
			base = strrchr(real, '/');
			base = base ? base + 1 : real;
			folder = folder || md_folder_is(real);
		} else
			folder = folder || md_folder_is(dir);
		strlcpy(src->folder, folder ? base + 1 : "INBOX",
		    sizeof(src->folder));
	}
	if (!r->need_summary || r->o.nocache)
		return;
	if (md_cache_open(&src->cache, dir, &e) == 0) {
		if (md_cache_walk_init(&src->walk, &src->cache) == 0) {
			src->cached = 1;
			return;
		}
		saved = errno;
		md_cache_close(&src->cache);
		errno = saved;
	} else if (errno == ENOENT)
		return;
	saved = errno;
	snprintf(real, sizeof(real), "%s/%s", dir, MD_CACHE_NAME);
	cache = cmd_vis(real, b, sizeof(b));
	if (saved == EBADMSG)
		warnx("%s: damaged (%s), ignored: run md-index --rebuild",
		    cache, e.step ? e.step : "?");
	else if (saved == ENOTSUP)
		warnx("%s: written by another version, ignored: run md-index "
		      "--rebuild",
		    cache);
	else
		warnx("%s: %s, ignored", cache, strerror(saved));
}

static void
src_close(struct src *src)
{
	if (src->cached) {
		md_cache_walk_free(&src->walk);
		md_cache_close(&src->cache);
	}
	src->cached = 0;
}

/* The summary of base NAME from SRC's cache into *S: 1, or 0 when it has
 * no entry (or a malformed one, which is then read from the file). */
static int
from_cache(struct src *src, const char *name, struct md_summary *s)
{
	const char *base = name;
	size_t n = md_name_baselen(name);
	struct md_str b;
	long k;

	if (!src->cached)
		return 0;
	md_cache_walk_find_n(&src->walk, &base, &n, 1, &k);
	return k >= 0 && md_cache_walk_entry(&src->walk, k, &b, s) == 0;
}

/*
 * The message PATH (printed as it is), named NAME in the directory
 * DIRFD where READ is found: its summary from the cache or the file,
 * then --match, then printed or kept for --sort.
 */
static void
message(struct run *r, struct src *src, const struct filt *ft, const char *path,
    size_t pathlen, const char *name, int dirfd, const char *read)
{
	struct md_listed m;
	struct md_err e;

	m.path = path;
	m.pathlen = pathlen;
	m.name = name;
	m.folder = src->folder;
	m.kw = "";
	m.kwn = 0;
	if (r->need & MD_NEED_KEYWORDS)
		keyword_names(r, ft, name, &m);
	memset(&m.s, 0, sizeof(m.s));
	if (r->need_summary && !from_cache(src, name, &m.s) &&
	    md_summary_read(r->z, dirfd, read, &m.s, &e) == -1) {
		if (errno == ENOENT) /* moved or removed meanwhile */
			return;
		if (errno == EINVAL)
			warnx("%s: not a regular file", cmd_shown(path, 0));
		else
			warn("%s", cmd_shown(path, 0));
		r->failed = 1;
		return;
	}
	if (!md_match_test(&r->match, &m.s))
		return;
	if (r->o.sort == MD_SORT_NONE)
		put_msg(r, &m);
	else if (md_sorter_add(&r->sorter, &m) == -1)
		err(EX_OSERR, "--sort");
}

/* Does a message with flags F, in new/ when IN_NEW, pass the filters
 * as FT has them for its maildir? */
static int
wanted(const struct opts *o, const struct filt *ft, const struct md_flags *f,
    int in_new)
{
	if ((o->only_new && !in_new) || (o->not_new && in_new) ||
	    (o->only_cur && in_new) || (o->not_cur && !in_new) || ft->none)
		return 0;
	return md_flags_contains(f, &ft->with) &&
	       !md_flags_overlap(f, &ft->without);
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
	for (int i = 0; i < 26; i++)
		s->kwn[i] += md_flags_has(f, (unsigned char)('a' + i));
	if (md_name_field(name, 'S', &size) == 0)
		s->bytes += size;
	else if (fstatat(dirfd, name, &st, 0) == 0) /* gone: counts 0 */
		s->bytes += (uint64_t)st.st_size;
}

/* One of new/ or cur/ of the maildir at PATH, filtered as FT says; SRC
 * for --format etc. */
static int
list_sub(struct run *r, const char *path, int in_new, const struct filt *ft,
    struct stats *s, struct src *src)
{
	const char *sub = in_new ? "new" : "cur", *name;
	char prefix[PATH_MAX + NAME_MAX + 8];
	struct md_scan sc;
	struct md_flags f;
	unsigned char type;
	size_t plen;
	int rc;

	if ((in_new && (r->o.only_cur || r->o.not_new)) ||
	    (!in_new && (r->o.only_new || r->o.not_cur)))
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
		/* A plain listing needs no flags: the name is not parsed. */
		if (r->need_flags)
			md_name_flags(name, &f);
		if (!wanted(&r->o, ft, &f, in_new))
			continue;
		if (s != NULL) {
			count(s, sc.fd, name, &f, in_new);
			continue;
		}
		if (src != NULL) {
			size_t n = strlen(name);

			memcpy(prefix + plen, name, n + 1);
			message(r, src, ft, prefix, plen + n, prefix + plen,
			    sc.fd, name);
			continue;
		}
		put(r, prefix, plen);
		put(r, name, strlen(name));
		put(r, &r->o.eol, 1);
	}
	if (rc == -1)
		warn("%s/%s", cmd_shown(path, 0), sub);
	md_scan_close(&sc);
	return rc;
}

static struct stats *
new_stats(struct run *r, const char *path)
{
	struct stats *s = cmd_array_add(&r->st, &r->nst, sizeof(*r->st));

	if ((s->path = strdup(path)) == NULL)
		err(EX_OSERR, "strdup");
	return s;
}

/* The maildir PATH; FOLDER says --recursive found it as a folder. */
static int
list_maildir(struct run *r, const char *path, int folder)
{
	struct md_err e;
	struct stats *s = NULL;
	struct src src, *sp = NULL;
	struct filt ft = { 0 };

	/* Checked, not opened: each of new/ and cur/ is opened once, to be
	 * read. */
	if (md_maildir_check(path, &e) == -1) {
		cmd_warn_maildir(path, &e);
		r->failed = 1;
		return -1;
	}
	if (r->o.info)
		s = new_stats(r, path);
	filt_load(r, &ft, path);
	if (r->headers) {
		src_open(r, &src, path, folder);
		sp = &src;
	}
	/* cur/ is read even when new/ could not be. */
	if (list_sub(r, path, 1, &ft, s, sp) == -1)
		r->failed = 1;
	if (list_sub(r, path, 0, &ft, s, sp) == -1)
		r->failed = 1;
	if (sp != NULL)
		src_close(sp);
	if (s != NULL && r->o.json) { /* the names, for print_info */
		s->kw = ft.kw;
		memset(&ft.kw, 0, sizeof(ft.kw));
	}
	md_keywords_free(&ft.kw);
	return 0;
}

static int
list_folder(void *r, const char *path)
{
	list_maildir(r, path, 1);
	return 0; /* failures are in r->failed */
}

/* ARG is a maildir path, or a folder name under the default root; with
 * --recursive its folders follow. */
static void
list_target(struct run *r, const char *arg)
{
	char path[PATH_MAX];

	if (cmd_target(arg, path, sizeof(path)) == -1) {
		r->failed = 1;
		return;
	}
	if (list_maildir(r, path, 0) == -1 && !md_folder_is(path))
		return;
	if (cmd_each_folder(path, 0, r->o.recursive, list_folder, r) != 0)
		r->failed = 1;
}

/* Is ROOT a maildir? Checked once for a run of lines with one root, and
 * its cache (for --format and the like) opened once. */
static int
root_ok(struct run *r, const char *root)
{
	if (strcmp(r->last_root, root) != 0) {
		strlcpy(r->last_root, root, sizeof(r->last_root));
		r->last_root_ok = md_maildir_check(root, NULL) == 0;
		if (r->last_root_ok)
			filt_load(r, &r->stdin_filt, root);
		if (r->headers) {
			src_close(&r->stdin_src);
			if (r->last_root_ok)
				src_open(r, &r->stdin_src, root, 0);
		}
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

	/* A message when its root is a maildir: checked once per root,
	 * not once per line ("/srv/new/Maildir" is no message). */
	if (md_msgpath_parse(line, &mp) != 0 || !root_ok(r, mp.root)) {
		list_target(r, line);
		return 0;
	}
	if (r->o.info) {
		warnx(
		    "%s: -i counts maildirs, not messages", cmd_shown(line, 0));
		return 1;
	}
	md_name_flags(mp.name, &f);
	if (!wanted(&r->o, &r->stdin_filt, &f, mp.sub == MD_NEW))
		return 0;
	if (r->headers) {
		size_t n = strlen(line);

		message(r, &r->stdin_src, &r->stdin_filt, line, n,
		    line + n - strlen(mp.name), AT_FDCWD, line);
		return 0;
	}
	put(r, line, strlen(line));
	put(r, &r->o.eol, 1);
	return 0;
}

static void
read_stdin(struct run *r)
{
	if (cmd_stdin_paths(r->o.eol, 1, stdin_item, r) != 0)
		r->failed = 1;
	src_close(&r->stdin_src);
	md_keywords_free(&r->stdin_filt.kw);
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

/* One more of --match's expressions, or of -K's or -k's names. */
static void
add_arg(char ***list, size_t *n, char *arg)
{
	char **l = reallocarray(*list, *n + 1, sizeof(**list));

	if (l == NULL)
		err(EX_OSERR, "reallocarray");
	l[(*n)++] = arg;
	*list = l;
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
		case CMD_OPT_VERSION:
			cmd_version();
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
			add_arg(&o->match, &o->nmatch, optarg);
			break;
		case 'K':
			add_arg(&o->kwith, &o->nkwith, optarg);
			break;
		case 'k':
			add_arg(&o->kwithout, &o->nkwithout, optarg);
			break;
		case OPT_NOCACHE:
			o->nocache = 1;
			break;
		case ':':
		case '?':
			errx(EX_USAGE, "%s (see md-list -h)",
			    cmd_opt_error(c, argv, longopts, msg, sizeof(msg)));
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
	for (size_t i = 0; i < o->nkwith; i++)
		for (size_t j = 0; j < o->nkwithout; j++)
			if (strcasecmp(o->kwith[i], o->kwithout[j]) == 0)
				errx(EX_USAGE,
				    "keyword \"%s\" both required and "
				    "excluded: nothing could match",
				    cmd_vis(o->kwith[i], msg, sizeof(msg)));
	if ((o->only_new && (o->not_new || o->only_cur)) ||
	    (o->only_cur && o->not_cur) || (o->not_new && o->not_cur))
		errx(EX_USAGE, "-N, -n, -C and -c as given exclude every "
		               "message: nothing could match");
	if (o->tsv && o->json)
		errx(EX_USAGE, "--tsv and --json: choose one");
	if (o->info && (o->format || o->sort || o->nmatch))
		errx(EX_USAGE, "-i, --tsv and --json count maildirs: not with "
		               "--format, --sort or --match");
	if (o->reverse && o->sort == MD_SORT_NONE)
		errx(EX_USAGE, "--reverse: only with --sort");
}

/* The --format TEXT compiled, or one line on the escape it refuses. */
static void
compile_format(struct run *r, const char *text)
{
	struct md_compile_err ce;
	char esc[MD_FORMAT_PATTERN + 32], b[4 * sizeof(esc) + 1];

	if (md_format_compile(&r->fmt, text, &ce) == 0)
		return;
	if (errno != EINVAL)
		err(EX_OSERR, "--format");
	snprintf(esc, sizeof(esc), "%.*s", (int)ce.len, text + ce.off);
	errx(EX_USAGE, "--format: %s: %s", cmd_vis(esc, b, sizeof(b)), ce.why);
}

/* The --match expressions compiled, or one line on the first refused. */
static void
compile_match(struct run *r)
{
	struct md_compile_err ce;
	char b[4 * 256 + 1];

	for (size_t i = 0; i < r->o.nmatch; i++)
		if (strchr(r->o.match[i], '~') != NULL) {
			/* Regexes see characters of the user's locale. */
			setlocale(LC_CTYPE, "");
			break;
		}
	for (size_t i = 0; i < r->o.nmatch; i++) {
		if (md_match_add(&r->match, r->o.match[i], &ce) == 0)
			continue;
		if (errno != EINVAL)
			err(EX_OSERR, "--match");
		errx(EX_USAGE, "--match %s: %s",
		    cmd_vis(r->o.match[i], b, sizeof(b)), ce.why);
	}
}

/* What --format, --sort and --match need of each message. */
static void
setup_headers(struct run *r)
{
	r->headers = r->o.format || r->o.sort || r->o.nmatch;
	if (!r->headers)
		return;
	compile_format(r, r->o.format ? r->o.format : "%p");
	compile_match(r);
	md_sorter_init(&r->sorter, r->o.sort, r->o.reverse, r->fmt.need);
	r->need = r->fmt.need | r->match.need | md_sort_needs(r->o.sort);
	r->need_kw |= (r->need & MD_NEED_KEYWORDS) != 0;
	r->need_summary = (r->need & MD_NEED_SUMMARY) != 0;
	if (!r->need_summary)
		return;
	/* big (its field buffers): not on the stack */
	if ((r->z = malloc(sizeof(*r->z))) == NULL)
		err(EX_OSERR, "malloc");
	md_summarizer_init(r->z);
	/* Read only the fields shown, sorted or matched; a cache entry has
	 * them all, and they are the same strings. */
	r->z->want = r->need & MD_NEED_FIELDS;
	if (r->z->want == 0)
		r->z->want = 1u << MD_S_N; /* dates or sizes only */
}

static void
free_headers(struct run *r)
{
	md_format_free(&r->fmt);
	md_match_free(&r->match);
	md_sorter_free(&r->sorter);
	free(r->o.match);
	free(r->o.kwith);
	free(r->o.kwithout);
	free(r->kwbuf);
	if (r->z != NULL) {
		md_summarizer_free(r->z);
		free(r->z);
	}
}

static void
print_sorted(struct run *r)
{
	struct md_listed m;

	md_sorter_sort(&r->sorter);
	for (size_t i = 0; i < r->sorter.n; i++) {
		md_sorter_get(&r->sorter, i, &m);
		put_msg(r, &m);
	}
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

/* Column K of the row V as the table shows it, in BUF. */
static const char *
cell(const uint64_t *v, int k, char *buf, size_t size)
{
	if (k == 5)
		md_human_size(v[k], buf, size);
	else
		snprintf(buf, size, "%llu", (unsigned long long)v[k]);
	return buf;
}

static void
print_table(struct stats *st, size_t n, struct stats *total)
{
	int w[6];
	char num[6][32];
	uint64_t v[6];

	for (int k = 0; k < 6; k++)
		w[k] = (int)strlen(heads[k]);
	for (size_t i = 0; i <= n; i++) {
		fields(i < n ? &st[i] : total, v);
		for (int k = 0; k < 6; k++) {
			int len =
			    (int)strlen(cell(v, k, num[k], sizeof(num[k])));

			if (len > w[k])
				w[k] = len;
		}
	}
	for (int k = 0; k < 6; k++)
		printf("%*s  ", w[k], heads[k]);
	printf("maildir\n");
	for (size_t i = 0; i < n + (n > 1); i++) {
		struct stats *s = i < n ? &st[i] : total;

		fields(s, v);
		for (int k = 0; k < 6; k++)
			printf(
			    "%*s  ", w[k], cell(v, k, num[k], sizeof(num[k])));
		printf("%s\n", i < n ? s->path : "(total)");
	}
}

/* A maildir's keywords: each its dovecot-keywords names, and each letter
 * a message has that it does not name (its "name" null), with counts. */
static void
json_keywords(const struct stats *s)
{
	int first = 1;

	printf(",\"keywords\":[");
	for (int i = 0; i < 26; i++) {
		if (s->kw.name[i] == NULL && s->kwn[i] == 0)
			continue;
		printf("%s{\"letter\":\"%c\",\"name\":", first ? "" : ",",
		    'a' + i);
		if (s->kw.name[i] != NULL)
			cmd_put_json(stdout, s->kw.name[i]);
		else
			printf("null");
		printf(",\"messages\":%llu}", (unsigned long long)s->kwn[i]);
		first = 0;
	}
	putchar(']');
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
		cmd_put_json(stdout, s->path);
		putchar(',');
	}
	for (int k = 0; k < 6; k++)
		printf("\"%s\":%llu%s", keys[k], (unsigned long long)v[k],
		    k < 5 ? "," : "");
	if (s->path) /* letters mean other names in each maildir */
		json_keywords(s);
	putchar('}');
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
			cmd_put_tsv(stdout, r->st[i].path);
			fields(&r->st[i], v);
			for (int k = 0; k < 6; k++)
				printf("\t%llu", (unsigned long long)v[k]);
			putchar('\n');
		}
	} else if (r->nst > 0)
		print_table(r->st, r->nst, &total);
	for (size_t i = 0; i < r->nst; i++) {
		free(r->st[i].path);
		md_keywords_free(&r->st[i].kw);
	}
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
	md_clock_init(&r->clock);
	parse_opts(&r->o, argc, argv);
	r->need_kw = r->o.nkwith > 0 || r->o.nkwithout > 0 || r->o.json;
	r->need_flags = r->o.info || !md_flags_empty(&r->o.with) ||
	                !md_flags_empty(&r->o.without) || r->need_kw;
	setup_headers(r);
	argc -= optind;
	argv += optind;
	if (argc > 0)
		for (int i = 0; i < argc; i++)
			list_target(r, argv[i]);
	else if (stdin_has_paths())
		read_stdin(r);
	else
		list_target(r, cmd_default_maildir(1));
	if (r->o.sort != MD_SORT_NONE)
		print_sorted(r);
	flush_out(r);
	if (r->o.info)
		print_info(r);
	if (fflush(stdout) == EOF)
		err(1, "stdout");
	c = r->failed ? 1 : 0;
	free_headers(r);
	free(r);
	return c;
}
