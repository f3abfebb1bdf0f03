/*
 * md-deliver: deliver a message (or an mbox of them) from stdin into one
 * or more maildirs, safely enough for an MTA: the message is complete and
 * on disk before exit 0, and every failure the admin can fix exits 75.
 */
#include <ctype.h>
#include <err.h>
#include <errno.h>
#include <getopt.h>
#include <libutil.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <unistd.h>

#include "maildir.h"

#define DEFAULT_TIMEOUT 86400 /* qmail's 24 hours for one delivery */
#define OPTSTRING ":cd:eF:f:hMr:s:t:v"
#define MBOX_BATCH 1024 /* -M: messages between directory syncs */

struct opts {
	int create, verbose, mbox, qmail, use_env, have_flags;
	const char *folder;
	struct md_flags flags;
	uint64_t limit;
	unsigned timeout;
	char *rp, *dt, *xot;
};

struct target {
	struct md_maildir m;
	int ok;    /* opened, and nothing failed yet */
	int dirty; /* MD_NEW/MD_CUR entries made, not yet synced */
	char name[NAME_MAX + 8]; /* where the last message went */
	char *done;              /* -v: placed paths, printed once synced */
	size_t donelen, donecap;
};

struct run {
	struct opts o;
	struct md_filter_opts fo;
	struct target *tg;
	size_t ntg;
	struct md_maildir *home;
	struct md_namegen gen;
	size_t nbatch;    /* messages placed since the last sync */
	unsigned timeout; /* -t, bounded by the MTA's alarm */
	/* Big buffers last: left out of the zeroing, untouched pages stay
	 * unfaulted (a third of a small delivery's page faults). */
	struct md_input in;
	struct md_tmp tmp;
};

static void
usage(void)
{
	printf("usage: md-deliver [-cehMv] [-d addr] [-F flags] [-f folder] "
	       "[-r addr] [-s size]\n"
	       "                  [-t seconds] [--qmail] [maildir ...]\n");
	exit(EX_OK);
}

/* The one line on stderr names the problem; qmail bounces on 64, so a
 * broken command line there must mean retry. */
static void
bad_usage(int qmail)
{
	exit(qmail ? 111 : EX_USAGE);
}

/* Header values from argv or the environment: no line breaks, no
 * controls, so nobody can smuggle in a header line of their own. */
