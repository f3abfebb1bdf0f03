/*
 * deliver-sieve.c: md-deliver --sieve. The script runs over the message
 * once it is in tmp/; its stores become the delivery's targets (one
 * file linked into each), and its redirects and vacation reply go to
 * sendmail only after the stores are on disk (md-deliver.1 says the
 * order, and what a crash in between repeats or loses).
 */
#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <unistd.h>

#include "deliver.h"

/* --sieve: one line for a script that could not decide, and the message
 * goes to INBOX (the implicit keep). */
static void
sieve_failed(const char *path, const struct md_sieve_err *e)
{
	if (e->file[0] != '\0') /* an included script's */
		path = e->file;
	if (e->line > 0)
		warnx("%s:%u: %s; kept in INBOX", path, e->line, e->msg);
	else
		warnx("%s: %s; kept in INBOX", path, e->msg);
}

/* The envelope sender as the script sees it, into BUF: "a@b", "" for
 * the null sender; NULL when not known (no -r, no -e). */
static const char *
envelope_from(const struct run *r, char *buf, size_t size)
{
	const char *rp = r->o.rp;

	if (rp == NULL)
		return NULL;
	/* "<a@b>" as sanitize made it: a@b */
	snprintf(buf, size, "%.*s", (int)strlen(rp) - 2 * (rp[0] == '<'),
	    rp + (rp[0] == '<'));
	return buf;
}

/* Run the script over the message now in tmp/: its actions in RES; -1
 * (said) when it failed and the implicit keep holds. */
static int
sieve_run(struct run *r, struct md_sieve_result *res)
{
	struct md_sieve_script s;
	struct md_sieve_err e = { .line = 0 };
	struct md_header h;
	struct md_decoder d;
	char from[1024] = "";
	struct md_sieve_msg m = { .h = &h,
		.d = &d,
		.size = r->tmp.size,
		.to = r->o.dt,
		.from = envelope_from(r, from, sizeof(from)),
		.root = r->root->m.path,
		.state = r->root->m.path };
	/* A message that fits md_tmp's buffer is still whole there: read
	 * from it, not the file (two opens, a 4 MiB buffer for body). */
	int whole = r->tmp.size <= sizeof(r->tmp.buf);
	int fd =
	    whole ? -1
	          : openat(r->home->tmpfd, r->tmp.name, O_RDONLY | O_CLOEXEC);
	int rc = -1;
	struct md_sieve_dirs dirs = r->o.sieve_dirs;
	char personal[PATH_MAX];
	char tpath[PATH_MAX]; /* for body, read only if a test asks */

	/* Pigeonhole's default for the personal scripts: ~/sieve. */
	if (dirs.personal == NULL && getenv("HOME") != NULL &&
	    (size_t)snprintf(personal, sizeof(personal), "%s/sieve",
	        getenv("HOME")) < sizeof(personal))
		dirs.personal = personal;
	dirs.cache = &r->root->m;
	if (snprintf(tpath, sizeof(tpath), "%s/tmp/%s", r->home->path,
	        r->tmp.name) < (int)sizeof(tpath))
		m.path = tpath;

	md_header_init(&h);
	md_decoder_init(&d);
	if (whole) {
		m.msg = r->tmp.buf;
		m.msglen = (size_t)r->tmp.size;
	}
	if (whole ? md_header_parse(&h, m.msg, m.msglen) == -1
	          : fd == -1 || md_header_read(&h, fd) == -1)
		md_sieve_errf(&e, MD_SIEVE_SYSTEM, 0, 0,
		    "reading the message: %s", strerror(errno));
	else if (md_sieve_compile_dirs(&s, r->o.sieve, &dirs, &e) == 0) {
		rc = md_sieve_run(&s, &m, res, &e);
		md_sieve_free(&s);
	}
	if (fd != -1)
		close(fd);
	md_header_free(&h);
	md_decoder_free(&d);
	if (rc == -1) {
		sieve_failed(r->o.sieve, &e);
		md_sieve_result_free(res);
	}
	return rc;
}

static int sieve_folder(
    struct run *r, const struct md_sieve_action *a, struct target *t);

