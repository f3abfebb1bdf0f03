/*
 * index.c: bringing a maildir's header cache up to date, and comparing
 * a cache with the messages. Entries are keyed by base, so a message
 * that only changed flags or moved from new/ to cur/ keeps its entry;
 * only messages the cache does not know are opened.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "internal.h"

/* Names of messages to read: NUL-terminated, one after another. */
struct names {
	char *buf;
	size_t len, cap;
	size_t *off;
	unsigned char *cur; /* in cur/ (else new/) */
	size_t n, ncap;
};

static void
names_free(struct names *l)
{
	free(l->buf);
	free(l->off);
	free(l->cur);
}

static int
names_add(struct names *l, const char *name, int cur)
{
	size_t n = strlen(name) + 1;

	if (l->len + n > l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 4096;
		char *p;

		while (cap < l->len + n)
			cap *= 2;
		if ((p = realloc(l->buf, cap)) == NULL)
			return -1;
		l->buf = p;
		l->cap = cap;
	}
	if (l->n == l->ncap) {
		size_t cap = l->ncap ? l->ncap * 2 : 256;
		size_t *o = reallocarray(l->off, cap, sizeof(*o));
		unsigned char *c;

		if (o == NULL)
			return -1;
		l->off = o;
		if ((c = realloc(l->cur, cap)) == NULL)
			return -1;
		l->cur = c;
		l->ncap = cap;
	}
	memcpy(l->buf + l->len, name, n);
	l->off[l->n] = l->len;
	l->cur[l->n++] = (unsigned char)cur;
	l->len += n;
	return 0;
}

/* Is this directory entry a message (or possibly one)? */
static int
is_msg(unsigned char type)
{
	return type == DT_REG || type == DT_LNK || type == DT_UNKNOWN;
}

struct update {
	const struct md_index *ix;
	struct md_cache old;
	int have_old;
	struct md_cache_walk walk; /* lookups in the old cache's order */
	unsigned char *seen; /* old entries (spots) whose messages are there */
	long *keep;          /* the spots to keep, in the order found */
	size_t nkeep, capkeep;
	struct md_cache_build b;
	struct names todo;
	struct md_index_stats *st;
};

/* The spot of the base NAME (N bytes) in W, and its summary in *S
 * unless S is NULL; -1 when there is none. */
static long
walk_find(
    struct md_cache_walk *w, const char *name, size_t n, struct md_summary *s)
{
	struct md_str b;
	long k;

	md_cache_walk_find_n(w, &name, &n, 1, &k);
	if (k >= 0 && s != NULL && md_cache_walk_entry(w, k, &b, s) == -1)
		return -1; /* cannot be: the cache was checked */
	return k;
}

static int
keep_add(struct update *u, long k)
{
	if (u->nkeep == u->capkeep) {
		size_t cap = u->capkeep ? u->capkeep * 2 : 1024;
		long *p = reallocarray(u->keep, cap, sizeof(*p));

		if (p == NULL)
			return -1;
		u->keep = p;
		u->capkeep = cap;
	}
	u->keep[u->nkeep++] = k;
	return 0;
}

/* One of new/ or cur/: the entries the old cache has are noted to be
 * kept, the other messages to be read. */
static int
scan_sub(
    struct update *u, const struct md_maildir *m, int cur, struct md_err *e)
{
	const char *sub = cur ? "cur" : "new", *name;
	struct md_scan sc;
	unsigned char type;
	int rc, saved;

