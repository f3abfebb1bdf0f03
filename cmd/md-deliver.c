/*
 * md-deliver: deliver a message (or an mbox of them) from stdin into one
 * or more maildirs, safely enough for an MTA: the message is complete and
 * on disk before exit 0, and every failure the admin can fix exits 75.
 */
#include <ctype.h>
#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <libutil.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sysexits.h>
#include <time.h>
#include <unistd.h>

#include "deliver.h"

#define DEFAULT_TIMEOUT 86400 /* qmail's 24 hours for one delivery */
#define OPTSTRING ":cd:eF:f:hMqr:s:t:v"
#define MBOX_BATCH 1024 /* -M: messages between directory syncs */
/* Long options only: --sieve-dir, --sieve-global-dir. */
#define OPT_SIEVE_DIR 256
#define OPT_SIEVE_GLOBAL_DIR 257

static void
usage(void)
{
	printf("usage: md-deliver [-cehMqv] [-d addr] [-F flags] [-f folder] "
	       "[-r addr] [-s size]\n"
	       "                  [-t seconds] [--qmail] [--quota-permanent] "
	       "[--sieve script]\n"
	       "                  [--sieve-dir dir] [--sieve-global-dir dir] "
	       "[--sendmail path]\n"
	       "                  [maildir ...]\n");
	exit(EX_OK);
}

/* The one line on stderr names the problem. A command line is the
 * admin's to fix while the MTA keeps the mail: every MTA bounces on 64
 * (qmail on 100), so a broken one must mean retry. */
static void
bad_usage(int qmail)
{
	exit(qmail ? 111 : EX_TEMPFAIL);
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
		{ "help", no_argument, NULL, 'h' }, CMD_VERSION_OPTION,
		{ "mbox", no_argument, NULL, 'M' },
		{ "qmail", no_argument, NULL, 'Q' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "quota-permanent", no_argument, NULL, 'P' },
		{ "return-path", required_argument, NULL, 'r' },
		{ "sieve", required_argument, NULL, 'S' },
		{ "sieve-dir", required_argument, NULL, OPT_SIEVE_DIR },
		{ "sieve-global-dir", required_argument, NULL,
		    OPT_SIEVE_GLOBAL_DIR },
		{ "sendmail", required_argument, NULL, 'm' },
		{ "size-limit", required_argument, NULL, 's' },
		{ "timeout", required_argument, NULL, 't' },
		{ "verbose", no_argument, NULL, 'v' }, { NULL, 0, NULL, 0 } };
	const char *errstr;
	char msg[PATH_MAX + 64];
	int c;

	memset(o, 0, sizeof(*o));
	o->timeout = DEFAULT_TIMEOUT;
	o->sendmail = "/usr/sbin/sendmail";
	opterr = 0;
	for (int i = 1; i < *argc && strcmp((*argv)[i], "--") != 0; i++)
		if (strcmp((*argv)[i], "--qmail") == 0)
			o->qmail = 1;
	while (
	    (c = getopt_long(*argc, *argv, OPTSTRING, longopts, NULL)) != -1) {
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
				warnx("-F %s: flags must be letters",
				    cmd_shown(optarg, 0));
				bad_usage(o->qmail);
			}
			o->have_flags = 1;
			break;
		case 'f':
			if (md_folder_path((char[PATH_MAX]){ 0 }, PATH_MAX, ".",
			        optarg) == -1) {
				warnx("-f %s: not a valid folder name",
				    cmd_shown(optarg, 0));
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
		case 'P':
			o->quota_perm = 1;
			break;
		case 'r':
			o->rp = sanitize(optarg, 1);
			break;
		case 'S':
			o->sieve = optarg;
			break;
		case OPT_SIEVE_DIR:
			o->sieve_dirs.personal = optarg;
			break;
		case OPT_SIEVE_GLOBAL_DIR:
			o->sieve_dirs.global = optarg;
			break;
		case 'm':
			if (optarg[0] != '/') {
				warnx("--sendmail %s: not an absolute path",
				    cmd_shown(optarg, 0));
				bad_usage(o->qmail);
			}
			o->sendmail = optarg;
			break;
		case 's':
			/* Decimal digits first: expand_number(3) would wrap
			 * "-1" to a huge size and read "010" as octal. */
			if (!isdigit((unsigned char)optarg[0]) ||
			    (optarg[0] == '0' &&
			        isalnum((unsigned char)optarg[1])) ||
			    expand_number(optarg, &o->limit) == -1) {
				warnx("-s %s: not a size (like 10M)",
				    cmd_shown(optarg, 0));
				bad_usage(o->qmail);
			}
			break;
		case 't':
			o->timeout =
			    (unsigned)strtonum(optarg, 1, 7 * 86400, &errstr);
			if (errstr != NULL) {
				warnx("-t %s: seconds are %s",
				    cmd_shown(optarg, 0), errstr);
				bad_usage(o->qmail);
			}
			break;
		case 'q':
			o->quiet = 1;
			break;
		case 'v':
			o->verbose = 1;
			break;
		case CMD_OPT_VERSION:
			cmd_version();
		case 'h':
			usage();
			break;
		case ':':
		case '?':
			warnx("%s (see md-deliver -h)",
			    cmd_opt_error(
			        c, *argv, longopts, msg, sizeof(msg)));
			bad_usage(o->qmail);
		}
	}
	if (o->use_env)
		take_env(o);
	*argc -= optind;
	*argv += optind;
	if (o->sieve != NULL && (o->mbox || o->folder || *argc > 1)) {
		warnx("--sieve: one maildir, without -M or -f");
		bad_usage(o->qmail);
	}
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