/* The target for the store A: INBOX is the root, a folder is opened and
 * made as md-mkdir makes it; the flags of A, as the letters of its
 * maildir. -1, said, when it cannot be. */
static int
sieve_target(struct run *r, const struct md_sieve_action *a, struct target *t)
{
	*t = *r->root;
	t->batch = NULL;
	t->batchlen = t->batchcap = 0;
	if (a->kind != MD_ACT_KEEP && sieve_folder(r, a, t) == -1)
		return -1;
	if (a->flags != NULL)
		t->have_sflags =
		    md_sieve_flags(a->flags, t->m.path, &t->sflags) > 0;
	if (r->o.have_flags && t->have_sflags)
		md_flags_merge(&t->sflags, &r->o.flags);
	return 0;
}

/* The folder of fileinto A, opened (made if need be) as T's maildir. */
static int
sieve_folder(struct run *r, const struct md_sieve_action *a, struct target *t)
{
	char name[NAME_MAX + 1];
	struct md_err e;

	if (md_folder_from_imap(a->arg, name, sizeof(name)) == -1) {
		warnx("%s:%u: fileinto \"%s\": %s; kept in INBOX", r->o.sieve,
		    a->line, a->arg,
		    errno == EINVAL ? "not a valid folder name"
		                    : strerror(errno));
		return -1;
	}
	if (md_folder_open(&t->m, r->root->m.path, name, MD_CREATE, &e) == -1 ||
	    find_quota(r, t, &e) == -1) {
		cmd_warn_err(&e);
		warnx("%s:%u: fileinto \"%s\" failed; kept in INBOX",
		    r->o.sieve, a->line, a->arg);
		return -1;
	}
	return 0;
}

/* Make the targets what the actions in RES store; -1 on failure (said):
 * then only the implicit keep into the root. */
static int
sieve_stores(struct run *r, const struct md_sieve_result *res)
{
	struct target *tg = calloc(res->n + 1, sizeof(*tg));
	size_t n = 0;

	if (tg == NULL)
		err(EX_TEMPFAIL, "calloc");
	for (size_t i = 0; i < res->n; i++) {
		const struct md_sieve_action *a = &res->a[i];

		if (a->kind != MD_ACT_KEEP && a->kind != MD_ACT_FILEINTO)
			continue;
		if (sieve_target(r, a, &tg[n]) == -1)
			goto fail;
		n++;
	}
	r->tg = tg;
	r->ntg = n;
	return 0;
fail:
	for (size_t i = 0; i < n; i++)
		if (tg[i].m.fd != r->root->m.fd)
			md_maildir_close(&tg[i].m);
	free(tg);
	return -1;
}

/* --sieve, once the message is in tmp/: the script's stores become the
 * targets (one file, linked into each). Returns -1 to place the message
 * (also as the implicit keep after any script error), else the exit
 * status for a message stored nowhere: discarded, or rejected (77). */
int
sieve_targets(struct run *r)
{
	struct md_sieve_result *res = &r->sres;
	int rc = -1;

	r->root = r->tg; /* the one target given */
	r->tg = NULL;
	r->ntg = 0;
	if (sieve_run(r, res) == -1 || sieve_stores(r, res) == -1) {
		/* The implicit keep alone: nothing sent, nothing recorded. */
		md_sieve_result_free(res);
		r->tg = calloc(1, sizeof(*r->tg));
		if (r->tg == NULL)
			err(EX_TEMPFAIL, "calloc");
		r->tg[0] = *r->root;
		r->ntg = 1;
	}
	for (size_t i = 0; i < res->n; i++)
		if (res->a[i].kind == MD_ACT_REJECT ||
		    res->a[i].kind == MD_ACT_EREJECT) {
			warnx("rejected: %s",
			    cmd_vis(res->a[i].arg, (char[512]){ 0 }, 512));
			rc = EX_NOPERM;
		}
	if (rc == -1 && r->ntg == 0)
		rc = EX_OK; /* discarded, or sent on only */
	return rc;
}