	if (md_scan_open(&sc, cur ? m->curfd : m->newfd, ".") == -1)
		return md_err_set(e, "read", m->path, sub);
	while ((rc = md_scan_next(&sc, &name, &type)) == 1) {
		size_t n = md_name_baselen(name);
		long k = -1;

		if (!is_msg(type) || n == 0)
			continue;
		u->st->messages++;
		if (u->have_old)
			k = walk_find(&u->walk, name, n, NULL);
		if (k >= 0) {
			u->st->kept +=
			    !u->seen[k]; /* once, if in new/ and cur/ */
			u->seen[k] = 1;
			if (keep_add(u, k) == -1)
				break;
		} else if (names_add(&u->todo, name, cur) == -1)
			break;
	}
	saved = errno;
	md_scan_close(&sc);
	errno = saved;
	if (rc == 1)
		return md_err_set(e, "malloc", m->path, sub);
	if (rc != 0)
		return md_err_set(e, "read", m->path, sub);
	return 0;
}

/* The entries kept from the old cache into the new one, in the order
 * their messages were found. */
static int
add_kept(struct update *u, const char *dir, struct md_err *e)
{
	for (size_t i = 0; i < u->nkeep; i++) {
		struct md_summary s;
		struct md_str b;

		if (md_cache_walk_entry(&u->walk, u->keep[i], &b, &s) == -1 ||
		    md_cache_add(&u->b, b.p, b.n, &s) == -1)
			return md_err_set(e, "index", dir, MD_CACHE_NAME);
	}
	return 0;
}

/*
 * Reading the messages the old cache did not know: the names are cut in
 * slices, one for each reader thread. Each reads into its own summarizer
 * and builder; the builders are joined in slice order, so the file is
 * the same whatever the number of readers. A reader spends most of its
 * time waiting on open(2) and read(2) (on NFS, on the network), which
 * another can use.
 */
#define AUTO_READERS 4 /* at most, when one per CPU */
#define MIN_SLICE 512  /* fewer messages: not worth a thread */

struct failure {
	size_t i; /* in the names */
	int err;
	const char *step;
};

struct reader {
	struct update *u;
	const struct md_maildir *m;
	struct md_summarizer *z;
	struct md_cache_build *b; /* the first reader's is u->b itself */
	struct md_cache_build own;
	size_t from, to, added;
	struct failure *fail;
	size_t nfail, failcap;
	int err;          /* an errno that stopped it (ENOMEM), or 0 */
	const char *name; /* the message it stopped at */
	const char *step;
	size_t *done; /* messages read by all, for the progress */
	pthread_t t;
};

static int
note_failure(struct reader *r, size_t i, const char *step)
{
	if (r->nfail == r->failcap) {
		size_t cap = r->failcap ? r->failcap * 2 : 16;
		struct failure *f = reallocarray(r->fail, cap, sizeof(*f));

		if (f == NULL)
			return -1;
		r->fail = f;
		r->failcap = cap;
	}
	r->fail[r->nfail++] = (struct failure){ i, errno, step };
	return 0;
}

/* The first reader shows the progress of all. */
static void
show_progress(struct reader *r, int first)
{
	const struct md_index *ix = r->u->ix;
	size_t done = __atomic_add_fetch(r->done, 1, __ATOMIC_RELAXED);

	if (first && ix->progress)
		ix->progress(ix->arg, done, r->u->todo.n);
}

static void
read_slice(struct reader *r, int first)
{
	const struct names *l = &r->u->todo;
	struct md_summary s;
	struct md_err me;

	for (size_t i = r->from; i < r->to; i++) {
		const char *name = l->buf + l->off[i];
		int fd = l->cur[i] ? r->m->curfd : r->m->newfd;

		if (md_summary_read(r->z, fd, name, &s, &me) == 0) {
			if (md_cache_add(
			        r->b, name, md_name_baselen(name), &s) == -1) {
				r->err = errno;
				r->name = name;
				r->step = "index";
				return;
			}
			r->added++;
		} else if (errno == ENOMEM ||
		           (errno != ENOENT &&
		               note_failure(r, i, me.step) == -1)) {
			r->err = ENOMEM;
			r->name = name;
			r->step = "read";
			return;
		} /* ENOENT: moved or expunged meanwhile */
		show_progress(r, first);
	}
}

static void *
reader_main(void *arg)
{
	read_slice(arg, 0);
	return NULL;
}