/* The quota T is kept in: its Maildir++ root's, shared with the other
 * targets under that root; none for .Trash, which Maildir++ does not
 * count. The maildirsize itself is read only when a message is ready.
 * A root that cannot be found fails the target: delivered without its
 * quota, the message would go uncounted. */
int
find_quota(struct run *r, struct target *t, struct md_err *e)
{
	if (md_quota_ledger_find(&r->quota, t->m.path, &t->qr, e) == -1)
		return -1;
	return 0;
}

/* Opens every target; the first one that opens keeps the tmp file. */
static void
open_targets(struct run *r, int argc, char **argv)
{
	const char *def[1];
	struct md_err e;

	if (argc == 0) {
		def[0] = cmd_default_maildir(EX_TEMPFAIL);
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
		if (rc == -1 || find_quota(r, t, &e) == -1) {
			cmd_warn_err(&e);
			if (rc == 0)
				md_maildir_close(&t->m);
			continue;
		}
		t->ok = 1;
		if (r->home == NULL)
			r->home = &t->m;
	}
}

/* One line on what failed; failures that are the message's own are
 * permanent (65), all else retries (75). */
static int
classify(int errnum, const struct md_err *e, struct run *r)
{
	cmd_progress_clear(&r->pg);
	switch (e->kind) {
	case MD_ERR_LOOP:
		warnx("message already delivered to %s (Delivered-To loop)",
		    r->fo.delivered_to);
		break;
	case MD_ERR_TOO_BIG:
		warnx("message larger than the size limit of %llu bytes",
		    (unsigned long long)r->o.limit);
		break;
	case MD_ERR_TIMEOUT:
		warnx("%s: read: no data for %u seconds", e->path, r->timeout);
		break;
	default:
		errno = errnum;
		cmd_warn_err(e);
	}
	return md_err_permanent(e->kind) ? EX_DATAERR : EX_TEMPFAIL;
}