/* ---- --sieve: redirect, vacation and duplicate's records ---- */

/* How long sendmail may take: SEND_TIMEOUT, within what the MTA gave. */
static unsigned
send_timeout(const struct run *r)
{
	return r->timeout < SEND_TIMEOUT ? r->timeout : SEND_TIMEOUT;
}

/* Has the message passed RECIPIENT's redirect before (a line of ours)? */
static int
redirected_before(const struct md_header *h, const char *recipient)
{
	char v[1024];

	for (size_t k = 0; md_header_field(h, "x-sieve-redirected-from", k, v,
	                       sizeof(v)) >= 0;
	     k++)
		if (strcasecmp(v, recipient) == 0)
			return 1;
	return 0;
}

/* sendmail's verdict RC on what was sent to TO: 0, or -1 said, with
 * TAIL (where the message went) at the end of the line. */
static int
sent(const struct run *r, unsigned line, const char *what, const char *to,
    int rc, const char *tail)
{
	if (rc == 0)
		return 0;
	if (rc == -1)
		warnx("%s:%u: %s to %s: %s: %s%s", r->o.sieve, line, what, to,
		    r->o.sendmail, strerror(errno), tail);
	else
		warnx("%s:%u: %s to %s: %s exited %d%s", r->o.sieve, line, what,
		    to, r->o.sendmail, rc, tail);
	return -1;
}

/* redirect A: the message (of header H, the file FD) to A's address
 * through sendmail, from the envelope sender, with a line that names
 * the recipient so that it is not redirected by it again. -1, said,
 * when it was not sent. */
static int
sieve_redirect(struct run *r, const struct md_sieve_action *a,
    const struct md_header *h, int fd, const char *tail)
{
	char to[1024], from[1024], *head = NULL;
	const char *p = a->arg, *sender = envelope_from(r, from, sizeof(from));
	const char *argv[] = { r->o.sendmail, "-i", "-f",
		sender && *sender ? sender : "<>", "--", to, NULL };
	int rc;

	if (md_addr_next(&p, to, sizeof(to)) != 1 ||
	    md_addr_next(&p, (char[1024]){ 0 }, 1024) != 0) {
		warnx("%s:%u: redirect \"%s\": not one address%s", r->o.sieve,
		    a->line, cmd_vis(a->arg, (char[512]){ 0 }, 512), tail);
		return -1;
	}
	if (r->o.dt != NULL && redirected_before(h, r->o.dt)) {
		warnx("%s:%u: redirect to %s: the message was redirected "
		      "by %s before; not sent again%s",
		    r->o.sieve, a->line, to, r->o.dt, tail);
		return -1;
	}
	if (sender == NULL) /* not known: sendmail's own user */
		argv[2] = "--", argv[3] = to, argv[4] = NULL;
	/* The message may be stored already: no exit 75 from here on. */
	if (r->o.dt != NULL &&
	    asprintf(&head, "X-Sieve-Redirected-From: %s\n", r->o.dt) == -1) {
		warn("%s:%u: redirect to %s%s", r->o.sieve, a->line, to, tail);
		return -1;
	}
	rc = md_sendmail(argv, head, fd, "Return-Path:", send_timeout(r));
	free(head);
	return sent(r, a->line, "redirect", to, rc, tail);
}

/* vacation A, for the message of header H: answered through sendmail
 * unless RFC 3834's rules say no or the sender was answered within its
 * period. The record is made first, atomically (sieve-state.c), so that of
 * deliveries at once one answers; a send that fails takes it back. */
static void
sieve_vacation(
    struct run *r, const struct md_sieve_action *a, const struct md_header *h)
{
	char from[1024], name[256], to[1024], *reply;
	const char *sender = envelope_from(r, from, sizeof(from));
	const char *root = r->root->m.path, *p = sender;
	const char *argv[] = { r->o.sendmail, "-i", "-f", "<>", "--", to,
		NULL };
	time_t now = time(NULL);