/* How many readers for N messages: one per CPU, at most AUTO_READERS,
 * each with a slice of at least MIN_SLICE; ix->readers, when set. */
static size_t
readers_for(const struct md_index *ix, size_t n)
{
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	size_t k = ix->readers > 0 ? (size_t)ix->readers
	           : cpus > 0      ? (size_t)cpus
	                           : 1;

	if (ix->readers <= 0 && k > AUTO_READERS)
		k = AUTO_READERS;
	if (ix->readers <= 0 && k > n / MIN_SLICE)
		k = n / MIN_SLICE;
	if (k > MD_INDEX_READERS_MAX)
		k = MD_INDEX_READERS_MAX;
	return k > 0 ? k : 1;
}

/* Reader K's summarizer, builder and slice; a second reader on gets a
 * summarizer of its own. */
static int
reader_init(struct reader *r, struct update *u, const struct md_maildir *m,
    size_t k, size_t nr, size_t *done)
{
	memset(r, 0, sizeof(*r));
	r->u = u;
	r->m = m;
	r->done = done;
	r->from = u->todo.n * k / nr;
	r->to = u->todo.n * (k + 1) / nr;
	md_cache_build_init(&r->own);
	r->b = k == 0 ? &u->b : &r->own;
	if (k == 0) {
		r->z = u->ix->z;
		return 0;
	}
	if ((r->z = malloc(sizeof(*r->z))) == NULL)
		return -1;
	md_summarizer_init(r->z);
	r->z->want = u->ix->z->want;
	return 0;
}

static void
reader_free(struct reader *r, size_t k)
{
	if (k > 0 && r->z != NULL) {
		md_summarizer_free(r->z);
		free(r->z);
	}
	md_cache_build_free(&r->own);
	free(r->fail);
}

/* Reader R's results into the update, in slice order: what it added,
 * the messages it could not read (told to ix->unreadable). */
static int
reader_done(struct reader *r, struct md_err *e)
{
	struct update *u = r->u;
	const struct md_index *ix = u->ix;

	if (r->err != 0) {
		errno = r->err;
		return md_err_set(e, r->step, r->m->path, r->name);
	}
	if (r->b != &u->b && md_cache_build_merge(&u->b, r->b) == -1)
		return md_err_set(e, "index", r->m->path, NULL);
	u->st->added += r->added;
	for (size_t f = 0; f < r->nfail; f++) {
		size_t i = r->fail[f].i;
		struct md_err me;

		u->st->failed++;
		md_err_set(&me, r->fail[f].step, r->m->path,
		    u->todo.cur[i] ? "cur" : "new");
		snprintf(me.path + strlen(me.path),
		    sizeof(me.path) - strlen(me.path), "/%s",
		    u->todo.buf + u->todo.off[i]);
		errno = r->fail[f].err;
		if (ix->unreadable)
			ix->unreadable(ix->arg, &me);
	}
	return 0;
}

static int
read_new(struct update *u, const struct md_maildir *m, struct md_err *e)
{
	struct reader r[MD_INDEX_READERS_MAX];
	size_t nr = readers_for(u->ix, u->todo.n), done = 0, k;
	int rc = 0;

	for (k = 0; k < nr; k++)
		if (reader_init(&r[k], u, m, k, nr, &done) == -1) {
			for (size_t j = 0; j <= k; j++)
				reader_free(&r[j], j);
			return md_err_set(e, "malloc", m->path, NULL);
		}
	for (k = 1; k < nr; k++)
		if (pthread_create(&r[k].t, NULL, reader_main, &r[k]) != 0)
			r[k].t = pthread_self(); /* not started: read below */
	read_slice(&r[0], 1);
	for (k = 1; k < nr; k++) {
		if (pthread_equal(r[k].t, pthread_self()))
			read_slice(&r[k], 0);
		else
			pthread_join(r[k].t, NULL);
	}
	for (k = 0; k < nr; k++)
		if (rc == 0 && reader_done(&r[k], e) == -1)
			rc = -1;
	for (k = 0; k < nr; k++)
		reader_free(&r[k], k);
	if (rc == 0 && u->ix->progress && nr > 1 && u->todo.n > 0)
		u->ix->progress(u->ix->arg, u->todo.n, u->todo.n);
	return rc;
}