/* BYTES in COUNT messages: what T's root would hold with this one. */
static void
warn_over(const struct target *t, int64_t bytes, int64_t count)
{
	const struct md_quota *q = &t->qr->q;
	char b[64] = "", c[64] = "";

	if (q->max_bytes)
		snprintf(
		    b, sizeof(b), " of %llu", (unsigned long long)q->max_bytes);
	if (q->max_count)
		snprintf(
		    c, sizeof(c), " of %llu", (unsigned long long)q->max_count);
	warnx("%s: over quota: with this message %lld%s bytes, %lld%s "
	      "messages",
	    cmd_shown(t->m.path, 0), (long long)bytes, b, (long long)count, c);
}

/*
 * Is there room under T's quota for the message? 1 yes (or no quota),
 * 0 no (said on stderr), -1 failed. Numbers kept from earlier messages
 * (-M) are used until they say no; then the file is read again, and
 * counted again where Maildir++ says its sums cannot be trusted.
 */
static int
quota_room(struct run *r, struct target *t)
{
	struct md_quota_root *qr = t->qr;
	int64_t size = (int64_t)r->tmp.size;
	struct md_err e;
	int rc;

	if (qr == NULL)
		return 1;
	if ((rc = md_quota_ledger_room(&r->quota, qr, size, 1, &e)) == 1)
		return 1;
	cmd_progress_clear(&r->pg);
	if (rc == -1) {
		cmd_warn_err(&e);
		return -1;
	}
	warn_over(
	    t, qr->q.bytes + qr->bytes + size, qr->q.count + qr->count + 1);
	t->over = 1;
	return 0;
}

/* Room in T's batch for one more name, made before the link so that
 * every name placed can be taken back. */
static int
batch_room(struct target *t)
{
	size_t cap = t->batchcap * 2 + 4096;
	char *p;

	if (t->batchcap - t->batchlen > sizeof(t->name))
		return 0;
	if ((p = realloc(t->batch, cap)) == NULL) {
		warn("%s", cmd_shown(t->m.path, 0));
		return -1;
	}
	t->batch = p;
	t->batchcap = cap;
	return 0;
}

/* Link the finished tmp file into every target; count the failures. */
int
place_all(struct run *r, const struct md_flags *flags)
{
	const struct md_flags *fl;
	struct md_err e;
	int failed = 0;

	for (size_t i = 0; i < r->ntg; i++) {
		struct target *t = &r->tg[i];

		if (!t->ok)
			continue;
		if (quota_room(r, t) != 1 || batch_room(t) == -1)
			goto failed;
		/* a store's own imap4flags, for it alone */
		fl = t->have_sflags ? &t->sflags : flags;
		if (md_place(&r->tmp, &t->m, fl, &r->gen, t->name,
		        sizeof(t->name), &e) == -1) {
			cmd_progress_clear(&r->pg);
			cmd_warn_err(&e);
			goto failed;
		}
		t->dirty |= fl ? MD_CUR : MD_NEW;
		if (t->qr != NULL) {
			md_quota_ledger_record(t->qr, (int64_t)r->tmp.size, 1);
			t->qbytes += (int64_t)r->tmp.size;
			t->qcount++;
		}
		continue;
	failed:
		t->ok = 0;
		t->name[0] = '\0';
		failed++;
	}
	return failed;
}

/* The messages of a batch into maildirsize, one line per root, once
 * their directories are synced (also when a target failed later, over
 * quota: those before are delivered); those of a target whose sync
 * failed are taken back. They are delivered whatever happens here, so a
 * failure is only said: the next count puts the sums right. */
static void
quota_append(struct run *r)
{
	struct md_err e;

	if (md_quota_ledger_flush(&r->quota, &e) == -1) {
		cmd_progress_clear(&r->pg);
		cmd_warn_err(&e);
	}
}

/* Remember where the message went (room was made by batch_room): to be
 * printed once it is durable, or taken back. */
void
note_placed(struct run *r)
{
	for (size_t i = 0; i < r->ntg; i++) {
		struct target *t = &r->tg[i];
		size_t n = strlen(t->name) + 1;

		if (!t->ok || t->name[0] == '\0')
			continue;
		memcpy(t->batch + t->batchlen, t->name, n);
		t->batchlen += n;
	}
	r->nbatch++;
}