	if (md_sieve_vacation_refusal(h, sender, r->o.dt, a->vac) != NULL ||
	    md_addr_next(&p, to, sizeof(to)) != 1)
		return;
	if (md_sieve_vacation_record(
	        a->vac, a->arg, sender, name, sizeof(name)) == -1) {
		warn("%s:%u: vacation: not answered", r->o.sieve, a->line);
		return;
	}
	switch (
	    md_sieve_state_mark(root, name, (int64_t)a->vac->secs, now, 0)) {
	case 0: /* answered already */
		return;
	case -1:
		warn("%s:%u: vacation: %s/%s: not answered", r->o.sieve,
		    a->line, cmd_shown(root, 0), MD_SIEVE_STATE_DIR);
		return;
	}
	if ((reply = md_sieve_vacation_reply(
	         a->vac, a->arg, h, sender, r->o.dt, now)) == NULL) {
		warn("%s:%u: vacation: not answered", r->o.sieve, a->line);
		(void)md_sieve_state_forget(root, name);
		return;
	}
	if (sent(r, a->line, "vacation reply", to,
	        md_sendmail(argv, reply, -1, NULL, send_timeout(r)), "") == -1)
		(void)md_sieve_state_forget(root, name);
	free(reply);
}

/* duplicate's records, once the message is delivered (RFC 7352 3:
 * tracked when the script succeeded), and a few expired ones swept. */
static void
sieve_track(struct run *r, int vacation)
{
	const char *root = r->root->m.path;
	time_t now = time(NULL);

	for (size_t i = 0; i < r->sres.ntrack; i++) {
		const struct md_sieve_track *t = &r->sres.track[i];

		if (md_sieve_state_mark(
		        root, t->name, (int64_t)t->secs, now, t->renew) == -1)
			warn("duplicate: %s/%s: not recorded",
			    cmd_shown(root, 0), MD_SIEVE_STATE_DIR);
	}
	if (r->sres.ntrack > 0 || vacation)
		(void)md_sieve_state_sweep(root, now, MD_SIEVE_SWEEP);
}

/* A message that no store took and whose redirect failed goes to
 * INBOX: a send that fails never loses it. */
static int
keep_in_inbox(struct run *r)
{
	free(r->tg);
	if ((r->tg = calloc(1, sizeof(*r->tg))) == NULL)
		err(EX_TEMPFAIL, "calloc");
	r->tg[0] = *r->root;
	r->ntg = 1;
	place_all(r, r->o.have_flags ? &r->o.flags : NULL);
	note_placed(r);
	sync_batch(r);
	return targets_status(r);
}

/* The script's sends, after its stores (STORED: there were some, and
 * they are on disk): redirects, then the vacation reply, then the
 * records. The exit status: that of the stores. */
int
sieve_sends(struct run *r, int stored)
{
	const struct md_sieve_result *res = &r->sres, none = { 0 };
	int fd = -1, failed = 0, rc = EX_OK, vacation = 0;
	struct md_header h;

	md_header_init(&h);
	for (size_t i = 0; i < res->n; i++)
		vacation |= res->a[i].kind == MD_ACT_VACATION;
	if (res->redirects > 0 || vacation) {
		fd = openat(r->home->tmpfd, r->tmp.name, O_RDONLY | O_CLOEXEC);
		if (fd == -1 || md_header_read(&h, fd) == -1) {
			warn("%s: the message in tmp/: nothing sent%s",
			    cmd_shown(r->home->path, 0),
			    stored ? "" : "; kept in INBOX");
			failed = res->redirects > 0;
			res = &none;
		}
	}
	for (size_t i = 0; i < res->n; i++)
		if (res->a[i].kind == MD_ACT_REDIRECT &&
		    sieve_redirect(r, &res->a[i], &h, fd,
		        stored ? "" : "; kept in INBOX") == -1)
			failed = 1;
	if (failed && !stored)
		rc = keep_in_inbox(r);
	for (size_t i = 0; i < res->n; i++)
		if (res->a[i].kind == MD_ACT_VACATION)
			sieve_vacation(r, &res->a[i], &h);
	if (rc == EX_OK)
		sieve_track(r, vacation);
	md_header_free(&h);
	if (fd != -1)
		close(fd);
	return rc;
}