/* The old cache, unless rebuilding; a damaged one is ignored (its
 * errno and step kept in st). */
static int
open_old(struct update *u, const char *dir, struct md_err *e)
{
	struct md_err ce;

	if (u->ix->flags & MD_INDEX_REBUILD)
		return 0;
	if (md_cache_open(&u->old, dir, &ce) == -1) {
		if (errno == ENOMEM) /* of mmap, or of the lookup table */
			return md_err_kind(
			    e, ce.kind, ce.step, dir, MD_CACHE_NAME);
		if (errno != ENOENT) {
			u->st->damaged = errno;
			u->st->why = ce.step; /* a string constant */
		}
		return 0;
	}
	if (md_cache_check(&u->old, &u->st->why) == -1) { /* every entry */
		u->st->damaged = errno;
		md_cache_close(&u->old);
		return 0;
	}
	if (md_cache_walk_init(&u->walk, &u->old) == -1) {
		md_cache_close(&u->old);
		return md_err_set(e, "malloc", dir, NULL);
	}
	u->have_old = 1;
	if ((u->seen = calloc(u->old.n + 1, 1)) == NULL)
		return md_err_set(e, "malloc", dir, NULL);
	return 0;
}

static void
update_free(struct update *u)
{
	if (u->have_old) {
		md_cache_walk_free(&u->walk);
		md_cache_close(&u->old);
	}
	free(u->seen);
	free(u->keep);
	md_cache_build_free(&u->b);
	names_free(&u->todo);
}

/*
 * Has the order of the old cache's entries drifted from the order the
 * messages are found in? Listings look entries up in directory order,
 * quickest when the file has them so (md_cache_walk); a flag change
 * renames a message, and on most file systems moves it in the directory.
 * When fewer than half of the kept entries came in order, the cache is
 * rewritten even if nothing else changed; a small one is quick to look
 * up either way.
 */
#define DRIFT_MIN 1024 /* kept entries, below which order does not matter */

static int
drift(const struct update *u)
{
	return u->have_old && u->nkeep >= DRIFT_MIN &&
	       u->walk.hits * 2 < u->nkeep;
}

int
md_index_update(const struct md_index *ix, const char *dir,
    struct md_index_stats *st, struct md_err *e)
{
	struct update u;
	struct md_maildir m;
	int rc = -1, drifted;

	memset(&u, 0, sizeof(u));
	memset(st, 0, sizeof(*st));
	u.ix = ix;
	u.st = st;
	md_cache_build_init(&u.b);
	if (md_maildir_open(&m, dir, 0, e) == -1)
		return -1;
	if (open_old(&u, dir, e) == -1 || scan_sub(&u, &m, 0, e) == -1 ||
	    scan_sub(&u, &m, 1, e) == -1)
		goto out;
	for (uint32_t i = 0; u.have_old && i < u.old.n; i++)
		st->dropped += !u.seen[i];
	drifted = drift(&u);
	rc = 0;
	if (u.have_old && u.todo.n == 0 && st->dropped == 0 && !drifted)
		goto out; /* nothing changed: the file stays, nothing copied */
	rc = -1;
	if (add_kept(&u, dir, e) == -1 || read_new(&u, &m, e) == -1)
		goto out;
	rc = 0;
	if (u.have_old && st->added == 0 && st->dropped == 0 && !drifted)
		goto out; /* none of the new ones could be read */
	if (md_cache_write(&u.b, dir, ix->g, e) == -1)
		rc = -1;
	else {
		st->written = 1;
		st->reordered = drifted && st->added == 0 && st->dropped == 0;
	}
out:
	update_free(&u);
	md_maildir_close(&m);
	return rc;
}