/* A batch whose directory could not be synced is taken back: 75 must
 * mean "not delivered", or the MTA's retry (or a second import) would
 * make a duplicate of every message in it. Should the unlinks not reach
 * the disk before a crash either, a message may come back: a duplicate
 * then, never a loss. */
static void
take_back(struct target *t)
{
	for (size_t at = 0; at < t->batchlen; at += strlen(t->batch + at) + 1)
		if (unlinkat(t->m.fd, t->batch + at, 0) == -1 &&
		    errno != ENOENT)
			warn("%s/%s: cannot take it back",
			    cmd_shown(t->m.path, 0), t->batch + at);
	(void)md_maildir_sync(&t->m, t->dirty, NULL);
}

/* -v: the paths of T's batch, now on disk. */
static void
print_batch(const struct target *t)
{
	for (size_t at = 0; at < t->batchlen; at += strlen(t->batch + at) + 1)
		printf("%s/%s\n", t->m.path, t->batch + at);
}

/* Make the batch durable: sync each directory that got entries, then
 * print what is now on disk. A target whose sync fails gets none of the
 * batch and takes no more. */
int
sync_batch(struct run *r)
{
	struct md_err e;
	int failed = 0;

	for (size_t i = 0; i < r->ntg; i++) {
		struct target *t = &r->tg[i];

		int bad =
		    t->dirty && md_maildir_sync(&t->m, t->dirty, &e) == -1;

		if (bad || r->o.verbose) /* a line of its own follows */
			cmd_progress_clear(&r->pg);
		if (bad) {
			cmd_warn_err(&e);
			take_back(t);
			t->ok = 0;
			failed++;
			if (t->qr != NULL)
				md_quota_ledger_record(
				    t->qr, -t->qbytes, -t->qcount);
		}
		t->dirty = 0;
		t->qbytes = t->qcount = 0;
		if (t->ok && r->o.verbose)
			print_batch(t);
		t->batchlen = 0;
	}
	quota_append(r);
	r->nbatch = 0;
	return failed;
}

/* Did every target get every message? Else EX_TEMPFAIL, or with
 * --quota-permanent EX_NOPERM when each one missed was over quota. */
int
targets_status(const struct run *r)
{
	size_t bad = 0, over = 0;

	for (size_t i = 0; i < r->ntg; i++) {
		bad += !r->tg[i].ok;
		over += !r->tg[i].ok && r->tg[i].over;
	}
	if (bad == 0)
		return EX_OK;
	return bad == over && r->o.quota_perm ? EX_NOPERM : EX_TEMPFAIL;
}

static int
deliver_one(struct run *r)
{
	struct md_filter f;
	struct md_err e;
	int errnum;

	if (md_tmp_create(&r->tmp, r->home, &r->gen, &e) == -1)
		return classify(errno, &e, r);
	r->tmp.limit = r->o.limit;
	md_filter_begin(&f, &r->fo, &r->tmp);
	if (md_deliver_read(&r->in, &f, &e) == -1 ||
	    md_tmp_finish(&r->tmp, NULL, &e) == -1) {
		errnum = errno;
		md_tmp_remove(&r->tmp);
		return classify(errnum, &e, r);
	}
	if (r->o.sieve != NULL && (errnum = sieve_targets(r)) != -1) {
		if (errnum == EX_OK) /* stored nowhere: sent on, or not */
			errnum = sieve_sends(r, 0);
		md_sieve_result_free(&r->sres);
		md_tmp_remove(&r->tmp);
		return errnum;
	}
	place_all(r, r->o.have_flags ? &r->o.flags : NULL);
	note_placed(r);
	sync_batch(r);
	errnum = targets_status(r);
	/* Sent only once the stores are on disk; none if one failed (the
	 * MTA tries again, and the script with it). */
	if (r->o.sieve != NULL && errnum == EX_OK)
		errnum = sieve_sends(r, 1);
	md_sieve_result_free(&r->sres);
	md_tmp_remove(&r->tmp);
	return errnum;
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
	/* A target that fails stops the import, so that one retry of the
	 * rest can follow; one that never opened does not. */
	return failed ? targets_status(r) : EX_OK;
}

