/*
 * md-sieve: Sieve scripts without delivering. -c checks scripts, -t
 * shows what a script would do with the message on stdin, one action a
 * line, as md-deliver --sieve would carry it out; -e carries out a
 * script's filing on messages already in maildirs (or whose paths come
 * on stdin, as md-list takes them).
 */
#include <dirent.h>
#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "common.h"

#define EXIT_USAGE 64
#define OPTSTRING ":0cd:ehnr:t"
#define OPT_DIR 256 /* --sieve-dir */
#define OPT_GLOBAL_DIR 257
#define MSG_MAX (64 * 1024 * 1024) /* -t reads at most this much */

static void
usage(void)
{
	printf("usage: md-sieve [--sieve-dir dir] [--sieve-global-dir dir] "
	       "-c script ...\n"
	       "       md-sieve [...] -t script [-r sender] [-d recipient] "
	       "< message\n"
	       "       md-sieve [...] -e script [-n] [maildir ...]\n"
	       "       md-sieve [...] -e script [-n] [-0] < paths\n");
}

static void
bad_usage(const char *why)
{
	errx(EXIT_USAGE, "%s (see md-sieve -h)", why);
}

/* Where include looks (--sieve-dir, --sieve-global-dir). */
static struct md_sieve_dirs dirs;

/* FILE:LINE:COLUMN: message, or FILE: message without a place; FILE the
 * included script the error is in, else PATH. */