/* ---- comparing ---- */

struct compare {
	struct md_cache c;
	struct md_cache_walk walk;
	unsigned char *seen; /* by spot */
	void (*found)(
	    void *, enum md_index_finding, const char *, const char *);
	void *arg;
	long count;
};

static void
report(struct compare *k, enum md_index_finding f, const char *sub,
    const char *name)
{
	k->count++;
	if (k->found)
		k->found(k->arg, f, sub, name);
}

/* DIRFD/SUB: each message against its entry. */
static int
compare_sub(struct compare *k, int dirfd, const char *sub)
{
	struct md_summary s;
	struct md_scan sc;
	const char *name;
	unsigned char type;
	struct stat st;
	int rc;

	if (md_scan_open(&sc, dirfd, sub) == -1)
		return -1;
	while ((rc = md_scan_next(&sc, &name, &type)) == 1) {
		size_t n = md_name_baselen(name);
		long i;

		if (!is_msg(type) || n == 0)
			continue;
		if ((i = walk_find(&k->walk, name, n, &s)) == -1) {
			report(k, MD_INDEX_MISSING, sub, name);
			continue;
		}
		k->seen[i] = 1;
		if (fstatat(sc.fd, name, &st, 0) == -1) {
			if (errno == ENOENT)
				continue; /* gone meanwhile */
			rc = -1;
			break;
		}
		if ((uint64_t)st.st_size != s.size ||
		    (int64_t)st.st_mtime != s.mtime)
			report(k, MD_INDEX_STALE, sub, name);
	}
	md_scan_close(&sc);
	return rc;
}

/* Entries no message claimed, by base. */
static void
report_extra(struct compare *k)
{
	char base[NAME_MAX + 1];
	struct md_summary s;
	struct md_str b;

	for (long i = 0; i < (long)k->c.n; i++) {
		if (k->seen[i])
			continue;
		if (md_cache_walk_entry(&k->walk, i, &b, &s) == -1)
			continue; /* checked: cannot be */
		snprintf(base, sizeof(base), "%.*s", (int)b.n, b.p);
		report(k, MD_INDEX_EXTRA, NULL, base);
	}
}

long
md_index_compare(const char *dir,
    void (*found)(
        void *arg, enum md_index_finding k, const char *sub, const char *name),
    void *arg, struct md_err *e)
{
	struct compare k = { .found = found, .arg = arg };
	const char *why;
	long rc = -1;
	int fd, saved;

	/* new/ and cur/ only: a maildir that lacks tmp/ can be compared. */
	if ((fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1)
		return md_err_set(e, "open", dir, NULL);
	if (md_cache_open(&k.c, dir, e) == -1 ||
	    (md_cache_check(&k.c, &why) == -1 &&
	        md_err_kind(e, MD_ERR_DAMAGED, why, dir, MD_CACHE_NAME) ==
	            -1)) {
		saved = errno;
		md_cache_close(&k.c);
		close(fd);
		errno = saved;
		return -1;
	}
	if (md_cache_walk_init(&k.walk, &k.c) == -1) {
		md_err_set(e, "malloc", dir, NULL);
		md_cache_close(&k.c);
		close(fd);
		return -1;
	}
	if ((k.seen = calloc(k.c.n + 1, 1)) == NULL)
		md_err_set(e, "malloc", dir, NULL);
	else if (compare_sub(&k, fd, "new") == -1)
		md_err_set(e, "read", dir, "new");
	else if (compare_sub(&k, fd, "cur") == -1)
		md_err_set(e, "read", dir, "cur");
	else {
		report_extra(&k);
		rc = k.count;
	}
	free(k.seen);
	md_cache_walk_free(&k.walk);
	md_cache_close(&k.c);
	close(fd);
	return rc;
}