static int
import_mbox(struct run *r)
{
	struct md_mbox mb;
	struct md_err e;
	/* Messages delivered, refused, read; delivered in this batch; the
	 * number of the first message of this batch. */
	unsigned long done = 0, perm = 0, seen = 0, pending = 0, first = 1;
	unsigned long stopped = 0; /* the first message not delivered */
	int more, rc = EX_OK;

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
		cmd_progress_bytes(&r->pg, "mbox", "messages", seen,
		    md_input_offset(&r->in), r->insize);
		if (one == EX_OK) {
			done++;
			pending++;
		} else if (one == EX_DATAERR)
			perm++;
		else {
			rc = one;
			stopped = seen;
			break;
		}
		if (r->nbatch >= MBOX_BATCH) {
			if (sync_batch(r)) { /* taken back: the import stops */
				done -= pending;
				rc = EX_TEMPFAIL;
				stopped = first;
				break;
			}
			pending = 0;
			first = seen + 1;
		}
	} while (more);
	if (r->nbatch > 0 && sync_batch(r)) {
		done -= pending;
		rc = EX_TEMPFAIL;
		stopped = first;
	} else if (rc != EX_TEMPFAIL && targets_status(r) != EX_OK)
		rc = targets_status(r);
	cmd_progress_clear(&r->pg);
	if (stopped)
		warnx("mbox: %lu delivered, %lu refused; stopped at message "
		      "%lu, it and the rest not delivered",
		    done, perm, stopped);
	else if (rc != EX_OK || perm)
		warnx("mbox: %lu delivered, %lu refused%s", done, perm,
		    rc != EX_OK ? ", not to every maildir" : "");
	return rc != EX_OK ? rc : perm ? EX_DATAERR : EX_OK;
}

/* The bytes left to read of a file on FD, for the time -M has left; 0
 * for a pipe, where nobody knows. */
static uint64_t
input_size(int fd)
{
	struct stat st;
	off_t at;

	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode) ||
	    (at = lseek(fd, 0, SEEK_CUR)) == -1 || at > st.st_size)
		return 0;
	return (uint64_t)(st.st_size - at);
}

/* Nothing here outlives the process; freed so that leak checkers can
 * tell real leaks from this. */
static void
free_run(struct run *r)
{
	for (size_t i = 0; i < r->ntg; i++)
		free(r->tg[i].batch); /* descriptors go with the process */
	free(r->tg);
	free(r->root);
	md_quota_ledger_free(&r->quota);
	free(r->o.rp);
	free(r->o.dt);
	free(r->o.xot);
}

/* qmail reads 0 as done, 111 as try again, 100 as bounce. */
static int
exit_code(const struct opts *o, int rc)
{
	if (!o->qmail || rc == EX_OK)
		return rc;
	return rc == EX_TEMPFAIL ? 111 : 100;
}

int
main(int argc, char *argv[])
{
	/* On the stack, not the heap: malloc(3) would grow the heap by its
	 * 130 KiB at start and give it back at exit, two brk(2) calls a
	 * delivery; untouched pages of its buffers stay unfaulted alike. */
	struct run run, *r = &run;
	int rc;

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
	md_quota_ledger_init(&r->quota, &r->gen);
	r->timeout = bound_timeout(r->o.timeout);
	md_input_init(&r->in, STDIN_FILENO, r->timeout);
	cmd_progress_init(&r->pg, r->o.quiet || !r->o.mbox);
	r->insize = r->o.mbox ? input_size(STDIN_FILENO) : 0;
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
