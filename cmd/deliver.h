/*
 * deliver.h: what md-deliver.c (options, delivery, exit status) and
 * deliver-sieve.c (a Sieve script's stores and sends carried out) share;
 * md-deliver's own, no other program includes it.
 */
#ifndef MDKIT_DELIVER_H
#define MDKIT_DELIVER_H

#include "common.h"

#define SEND_TIMEOUT 120 /* --sieve: seconds sendmail may take */

struct opts {
	int create, verbose, quiet, mbox, qmail, use_env, have_flags;
	int quota_perm;
	const char *folder;
	const char *sieve;    /* --sieve FILE */
	const char *sendmail; /* --sendmail PATH, for redirect and vacation */
	/* --sieve-dir, --sieve-global-dir */
	struct md_sieve_dirs sieve_dirs;
	struct md_flags flags;
	uint64_t limit;
	unsigned timeout;
	char *rp, *dt, *xot;
};

struct target {
	struct md_maildir m;
	int ok;    /* opened, and nothing failed yet */
	int over;  /* failed for being over quota */
	int dirty; /* MD_NEW/MD_CUR entries made, not yet synced */
	struct md_quota_root *qr; /* NULL: no quota here (.Trash) */
	int64_t qbytes, qcount;   /* placed here since the last sync */
	char name[NAME_MAX + 8];  /* where the last message went */
	struct md_flags sflags;   /* --sieve: imap4flags of this store */
	int have_sflags;
	/* The names placed since the last sync, each ending in a NUL:
	 * printed with -v once synced, taken back if the sync fails. */
	char *batch;
	size_t batchlen, batchcap;
};

struct run {
	struct opts o;
	struct md_filter_opts fo;
	struct target *tg;
	size_t ntg;
	struct md_quota_ledger quota; /* the roots of the targets */
	struct md_maildir *home;
	struct target *root; /* --sieve: the target given, holding tmp/ */
	struct md_sieve_result sres; /* --sieve: what the script asked */
	struct md_namegen gen;
	size_t nbatch;          /* messages placed since the last sync */
	unsigned timeout;       /* -t, bounded by the MTA's alarm */
	struct cmd_progress pg; /* -M on a terminal */
	uint64_t insize;        /* -M: the bytes of a file on stdin, or 0 */
	/* Big buffers last: left out of the zeroing, untouched pages stay
	 * unfaulted (a third of a small delivery's page faults). */
	struct md_input in;
	struct md_tmp tmp;
};

/* md-deliver.c */
int find_quota(struct run *r, struct target *t, struct md_err *e);
int place_all(struct run *r, const struct md_flags *flags);
void note_placed(struct run *r);
int sync_batch(struct run *r);
int targets_status(const struct run *r);

/* deliver-sieve.c: the script over the message in tmp/; its stores as
 * R's targets (-1), or the exit status of a message stored nowhere. */
int sieve_targets(struct run *r);
/* Redirects and the vacation reply, once the stores are synced (STORED)
 * or for a message stored nowhere; the exit status. */
int sieve_sends(struct run *r, int stored);

#endif