static void
report(const char *path, const struct md_sieve_err *e)
{
	if (e->file[0] != '\0')
		path = e->file;
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

		if (md_sieve_compile_dirs(&s, argv[i], &dirs, &e) < 0) {
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
		"redirect", "reject", "ereject", "vacation" };

	fputs(names[a->kind], stdout);
	if (a->kind == MD_ACT_VACATION) { /* its reason is in the reply */
		printf("\t%llu\n", (unsigned long long)a->vac->secs);
		return;
	}
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

/* -t: whether vacation V would answer, and the answer, each of its
 * lines after a tab; nothing is sent. */
static void
show_vacation(const struct md_sieve_action *a, const struct md_header *h,
    const char *from, const char *to)
{
	const char *why = md_sieve_vacation_refusal(h, from, to, a->vac);
	char *reply;

	if (why != NULL) {
		printf("\tnot sent: %s\n", why);
		return;
	}
	printf("\tsent to %s unless answered within the period\n", from);
	if ((reply = md_sieve_vacation_reply(
	         a->vac, a->arg, h, from, to, time(NULL))) == NULL)
		err(1, "the vacation reply");
	for (char *p = reply, *nl; *p; p = nl + 1) {
		nl = strchrnul(p, '\n');
		printf("\t%.*s\n", (int)(nl - p), p);
		if (*nl == '\0')
			break;
	}
	free(reply);
}

static int
try(const char *path, const char *from, const char *to)
{
	struct md_sieve_script s;
	struct md_sieve_result r = { 0 };
	struct md_sieve_err e;
	struct md_header h;
	struct md_decoder d;
	/* kept as -e keeps it, though for one message: what is tested
	 * against sieve-test is the way -e runs */
	struct md_sieve_keep keep = { 0 };
	struct md_sieve_msg m = {
		.h = &h, .d = &d, .from = from, .to = to, .keep = &keep
	};
	char *msg;
	size_t len;
	int rc = 0;

	msg = slurp(&len);
	m.size = len;
	m.msg = msg;
	m.msglen = len;
	md_header_init(&h);
	md_decoder_init(&d);
	if (md_header_parse(&h, msg, len) < 0)
		err(1, "reading the message");
	if (md_sieve_compile_dirs(&s, path, &dirs, &e) < 0) {
		report(path, &e);
		rc = 1;
	} else if (md_sieve_run(&s, &m, &r, &e) < 0) {
		report(path, &e);
		rc = 1;
	}
	if (rc != 0) /* what md-deliver does on a script error */
		puts("keep");
	else
		for (size_t i = 0; i < r.n; i++) {
			print_action(&r.a[i]);
			if (r.a[i].kind == MD_ACT_VACATION)
				show_vacation(&r.a[i], &h, from, to);
		}
	if (rc == 0)
		md_sieve_free(&s);
	md_sieve_result_free(&r);
	md_sieve_keep_free(&keep);
	md_header_free(&h);
	md_decoder_free(&d);
	free(msg);
	if (fflush(stdout) != 0)
		err(1, "stdout");
	return rc;
}

/* ---- -e: a script over the messages already in maildirs ---- */

struct refile {
	struct md_sieve_script s;
	const char *script;
	int dry;
	struct md_namegen gen;
	struct md_quota_ledger quota;
	struct md_header h;
	struct md_decoder d;
	struct md_sieve_keep keep; /* kept from message to message */
};

/* What the script does with the message at PATH of the maildir ROOT,
 * into R; -1 said. It is opened as its last name in DIRFD (new/ or cur/
 * of ROOT): no walk of the whole path for each message; AT_FDCWD: by
 * PATH. */
static int
decide(struct refile *rf, const char *root, int dirfd, const char *path,
    struct md_sieve_result *r)
{
	/* Its size only if a size test asks: a fstat(2) of each message
	 * was a tenth of the system time of a run over many. */
	struct md_sieve_msg m = { .h = &rf->h,
		.d = &rf->d,
		.root = root,
		.path = path,
		.size = MD_SIEVE_SIZE_FSTAT,
		.keep = &rf->keep };
	struct md_sieve_err e;
	int rc;

	m.fd = openat(dirfd, dirfd == AT_FDCWD ? path : strrchr(path, '/') + 1,
	    O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (m.fd == -1 || md_header_read(&rf->h, m.fd) == -1) {
		warn("%s", cmd_shown(path, 0));
		if (m.fd != -1)
			close(m.fd);
		return -1;
	}
	rc = md_sieve_run(&rf->s, &m, r, &e);
	close(m.fd);
	if (rc == -1) {
		warnx("%s: %s:%u: %s; left as it is", cmd_shown(path, 0),
		    e.file[0] ? e.file : rf->script, e.line, e.msg);
		md_sieve_result_free(r);
	}
	return rc;
}

/* -n: the actions, one a line after the message's path. */
static void
show(const char *path, const struct md_sieve_result *r)
{
	for (size_t i = 0; i < r->n; i++) {
		cmd_put_tsv(stdout, path);
		putchar('\t');
		print_action(&r->a[i]);
	}
}

/* The flags of A (imap4flags) added to the message MP, whose path is
 * then printed; a message with none is printed as it is. */
static int
add_flags(
    struct refile *rf, struct md_msgpath *mp, const char *flags, int print)
{
	struct md_change c = { .to_cur = 0 };
	char out[PATH_MAX + NAME_MAX + 8];
	struct md_err e;

	(void)rf;
	if (flags != NULL && md_sieve_flags(flags, mp->root, &c.set) > 0 &&
	    md_change(mp, &c, &e) == -1) {
		cmd_warn_err(&e);
		return -1;
	}
	if (print && md_msgpath_format(mp, out, sizeof(out)) == 0)
		printf("%s\n", out);
	return 0;
}

/* Copy (KEEP) or move the message MP into the folder of ROOT that A
 * names, made if need be; its flags added there. */
static int
file_into(struct refile *rf, struct md_msgpath *mp, const char *root,
    const struct md_sieve_action *a, int keep)
{
	char name[NAME_MAX + 1], out[PATH_MAX + NAME_MAX + 8], kmap[26];
	struct md_quota_root *qr = NULL;
	struct md_maildir m;
	struct md_msgpath np;
	struct md_err e;
	uint64_t size;
	int rc = -1;

	if (md_folder_from_imap(a->arg, name, sizeof(name)) == -1) {
		warnx("%s:%u: fileinto \"%s\": not a valid folder name",
		    rf->script, a->line, a->arg);
		return -1;
	}
	if (md_folder_open(&m, root, name, MD_CREATE, &e) == -1) {
		cmd_warn_err(&e);
		return -1;
	}
	if (keep && md_quota_ledger_find(&rf->quota, m.path, &qr, &e) == -1)
		cmd_warn_err(&e);
	else if (md_keywords_map_dirs(mp->root, m.path, kmap, &e) == -1)
		cmd_warn_err(&e);
	else if (md_move(mp, &m, keep, kmap, &rf->gen, out, sizeof(out), &size,
	             &e) == -1)
		cmd_warn_err(&e);
	else if (md_msgpath_parse(out, &np) == 0)
		rc = add_flags(rf, &np, a->flags, 1);
	if (rc == 0 && qr != NULL) /* a copy counts; a move stays under root */
		md_quota_ledger_record(qr, (int64_t)size, 1);
	md_maildir_close(&m);
	return rc;
}

/* Carry out R on the message PATH of ROOT: copies into all folders but
 * the last, which it moves to unless INBOX keeps it; flags added; a
 * discarded message stored nowhere flagged \Deleted for md-expunge.
 * Redirects and rejects are not carried out here: a message they would
 * take away stays. */
static int
carry_out(struct refile *rf, const char *root, const char *path,
    const struct md_sieve_result *r)
{
	const struct md_sieve_action *inbox = NULL, *last = NULL;
	int discard = 0, elsewhere = 0;
	struct md_msgpath mp;
	int rc = 0;

	if (md_msgpath_parse(path, &mp) == -1) {
		warnx("%s: not a message in a maildir", cmd_shown(path, 0));
		return -1;
	}
	for (size_t i = 0; i < r->n; i++)
		if (r->a[i].kind == MD_ACT_KEEP)
			inbox = &r->a[i];
		else if (r->a[i].kind == MD_ACT_FILEINTO)
			last = &r->a[i];
		else if (r->a[i].kind == MD_ACT_DISCARD)
			discard = 1;
		else if (r->a[i].kind == MD_ACT_VACATION)
			warnx("%s: %s:%u: vacation: no reply from md-sieve -e",
			    cmd_shown(path, 0), rf->script, r->a[i].line);
		else { /* redirect, reject: not here, so the message stays */
			elsewhere = 1;
			if (r->a[i].kind == MD_ACT_REDIRECT)
				warnx("%s: %s:%u: redirect: not sent by "
				      "md-sieve -e; left here",
				    cmd_shown(path, 0), rf->script,
				    r->a[i].line);
		}
	for (size_t i = 0; i < r->n && rc == 0; i++)
		if (r->a[i].kind == MD_ACT_FILEINTO)
			rc = file_into(rf, &mp, root, &r->a[i],
			    inbox != NULL || &r->a[i] != last);
	if (rc == 0 && inbox != NULL && inbox->flags != NULL)
		rc = add_flags(rf, &mp, inbox->flags, 1);
	if (rc == 0 && discard && inbox == NULL && last == NULL && !elsewhere)
		rc = add_flags(rf, &mp, "\\Deleted", 1);
	return rc;
}

static void
add_name(char ***names, size_t *n, const char *name)
{
	char *s = strdup(name);

	if (s == NULL)
		err(1, "strdup");
	cmd_strlist_add(names, n, s);
}

/* The messages of new/ and cur/ of DIR, all named first, then each
 * taken in turn: what the script does moves them between the two. */
static int
refile_maildir(struct refile *rf, const char *dir)
{
	static const char *const subs[] = { "new", "cur" };
	char path[PATH_MAX + NAME_MAX + 16];
	char **names = NULL;
	size_t n = 0, nnew = 0, plen;
	char root[PATH_MAX];
	int failed = 0, dfd[2] = { -1, -1 };

	/* A folder's messages file into the folders of its root, as those
	 * read from stdin do. */
	if (md_folder_root(dir, root, sizeof(root)) == -1) {
		warn("%s", cmd_shown(dir, 0));
		return 1;
	}

	for (size_t k = 0; k < 2; k++) {
		struct dirent *de;
		DIR *d;

		snprintf(path, sizeof(path), "%s/%s", dir, subs[k]);
		if ((dfd[k] = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) ==
		        -1 ||
		    (d = opendir(path)) == NULL) {
			warn("%s", cmd_shown(path, 0));
			failed = 1;
			break;
		}
		/* "DIR/new/" once, each name after it: a snprintf(3) of
		 * each was a fortieth of a run over many messages. */
		plen = (size_t)snprintf(
		    path, sizeof(path), "%s/%s/", dir, subs[k]);
		plen = plen < sizeof(path) ? plen : sizeof(path) - 1;
		while ((de = readdir(d)) != NULL)
			if (de->d_name[0] != '.') {
				/* its length known: strlcpy(3) went a byte
				 * at a time */
				size_t nl = strlen(de->d_name);

				nl = nl < sizeof(path) - plen
				         ? nl
				         : sizeof(path) - plen - 1;
				memcpy(path + plen, de->d_name, nl);
				path[plen + nl] = '\0';
				add_name(&names, &n, path);
			}
		closedir(d);
		nnew = k == 0 ? n : nnew;
	}
	for (size_t i = 0; i < n; i++) {
		struct md_sieve_result r = { 0 };

		if (failed) /* a directory that cannot be read: none */
			;
		else if (decide(rf, root, dfd[i >= nnew], names[i], &r) == -1)
			failed = 1;
		else if (rf->dry)
			show(names[i], &r);
		else if (carry_out(rf, root, names[i], &r) == -1)
			failed = 1;
		md_sieve_result_free(&r);
		free(names[i]);
	}
	free(names);
	for (size_t k = 0; k < 2; k++)
		if (dfd[k] != -1)
			close(dfd[k]);
	return failed;
}

/* refile_maildir for the walk over the targets (no folders: -e takes
 * maildirs one by one). */
static int
refile_one(void *arg, const char *root, int folder)
{
	(void)folder;
	return refile_maildir(arg, root) ? CMD_WALK_FAILED : CMD_WALK_OK;
}

/* One message whose path came on stdin: in the maildir it names. */
static int
refile_line(void *arg, const char *path)
{
	struct refile *rf = arg;
	struct md_sieve_result r = { 0 };
	struct md_msgpath mp;
	char root[PATH_MAX];
	int failed = 0;

	if (md_msgpath_parse(path, &mp) == -1) {
		warnx("%s: not a message in a maildir", cmd_shown(path, 0));
		return 1;
	}
	/* A message of a folder files into the folders of its root. */
	if (md_folder_root(mp.root, root, sizeof(root)) == -1) {
		warn("%s", cmd_shown(mp.root, 0));
		return 1;
	}
	if (decide(rf, root, AT_FDCWD, path, &r) == -1)
		failed = 1;
	else if (rf->dry)
		show(path, &r);
	else if (carry_out(rf, root, path, &r) == -1)
		failed = 1;
	md_sieve_result_free(&r);
	return failed;
}

/* The script over each maildir of ARGV, or with none each message whose
 * path is read from stdin (ended by EOL). */
static int
refile(const char *script, int dry, int eol, int argc, char **argv)
{
	struct refile rf = { .script = script, .dry = dry };
	struct md_sieve_err e;
	struct md_err qe;
	struct cmd_walk w = { 0, refile_one, &rf, 0 };
	int failed;

	if (md_sieve_compile_dirs(&rf.s, script, &dirs, &e) < 0) {
		report(script, &e);
		return 1;
	}
	md_namegen_init(&rf.gen);
	md_quota_ledger_init(&rf.quota, &rf.gen);
	md_header_init(&rf.h);
	md_decoder_init(&rf.d);
	if (argc == 0)
		w.failed = cmd_stdin_paths(eol, 1, refile_line, &rf);
	for (int i = 0; i < argc; i++)
		cmd_walk_arg(&w, argv[i]);
	failed = w.failed;
	if (md_quota_ledger_flush(&rf.quota, &qe) == -1) {
		cmd_warn_err(&qe);
		failed = 1;
	}
	md_quota_ledger_free(&rf.quota);
	md_header_free(&rf.h);
	md_decoder_free(&rf.d);
	md_sieve_keep_free(&rf.keep);
	md_sieve_free(&rf.s);
	if (fflush(stdout) != 0)
		err(1, "stdout");
	return failed;
}

int
main(int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "check", no_argument, NULL, 'c' },
		{ "test", no_argument, NULL, 't' },
		{ "each", no_argument, NULL, 'e' },
		{ "dry-run", no_argument, NULL, 'n' },
		{ "null", no_argument, NULL, '0' },
		{ "sieve-dir", required_argument, NULL, OPT_DIR },
		{ "sieve-global-dir", required_argument, NULL, OPT_GLOBAL_DIR },
		{ "help", no_argument, NULL, 'h' },
		CMD_VERSION_OPTION,
		{ NULL, 0, NULL, 0 },
	};
	const char *from = NULL, *to = NULL;
	char why[128], personal[PATH_MAX];
	int c, mode = 0, dry = 0, eol = '\n';

	/* Pigeonhole's default for the personal scripts: ~/sieve. */
	if (getenv("HOME") != NULL &&
	    (size_t)snprintf(personal, sizeof(personal), "%s/sieve",
	        getenv("HOME")) < sizeof(personal))
		dirs.personal = personal;

	while ((c = getopt_long(argc, argv, OPTSTRING, longopts, NULL)) != -1)
		switch (c) {
		case 'c':
		case 'e':
		case 't':
			if (mode != 0 && mode != c)
				bad_usage("-c, -e and -t exclude each other");
			mode = c;
			break;
		case 'd':
			to = optarg;
			break;
		case 'r':
			from = optarg;
			break;
		case 'n':
			dry = 1;
			break;
		case '0':
			eol = '\0';
			break;
		case OPT_DIR:
			dirs.personal = optarg;
			break;
		case OPT_GLOBAL_DIR:
			dirs.global = optarg;
			break;
		case 'h':
			usage();
			return 0;
		case CMD_OPT_VERSION:
			cmd_version();
		default:
			bad_usage(
			    cmd_opt_error(c, argv, longopts, why, sizeof(why)));
		}
	argc -= optind;
	argv += optind;
	if (mode == 0)
		bad_usage("one of -c, -t and -e is needed");
	if (argc == 0)
		bad_usage("no script given");
	if (mode == 't' && argc != 1)
		bad_usage("-t takes one script, the message on stdin");
	if (dry && mode != 'e')
		bad_usage("-n goes with -e only");
	if (eol == '\0' && mode != 'e')
		bad_usage("-0 goes with -e only");
	if (mode == 'c')
		return check(argc, argv);
	if (mode == 'e' && argc == 1 && !cmd_stdin_has_paths()) {
		static char *def[1];

		def[0] = (char *)cmd_default_maildir(1);
		return refile(argv[0], dry, eol, 1, def);
	}
	if (mode == 'e')
		return refile(argv[0], dry, eol, argc - 1, argv + 1);
	return try(argv[0], from, to);
}