static char *
sanitize(const char *s, int angle)
{
	size_t n = strlen(s);
	char *v;

	if (n >= 2 && s[0] == '<' && s[n - 1] == '>') {
		s++;
		n -= 2;
	}
	if ((v = malloc(n + 3)) == NULL)
		err(EX_TEMPFAIL, "malloc");
	snprintf(v, n + 3, angle ? "<%.*s>" : "%.*s", (int)n, s);
	for (char *p = v; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = '_';
	return v;
}

static void
take_env(struct opts *o)
{
	const char *v;

	if (o->rp == NULL && (v = getenv("SENDER")) != NULL)
		o->rp = sanitize(v, 1);
	if (o->dt == NULL && (v = getenv("RECIPIENT")) != NULL && *v)
		o->dt = sanitize(v, 0);
	if (o->xot == NULL && (v = getenv("ORIGINAL_RECIPIENT")) != NULL && *v)
		o->xot = sanitize(v, 0);
}

static void
parse_opts(struct opts *o, int *argc, char ***argv)
{
	static const struct option longopts[] = { { "create", no_argument, NULL,
		                                      'c' },
		{ "delivered-to", required_argument, NULL, 'd' },
		{ "env", no_argument, NULL, 'e' },
		{ "flags", required_argument, NULL, 'F' },
		{ "folder", required_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ "mbox", no_argument, NULL, 'M' },
		{ "qmail", no_argument, NULL, 'Q' },
		{ "return-path", required_argument, NULL, 'r' },
		{ "size-limit", required_argument, NULL, 's' },
		{ "timeout", required_argument, NULL, 't' },
		{ "verbose", no_argument, NULL, 'v' }, { NULL, 0, NULL, 0 } };
	const char *errstr;
	char msg[PATH_MAX + 64];
	int c;

	memset(o, 0, sizeof(*o));
	o->timeout = DEFAULT_TIMEOUT;
	opterr = 0;
	for (int i = 1; i < *argc && strcmp((*argv)[i], "--") != 0; i++)
		if (strcmp((*argv)[i], "--qmail") == 0)
			o->qmail = 1;
	while ((c = getopt_long(*argc, *argv, ":cd:eF:f:hMr:s:t:v", longopts,
	            NULL)) != -1) {
		switch (c) {
		case 'c':
			o->create = 1;
			break;
		case 'd':
			o->dt = sanitize(optarg, 0);
			break;
		case 'e':
			o->use_env = 1;
			break;
		case 'F':
			if (md_flags_from_user(optarg, &o->flags) == -1) {
				warnx("-F %s: flags must be letters", optarg);
				bad_usage(o->qmail);
			}
			o->have_flags = 1;
			break;
		case 'f':
			if (md_folder_path((char[PATH_MAX]){ 0 }, PATH_MAX, ".",
			        optarg) == -1) {
				warnx("-f %s: not a valid folder name", optarg);
				bad_usage(o->qmail);
			}
			o->folder = optarg;
			break;
		case 'M':
			o->mbox = 1;
			break;
		case 'Q':
			o->qmail = 1;
			break;
		case 'r':
			o->rp = sanitize(optarg, 1);
			break;
		case 's':
			/* Decimal digits first: expand_number(3) would wrap
			 * "-1" to a huge size and read "010" as octal. */
			if (!isdigit((unsigned char)optarg[0]) ||
			    (optarg[0] == '0' &&
			        isalnum((unsigned char)optarg[1])) ||
			    expand_number(optarg, &o->limit) == -1) {
				warnx("-s %s: not a size (like 10M)", optarg);
				bad_usage(o->qmail);
			}
			break;
		case 't':
			o->timeout =
			    (unsigned)strtonum(optarg, 1, 7 * 86400, &errstr);
			if (errstr != NULL) {
				warnx("-t %s: seconds are %s", optarg, errstr);
				bad_usage(o->qmail);
			}
			break;
		case 'v':
			o->verbose = 1;
			break;
		case 'h':
			usage();
			break;
		case ':':
		case '?':
			warnx("%s (see md-deliver -h)",
			    md_opt_error(c, *argv, longopts, msg, sizeof(msg)));
			bad_usage(o->qmail);
		}
	}
	if (o->use_env)
		take_env(o);
	*argc -= optind;
	*argv += optind;
}

/* Never outlive an alarm the MTA set: stop reading just before it. */
static unsigned
bound_timeout(unsigned want)
{
	unsigned prev = alarm(0);

	if (prev == 0)
		return want;
	alarm(prev);
	if (prev <= 2)
		return 1;
	return prev - 2 < want ? prev - 2 : want;
}

static const char *
default_maildir(void)
{
	static char path[PATH_MAX];

	if (md_maildir_default(path, sizeof(path)) == -1) {
		if (errno == ENOENT)
			errx(EX_TEMPFAIL, "no MAILDIR and no home directory");
		err(EX_TEMPFAIL, "MAILDIR or home directory");
	}
	return path;
}

static void
warn_err(const struct md_err *e)
{
	warnx("%s: %s: %s", e->path, e->step, strerror(errno));
}

/* Opens every target; the first one that opens keeps the tmp file. */
static void
open_targets(struct run *r, int argc, char **argv)
{
	const char *def[1];
	struct md_err e;

	if (argc == 0) {
		def[0] = default_maildir();
		argv = (char **)def;
		argc = 1;
	}
	r->ntg = (size_t)argc;
	if ((r->tg = calloc(r->ntg, sizeof(*r->tg))) == NULL)
		err(EX_TEMPFAIL, "calloc");
	for (size_t i = 0; i < r->ntg; i++) {
		struct target *t = &r->tg[i];
		int fl = r->o.create ? MD_CREATE : 0, rc;

		if (r->o.folder)
			rc =
			    md_folder_open(&t->m, argv[i], r->o.folder, fl, &e);
		else
			rc = md_maildir_open(&t->m, argv[i], fl, &e);
		if (rc == -1) {
			warn_err(&e);
			continue;
		}
		t->ok = 1;
		if (r->home == NULL)
			r->home = &t->m;
	}
}

/* Failures that are the message's own are permanent; all else retries. */
static int
classify(int errnum, const struct md_err *e, const struct run *r)
{
	if (errnum == ELOOP && strcmp(e->step, "loop check") == 0) {
		warnx("message already delivered to %s (Delivered-To loop)",
		    r->fo.delivered_to);
		return EX_DATAERR;
	}
	if (errnum == EMSGSIZE && strcmp(e->step, "size limit") == 0) {
		warnx("message larger than the size limit of %llu bytes",
		    (unsigned long long)r->o.limit);
		return EX_DATAERR;
	}
	if (errnum == ETIMEDOUT && strcmp(e->step, "read") == 0)
		warnx("%s: read: no data for %u seconds", e->path, r->timeout);
	else {
		errno = errnum;
		warn_err(e);
	}
	return EX_TEMPFAIL;
}

/* Link the finished tmp file into every target; count the failures. */
static int
place_all(struct run *r, const struct md_flags *flags)
{
	struct md_err e;
	int failed = 0;

	for (size_t i = 0; i < r->ntg; i++) {
		struct target *t = &r->tg[i];

		if (!t->ok)
			continue;
		if (md_place(&r->tmp, &t->m, flags, &r->gen, t->name,
		        sizeof(t->name), &e) == -1) {
			warn_err(&e);
			t->ok = 0;
			t->name[0] = '\0';
			failed++;
			continue;
		}
		t->dirty |= flags ? MD_CUR : MD_NEW;
	}
	return failed;
}

/* -v: remember where the message went; printed once it is durable. */
static void
note_placed(struct run *r)
{
	for (size_t i = 0; i < r->ntg && r->o.verbose; i++) {
		struct target *t = &r->tg[i];
		size_t need;

		if (!t->ok || t->name[0] == '\0')
			continue;
		need = strlen(t->m.path) + strlen(t->name) + 3;
		if (t->donecap - t->donelen < need) {
			size_t cap = t->donecap * 2 + need + 4096;
			char *p = realloc(t->done, cap);

			if (p == NULL)
				err(EX_TEMPFAIL, "realloc");
			t->done = p;
			t->donecap = cap;
		}
		t->donelen += (size_t)snprintf(t->done + t->donelen,
		    t->donecap - t->donelen, "%s/%s\n", t->m.path, t->name);
	}
	r->nbatch++;
}

/* Make the batch durable: sync each directory that got entries, then
 * print what is now on disk. A target whose sync fails is lost. */
static int
sync_batch(struct run *r)
{
	struct md_err e;
	int failed = 0;

	for (size_t i = 0; i < r->ntg; i++) {
		struct target *t = &r->tg[i];

		if (t->dirty && md_maildir_sync(&t->m, t->dirty, &e) == -1) {
			warn_err(&e);
			t->ok = 0;
			failed++;
		}
		t->dirty = 0;
		if (t->ok)
			fwrite(t->done, 1, t->donelen, stdout);
		t->donelen = 0;
	}
	r->nbatch = 0;
	return failed;
}

/* Targets that did not get every message: unopened, or failed since. */
static size_t
bad_targets(const struct run *r)
{
	size_t n = 0;

	for (size_t i = 0; i < r->ntg; i++)
		n += !r->tg[i].ok;
	return n;
}

static int
deliver_one(struct run *r)
{
	struct md_filter f;
	struct md_err e;

	if (md_tmp_create(&r->tmp, r->home, &r->gen, &e) == -1)
		return classify(errno, &e, r);
	r->tmp.limit = r->o.limit;
	md_filter_begin(&f, &r->fo, &r->tmp);
	if (md_deliver_read(&r->in, &f, &e) == -1 ||
	    md_tmp_finish(&r->tmp, NULL, &e) == -1) {
		int errnum = errno;

		md_tmp_remove(&r->tmp);
		return classify(errnum, &e, r);
	}
	place_all(r, r->o.have_flags ? &r->o.flags : NULL);
	note_placed(r);
	sync_batch(r);
	md_tmp_remove(&r->tmp);
	return bad_targets(r) ? EX_TEMPFAIL : EX_OK;
}

/* One mbox message: flags from Status:/X-Status: and -F, mtime kept. */
static int
import_one(struct run *r, struct md_mbox *mb, int *more)
{
	struct md_filter f;
	struct md_flags fl = r->o.flags;
	struct md_err e;
	struct timespec ts = { 0, 0 };
	time_t date;
	int failed;

	if (md_tmp_create(&r->tmp, r->home, &r->gen, &e) == -1) {
		*more = 0;
		return classify(errno, &e, r);
	}
	r->tmp.limit = r->o.limit;
	md_filter_begin(&f, &r->fo, &r->tmp);
	if (md_mbox_read(mb, &f, &date, more, &e) == 0) {
		ts.tv_sec = date;
		if (md_tmp_finish(&r->tmp, date == -1 ? NULL : &ts, &e) == 0)
			goto place;
	}
	int errnum = errno;
	md_tmp_remove(&r->tmp);
	return classify(errnum, &e, r);
place:
	md_flags_merge(&fl, &f.flags);
	failed = place_all(
	    r, r->o.have_flags || f.old || !md_flags_empty(&fl) ? &fl : NULL);
	md_tmp_remove(&r->tmp);
	note_placed(r);
	if (r->nbatch >= MBOX_BATCH)
		failed += sync_batch(r);
	/* A target that fails stops the import, so that one retry of the
	 * rest can follow; one that never opened does not. */
	return failed ? EX_TEMPFAIL : EX_OK;
}

static int
import_mbox(struct run *r)
{
	struct md_mbox mb;
	struct md_err e;
	unsigned long done = 0, perm = 0, seen = 0;
	int more, rc = EX_OK, stopped = 0;

	switch (md_mbox_begin(&mb, &r->in, &e)) {
	case 0:
		return EX_OK;
	case -1:
		if (errno == EINVAL) {
			warnx("stdin: not an mbox (it does not start with a "
			      "\"From \" line)");
			return EX_DATAERR;
		}
		return classify(errno, &e, r);
	}
	do {
		int one = import_one(r, &mb, &more);

		seen++;
		if (one == EX_OK)
			done++;
		else if (one == EX_DATAERR)
			perm++;
		else {
			rc = EX_TEMPFAIL;
			stopped = 1;
			break;
		}
	} while (more);
	if (sync_batch(r) || bad_targets(r))
		rc = EX_TEMPFAIL;
	if (stopped)
		warnx("mbox: %lu delivered, %lu refused; stopped at message "
		      "%lu, it and the rest not delivered",
		    done, perm, seen);
	else if (rc != EX_OK || perm)
		warnx("mbox: %lu delivered, %lu refused%s", done, perm,
		    rc != EX_OK ? ", not to every maildir" : "");
	return rc != EX_OK ? rc : perm ? EX_DATAERR : EX_OK;
}

/* Nothing here outlives the process; freed so that leak checkers can
 * tell real leaks from this. */
static void
free_run(struct run *r)
{
	for (size_t i = 0; i < r->ntg; i++)
		free(r->tg[i].done); /* descriptors go with the process */
	free(r->tg);
	free(r->o.rp);
	free(r->o.dt);
	free(r->o.xot);
	free(r);
}

/* qmail reads 0 as done, 111 as try again, 100 as bounce. */
static int
exit_code(const struct opts *o, int rc)
{
	if (!o->qmail || rc == EX_OK)
		return rc;
	return rc == EX_TEMPFAIL || rc == EX_USAGE ? 111 : 100;
}

int
main(int argc, char *argv[])
{
	struct run *r;
	int rc;

	if ((r = malloc(sizeof(*r))) == NULL)
		err(EX_TEMPFAIL, "malloc");
	memset(r, 0, offsetof(struct run, in));
	parse_opts(&r->o, &argc, &argv);
	/* -v to a reader that went away must not kill a finished delivery. */
	if (r->o.verbose)
		signal(SIGPIPE, SIG_IGN);
	r->fo = (struct md_filter_opts){ .return_path = r->o.rp,
		.original_to = r->o.xot,
		.delivered_to = r->o.dt,
		.mbox = r->o.mbox };
	/* With TZ unset glibc stats /etc/localtime on every mktime(3): once
	 * per imported message. Naming the same file keeps the same zone. */
	if (r->o.mbox && getenv("TZ") == NULL)
		setenv("TZ", ":/etc/localtime", 0);
	md_namegen_init(&r->gen);
	r->timeout = bound_timeout(r->o.timeout);
	md_input_init(&r->in, STDIN_FILENO, r->timeout);
	open_targets(r, argc, argv);
	if (r->home == NULL)
		rc = EX_TEMPFAIL;
	else
		rc = r->o.mbox ? import_mbox(r) : deliver_one(r);
	if (fflush(stdout) == EOF)
		warn("stdout");
	rc = exit_code(&r->o, rc);
	free_run(r);
	return rc;
}
