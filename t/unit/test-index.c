/* Unit tests for index.c: an update reads only the messages its cache
 * does not know (flag changes and new/ -> cur/ moves keep their entry),
 * drops the gone, replaces a damaged cache; a compare finds missing,
 * extra and stale entries and changes nothing. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "internal.h"
#include "scratch.h"

static struct md_summarizer *z;
static struct md_namegen gen;

static int
setup(void **state)
{
	if ((z = malloc(sizeof(*z))) == NULL)
		return -1;
	md_summarizer_init(z);
	return scratch_setup(state);
}

static int
teardown(void **state)
{
	md_summarizer_free(z);
	free(z);
	return scratch_teardown(state);
}

/* What the callbacks saw. */
struct calls {
	size_t progress;         /* calls */
	size_t done, total;      /* the last call's */
	int backwards;           /* done went down, or beyond total */
	size_t unreadable;       /* calls */
	int err;                 /* errno in the last one */
	char step[32];           /* its step */
	char path[PATH_MAX + 1]; /* and path */
};

static void
on_progress(void *arg, size_t done, size_t total)
{
	struct calls *k = arg;

	if (done > total || (k->progress > 0 && done < k->done))
		k->backwards = 1;
	k->progress++;
	k->done = done;
	k->total = total;
}

static void
on_unreadable(void *arg, const struct md_err *e)
{
	struct calls *k = arg;

	k->err = errno;
	k->unreadable++;
	snprintf(k->step, sizeof(k->step), "%s", e->step);
	snprintf(k->path, sizeof(k->path), "%s", e->path);
}

static int
update(const char *m, int flags, struct md_index_stats *st, struct calls *k,
    struct md_err *e)
{
	struct md_index ix = { .z = z, .g = &gen, .flags = flags };

	if (k != NULL) {
		memset(k, 0, sizeof(*k));
		ix.progress = on_progress;
		ix.unreadable = on_unreadable;
		ix.arg = k;
	}
	return md_index_update(&ix, m, st, e);
}

/* An update of M that must succeed with these counts. */
static void
updated(const char *m, int flags, size_t messages, size_t added, size_t kept,
    size_t dropped, int written)
{
	struct md_index_stats st;
	struct md_err e;

	assert_int_equal(update(m, flags, &st, NULL, &e), 0);
	assert_int_equal(st.messages, messages);
	assert_int_equal(st.added, added);
	assert_int_equal(st.kept, kept);
	assert_int_equal(st.dropped, dropped);
	assert_int_equal(st.failed, 0);
	assert_int_equal(st.written, written);
	assert_int_equal(st.damaged, 0);
}

/* M/SUB/NAME, a message whose subject is its base. */
static void
msg(const char *m, const char *sub, const char *name)
{
	char rel[NAME_MAX + 8], text[NAME_MAX + 64];

	snprintf(rel, sizeof(rel), "%s/%s", sub, name);
	snprintf(text, sizeof(text), "Subject: %.*s\n\nbody\n",
	    (int)md_name_baselen(name), name);
	scratch_put(m, rel, text);
}

static void
move(const char *m, const char *from, const char *to)
{
	char a[PATH_MAX], b[PATH_MAX];

	scratch_path(a, sizeof(a), m, from);
	scratch_path(b, sizeof(b), m, to);
	assert_int_equal(rename(a, b), 0);
}

static void
gone(const char *m, const char *rel)
{
	char p[PATH_MAX];

	scratch_path(p, sizeof(p), m, rel);
	assert_int_equal(unlink(p), 0);
}

/* The cache of M has N entries and, for each base given (NULL ends),
 * one whose subject is that base. */
static void
cache_holds(const char *m, uint32_t n, ...)
{
	struct md_summary s;
	struct md_cache c;
	struct md_err e;
	const char *b;
	va_list ap;

	assert_int_equal(md_cache_open(&c, m, &e), 0);
	assert_int_equal(c.n, n);
	va_start(ap, n);
	while ((b = va_arg(ap, const char *)) != NULL) {
		assert_true(md_cache_find(&c, b, strlen(b), &s) >= 0);
		assert_int_equal(s.s[MD_S_SUBJECT].n, strlen(b));
		assert_memory_equal(s.s[MD_S_SUBJECT].p, b, strlen(b));
		assert_int_equal(s.mtime, SCRATCH_MTIME);
	}
	va_end(ap);
	md_cache_close(&c);
}

static ino_t
cache_inode(const char *m)
{
	char p[PATH_MAX];
	struct stat st;

	scratch_path(p, sizeof(p), m, MD_CACHE_NAME);
	assert_int_equal(stat(p, &st), 0);
	return st.st_ino;
}

static void
update_cycle(void **state)
{
	char m[PATH_MAX];
	ino_t ino;

	(void)state;
	scratch_maildir(m, sizeof(m), "U");
	msg(m, "new", "1.A.h");
	msg(m, "new", "2.B.h,S=20");
	msg(m, "new", "3.C.h");
	msg(m, "cur", "4.D.h:2,S");
	msg(m, "cur", "5.E.h:2,");
	msg(m, "cur", ".hidden"); /* not a message */

	/* first run: all read */
	updated(m, 0, 5, 5, 0, 0, 1);
	cache_holds(
	    m, 5, "1.A.h", "2.B.h,S=20", "3.C.h", "4.D.h", "5.E.h", NULL);
	assert_int_equal(scratch_entries(m, "tmp"), 0);
	ino = cache_inode(m);

	/* again: nothing read, nothing written */
	updated(m, 0, 5, 0, 5, 0, 0);
	assert_true(cache_inode(m) == ino);

	/* a new message: read alone */
	msg(m, "new", "6.F.h");
	updated(m, 0, 6, 1, 5, 0, 1);
	cache_holds(m, 6, "6.F.h", "1.A.h", NULL);

	/* one gone: dropped */
	gone(m, "new/3.C.h");
	updated(m, 0, 5, 0, 5, 1, 1);
	cache_holds(
	    m, 5, "1.A.h", "2.B.h,S=20", "4.D.h", "5.E.h", "6.F.h", NULL);
	ino = cache_inode(m);

	/* flags changed: its entry kept, the file not read */
	move(m, "cur/4.D.h:2,S", "cur/4.D.h:2,RS");
	updated(m, 0, 5, 0, 5, 0, 0);
	/* new/ -> cur/: kept too */
	move(m, "new/1.A.h", "cur/1.A.h:2,");
	move(m, "new/2.B.h,S=20", "cur/2.B.h,S=20:2,S");
	updated(m, 0, 5, 0, 5, 0, 0);
	assert_true(cache_inode(m) == ino);
	cache_holds(m, 5, "1.A.h", "2.B.h,S=20", "4.D.h", NULL);

	/* a rebuild reads them all */
	updated(m, MD_INDEX_REBUILD, 5, 5, 0, 0, 1);
	cache_holds(
	    m, 5, "1.A.h", "2.B.h,S=20", "4.D.h", "5.E.h", "6.F.h", NULL);
	assert_true(cache_inode(m) != ino);

	/* everything gone: an empty cache, still written */
	gone(m, "cur/1.A.h:2,");
	gone(m, "cur/2.B.h,S=20:2,S");
	gone(m, "cur/4.D.h:2,RS");
	gone(m, "cur/5.E.h:2,");
	gone(m, "new/6.F.h");
	updated(m, 0, 0, 0, 0, 5, 1);
	cache_holds(m, 0, NULL);
	updated(m, 0, 0, 0, 0, 0, 0);
	assert_int_equal(scratch_entries(m, "tmp"), 0);
}

/* One base in new/ and cur/ (a copy left by a crash, say): one entry,
 * counted once. */
static void
same_base_twice(void **state)
{
	struct md_index_stats st;
	struct md_err e;
	char m[PATH_MAX];

	(void)state;
	scratch_maildir(m, sizeof(m), "T");
	msg(m, "new", "1.T.h");
	msg(m, "cur", "1.T.h:2,S");
	msg(m, "cur", "2.T.h:2,S");
	assert_int_equal(update(m, 0, &st, NULL, &e), 0);
	assert_int_equal(st.messages, 3);
	assert_int_equal(st.written, 1);
	cache_holds(m, 2, "1.T.h", "2.T.h", NULL);
	updated(m, 0, 3, 0, 2, 0, 0);
}

static void
damaged_cache(void **state)
{
	struct md_index_stats st;
	unsigned char *bytes;
	struct md_err e;
	char m[PATH_MAX], p[PATH_MAX];
	struct stat sb;
	int fd;

	(void)state;
	scratch_maildir(m, sizeof(m), "D");
	msg(m, "new", "1.A.h");
	msg(m, "cur", "2.B.h:2,S");

	/* garbage: reported, ignored, replaced */
	scratch_replace(m, MD_CACHE_NAME, "this is no cache at all\n", 24);
	assert_int_equal(update(m, 0, &st, NULL, &e), 0);
	assert_int_equal(st.damaged, EBADMSG);
	assert_non_null(st.why);
	assert_true(strlen(st.why) > 0);
	assert_int_equal(st.added, 2);
	assert_int_equal(st.kept, 0);
	assert_int_equal(st.written, 1);
	cache_holds(m, 2, "1.A.h", "2.B.h", NULL);
	/* and it is whole now */
	assert_int_equal(update(m, 0, &st, NULL, &e), 0);
	assert_int_equal(st.damaged, 0);
	assert_int_equal(st.written, 0);

	/* truncated by one byte */
	scratch_path(p, sizeof(p), m, MD_CACHE_NAME);
	assert_int_equal(stat(p, &sb), 0);
	assert_non_null(bytes = malloc((size_t)sb.st_size));
	assert_true((fd = open(p, O_RDONLY)) >= 0);
	assert_int_equal(read(fd, bytes, (size_t)sb.st_size), sb.st_size);
	close(fd);
	scratch_replace(m, MD_CACHE_NAME, bytes, (size_t)sb.st_size - 1);
	assert_int_equal(update(m, 0, &st, NULL, &e), 0);
	assert_int_equal(st.damaged, EBADMSG);
	assert_int_equal(st.added, 2);
	assert_int_equal(st.written, 1);

	/* another version */
	bytes[8] ^= 0x40;
	scratch_replace(m, MD_CACHE_NAME, bytes, (size_t)sb.st_size);
	assert_int_equal(update(m, 0, &st, NULL, &e), 0);
	assert_int_equal(st.damaged, ENOTSUP);
	assert_int_equal(st.written, 1);
	cache_holds(m, 2, "1.A.h", "2.B.h", NULL);

	/* an entry that does not hold together behind a good checksum
	 * (only a writer with a bug makes one): listings pass it over,
	 * md-index and md-check take the cache for a damaged one */
	bytes[8] ^= 0x40;
	{
		size_t off = (size_t)bytes[32] | (size_t)bytes[33] << 8 |
		             (size_t)bytes[34] << 16 | (size_t)bytes[35] << 24;
		uint64_t sum;

		bytes[off + 24] += 1; /* the base runs into the next string */
		sum = md_cache_sum(bytes, (size_t)sb.st_size - 8);
		for (int i = 0; i < 8; i++)
			bytes[sb.st_size - 8 + i] =
			    (unsigned char)(sum >> 8 * i);
	}
	scratch_replace(m, MD_CACHE_NAME, bytes, (size_t)sb.st_size);
	errno = 0;
	assert_int_equal(md_index_compare(m, NULL, NULL, &e), -1);
	assert_int_equal(errno, EBADMSG);
	assert_string_equal(e.step, "a malformed entry");
	assert_int_equal(update(m, 0, &st, NULL, &e), 0);
	assert_int_equal(st.damaged, EBADMSG);
	assert_string_equal(st.why, "a malformed entry");
	assert_int_equal(st.added, 2);
	assert_int_equal(st.written, 1);
	cache_holds(m, 2, "1.A.h", "2.B.h", NULL);
	free(bytes);

	/* an empty file */
	scratch_replace(m, MD_CACHE_NAME, "", 0);
	assert_int_equal(update(m, 0, &st, NULL, &e), 0);
	assert_int_equal(st.damaged, EBADMSG);
	assert_int_equal(st.written, 1);

	/* a rebuild does not look at the old one at all */
	scratch_replace(m, MD_CACHE_NAME, "junk", 4);
	assert_int_equal(update(m, MD_INDEX_REBUILD, &st, NULL, &e), 0);
	assert_int_equal(st.damaged, 0);
	assert_int_equal(st.written, 1);
	cache_holds(m, 2, "1.A.h", "2.B.h", NULL);

	/* a directory in its place cannot be replaced: an error, tmp/
	 * left empty, the directory there */
	assert_int_equal(unlink(p), 0);
	assert_int_equal(mkdir(p, 0700), 0);
	assert_int_equal(update(m, 0, &st, NULL, &e), -1);
	assert_int_equal(st.damaged, EBADMSG);
	assert_int_equal(scratch_entries(m, "tmp"), 0);
	assert_int_equal(stat(p, &sb), 0);
	assert_true(S_ISDIR(sb.st_mode));
	assert_int_equal(rmdir(p), 0);
}

static void
progress(void **state)
{
	struct md_index_stats st;
	struct calls k;
	struct md_err e;
	char m[PATH_MAX], name[32];

	(void)state;
	scratch_maildir(m, sizeof(m), "P");
	for (int i = 0; i < 7; i++) {
		snprintf(name, sizeof(name), "%d.P.h", i);
		msg(m, i % 2 ? "cur" : "new", name);
	}
	assert_int_equal(update(m, 0, &st, &k, &e), 0);
	assert_int_equal(st.added, 7);
	/* once per message read, the last one 7 of 7 */
	assert_int_equal(k.progress, 7);
	assert_int_equal(k.done, 7);
	assert_int_equal(k.total, 7);
	assert_int_equal(k.backwards, 0);
	assert_int_equal(k.unreadable, 0);

	/* nothing to read: the totals say so */
	assert_int_equal(update(m, 0, &st, &k, &e), 0);
	assert_int_equal(st.added, 0);
	assert_int_equal(k.backwards, 0);
	assert_true(k.progress == 0 || (k.done == 0 && k.total == 0));

	/* two new of nine */
	msg(m, "new", "8.P.h");
	msg(m, "cur", "9.P.h:2,S");
	assert_int_equal(update(m, 0, &st, &k, &e), 0);
	assert_int_equal(st.added, 2);
	assert_int_equal(k.progress, 2);
	assert_int_equal(k.done, 2);
	assert_int_equal(k.total, 2);
	assert_int_equal(k.backwards, 0);
}

/* ---- without root's privileges ---- */

/* Results of a child, in memory shared with it. */
struct child {
	int rc, err;
	struct md_index_stats st, st2;
	struct calls k, k2;
};

/* What the child is given: the maildir, and where its results go. */
struct job {
	const char *m;
	struct child *c;
};

/* Two updates, as the child (run by scratch_unprivileged). */
static int
update_twice(void *arg)
{
	const struct job *j = arg;
	struct child *c = j->c;
	struct md_err e;

	md_namegen_init(&gen); /* a new pid */
	c->rc = update(j->m, 0, &c->st, &c->k, &e);
	c->err = errno;
	if (c->rc == 0)
		c->rc = update(j->m, 0, &c->st2, &c->k2, &e);
	return 0;
}

static void
unreadable(void **state)
{
	char m[PATH_MAX], p[PATH_MAX];
	struct child *c;
	int rc;

	(void)state;
	scratch_maildir(m, sizeof(m), "R");
	msg(m, "new", "1.R.h");
	msg(m, "cur", "2.R.h:2,S");
	msg(m, "cur", "3.R.h:2,S");
	scratch_path(p, sizeof(p), m, "cur/2.R.h:2,S");
	assert_int_equal(chmod(p, 0), 0);
	scratch_give_away(m);
	c = mmap(NULL, sizeof(*c), PROT_READ | PROT_WRITE,
	    MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	assert_true(c != MAP_FAILED);
	memset(c, 0, sizeof(*c));
	rc = scratch_unprivileged(update_twice, &(struct job){ m, c });
	assert_int_equal(chmod(scratch, 0700), 0);
	assert_int_equal(chmod(p, 0600), 0);
	if (rc == 125) {
		munmap(c, sizeof(*c));
		skip(); /* root, and no user to drop privileges to */
	}
	assert_int_equal(rc, 0);
	assert_int_equal(c->rc, 0);
	/* left out, named once, the others read and written */
	assert_int_equal(c->st.messages, 3);
	assert_int_equal(c->st.failed, 1);
	assert_int_equal(c->st.added, 2);
	assert_int_equal(c->st.written, 1);
	assert_int_equal(c->k.unreadable, 1);
	assert_int_equal(c->k.err, EACCES);
	assert_string_equal(c->k.step, "open");
	assert_string_equal(c->k.path, p);
	/* tried again next time, and nothing rewritten for it */
	assert_int_equal(c->st2.failed, 1);
	assert_int_equal(c->st2.added, 0);
	assert_int_equal(c->st2.kept, 2);
	assert_int_equal(c->st2.written, 0);
	assert_int_equal(c->k2.unreadable, 1);
	munmap(c, sizeof(*c));
	cache_holds(m, 2, "1.R.h", "3.R.h", NULL);
}

/* ---- compare ---- */

struct finding {
	enum md_index_finding kind;
	char sub[8];
	char name[NAME_MAX + 1];
};

struct findings {
	struct finding f[16];
	size_t n;
};

static void
on_found(
    void *arg, enum md_index_finding kind, const char *sub, const char *name)
{
	struct findings *l = arg;
	struct finding *f;

	assert_true(l->n < sizeof(l->f) / sizeof(*l->f));
	f = &l->f[l->n++];
	f->kind = kind;
	snprintf(f->sub, sizeof(f->sub), "%s", sub ? sub : "");
	snprintf(f->name, sizeof(f->name), "%s", name);
}

/* Was KIND reported for SUB ("" for none) and NAME? */
static int
has(const struct findings *l, enum md_index_finding kind, const char *sub,
    const char *name)
{
	for (size_t i = 0; i < l->n; i++)
		if (l->f[i].kind == kind && strcmp(l->f[i].sub, sub) == 0 &&
		    strcmp(l->f[i].name, name) == 0)
			return 1;
	return 0;
}

static long
compare(const char *m, struct findings *l, struct md_err *e)
{
	memset(l, 0, sizeof(*l));
	return md_index_compare(m, on_found, l, e);
}

/* The listing of M's entries with their inode, size and mtime. */
static void
snapshot(const char *m, char *buf, size_t size)
{
	char cmd[PATH_MAX + 128];
	FILE *f;
	size_t n;

	snprintf(cmd, sizeof(cmd),
	    "cd '%s' && find . -exec stat -c '%%n %%i %%s %%Y' {} + | sort", m);
	assert_non_null(f = popen(cmd, "r"));
	n = fread(buf, 1, size - 1, f);
	buf[n] = '\0';
	assert_true(n < size - 1);
	pclose(f);
}

static void
compare_finds(void **state)
{
	struct timespec later[2] = { { 1000000500, 0 }, { 1000000500, 0 } };
	char m[PATH_MAX], p[PATH_MAX], before[8192], after[8192];
	struct findings l;
	struct md_err e;
	FILE *f;

	(void)state;
	scratch_maildir(m, sizeof(m), "C");
	msg(m, "new", "1.C.h");
	msg(m, "new", "2.C.h");
	msg(m, "cur", "3.C.h:2,S");
	msg(m, "cur", "4.C.h:2,S");
	msg(m, "cur", "5.C.h:2,S");

	/* no cache: ENOENT, naming the cache */
	errno = 0;
	assert_int_equal(compare(m, &l, &e), -1);
	assert_int_equal(errno, ENOENT);
	assert_non_null(strstr(e.path, MD_CACHE_NAME));

	updated(m, 0, 5, 5, 0, 0, 1);
	assert_int_equal(compare(m, &l, &e), 0);
	assert_int_equal(l.n, 0);

	/* flags changed, moved to cur/: no difference */
	move(m, "cur/3.C.h:2,S", "cur/3.C.h:2,FS");
	move(m, "new/2.C.h", "cur/2.C.h:2,");
	assert_int_equal(compare(m, &l, &e), 0);

	/* one of each */
	msg(m, "new", "6.C.h");                         /* missing */
	gone(m, "cur/4.C.h:2,S");                       /* extra */
	scratch_path(p, sizeof(p), m, "cur/5.C.h:2,S"); /* stale: mtime */
	assert_int_equal(utimensat(AT_FDCWD, p, later, 0), 0);
	scratch_path(p, sizeof(p), m, "new/1.C.h"); /* stale: size */
	assert_non_null(f = fopen(p, "a"));
	fputs("more\n", f);
	fclose(f);
	later[0].tv_sec = later[1].tv_sec = 1000000000; /* mtime as it was */
	assert_int_equal(utimensat(AT_FDCWD, p, later, 0), 0);

	snapshot(m, before, sizeof(before));
	assert_int_equal(compare(m, &l, &e), 4);
	assert_int_equal(l.n, 4);
	assert_true(has(&l, MD_INDEX_MISSING, "new", "6.C.h"));
	assert_true(has(&l, MD_INDEX_EXTRA, "", "4.C.h"));
	assert_true(has(&l, MD_INDEX_STALE, "cur", "5.C.h:2,S"));
	assert_true(has(&l, MD_INDEX_STALE, "new", "1.C.h"));
	/* nothing changed by looking */
	snapshot(m, after, sizeof(after));
	assert_string_equal(after, before);
	/* without a callback, just the count */
	assert_int_equal(md_index_compare(m, NULL, NULL, &e), 4);

	/* a damaged cache: EBADMSG */
	scratch_replace(m, MD_CACHE_NAME, "junk", 4);
	errno = 0;
	assert_int_equal(compare(m, &l, &e), -1);
	assert_int_equal(errno, EBADMSG);
	assert_int_equal(l.n, 0);

	/* no maildir at all */
	scratch_path(p, sizeof(p), scratch, "none");
	errno = 0;
	assert_int_equal(compare(p, &l, &e), -1);
	assert_int_equal(errno, ENOENT);
	assert_null(strstr(e.path, MD_CACHE_NAME));
}

static void
not_a_maildir(void **state)
{
	struct md_index_stats st;
	struct md_err e;
	char p[PATH_MAX];

	(void)state;
	scratch_path(p, sizeof(p), scratch, "nothing");
	errno = 0;
	assert_int_equal(update(p, 0, &st, NULL, &e), -1);
	assert_int_equal(errno, ENOENT);
	assert_string_equal(e.step, "open");
	assert_string_equal(e.path, p);
}

/* Reader threads: the cache is the same, byte for byte, with one reader
 * and with three; the progress counts all of them, never backwards; a
 * message that cannot be read is told once, with its errno. */
static void
readers(void **state)
{
	struct md_index ix = { .z = z, .g = &gen, .flags = MD_INDEX_REBUILD };
	struct md_index_stats st;
	struct calls k;
	struct md_err e;
	char m[PATH_MAX], name[64], p[PATH_MAX];
	unsigned char *one, *three;
	size_t n1, n3;

	(void)state;
	scratch_maildir(m, sizeof(m), "Threads");
	for (int i = 0; i < 1500; i++) {
		snprintf(name, sizeof(name), "%d.R%d.h%s", 1000 + i, i,
		    i % 3 ? ":2,S" : "");
		msg(m, i % 3 ? "cur" : "new", name);
	}
	scratch_path(p, sizeof(p), m, "fifo");
	assert_int_equal(mkfifo(p, 0600), 0);
	scratch_path(p, sizeof(p), m, "cur/2999.fifo.h:2,");
	assert_int_equal(symlink("../fifo", p), 0);
	ix.progress = on_progress;
	ix.unreadable = on_unreadable;
	ix.arg = &k;
	for (int r = 1; r <= 3; r += 2) {
		memset(&k, 0, sizeof(k));
		ix.readers = r;
		assert_int_equal(md_index_update(&ix, m, &st, &e), 0);
		assert_int_equal(st.added, 1500);
		assert_int_equal(st.failed, 1);
		assert_int_equal(k.unreadable, 1);
		assert_int_equal(k.err, EINVAL);
		assert_non_null(strstr(k.path, "/cur/2999.fifo.h:2,"));
		assert_int_equal(k.done, 1501);
		assert_int_equal(k.total, 1501);
		assert_int_equal(k.backwards, 0);
		if (r == 1)
			one = scratch_slurp(m, MD_CACHE_NAME, &n1);
	}
	three = scratch_slurp(m, MD_CACHE_NAME, &n3);
	assert_int_equal(n1, n3);
	assert_memory_equal(one, three, n1);
	cache_holds(m, 1500, "1000.R0.h", "2499.R1499.h", NULL);
	free(one);
	free(three);
}

/* A cache of M's messages with their entries in the reverse of the
 * order they are found in: what flag changes leave, at worst. */
static void
write_reversed(const char *m, size_t n)
{
	char dir[PATH_MAX], **names = calloc(n, sizeof(*names));
	struct md_cache_build b;
	struct md_summary s;
	struct md_scan sc;
	struct md_err e;
	const char *name;
	unsigned char type;
	size_t k = 0;

	assert_non_null(names);
	scratch_path(dir, sizeof(dir), m, "cur");
	assert_int_equal(md_scan_open(&sc, AT_FDCWD, dir), 0);
	while (md_scan_next(&sc, &name, &type) == 1) {
		assert_true(k < n);
		assert_non_null(names[k++] = strdup(name));
	}
	md_scan_close(&sc);
	assert_int_equal(k, n);
	md_cache_build_init(&b);
	memset(&s, 0, sizeof(s));
	while (k-- > 0) {
		s.s[MD_S_SUBJECT].p = names[k];
		s.s[MD_S_SUBJECT].n = md_name_baselen(names[k]);
		s.mtime = 1000000000;
		assert_int_equal(
		    md_cache_add(&b, names[k], md_name_baselen(names[k]), &s),
		    0);
		free(names[k]);
	}
	free(names);
	assert_int_equal(md_cache_write(&b, m, &gen, &e), 0);
	md_cache_build_free(&b);
}

/* Entries out of the directories' order: a big cache is rewritten in
 * it (and then a listing finds them one after another), a small one is
 * left alone; nothing is read either way. */
static void
reorder(void **state)
{
	struct md_index_stats st;
	struct md_cache_walk w;
	struct md_cache c;
	struct md_err e;
	char m[PATH_MAX], name[64], dir[PATH_MAX];
	struct md_scan sc;
	const char *nm;
	unsigned char type;
	size_t n;
	long k;

	(void)state;
	scratch_maildir(m, sizeof(m), "Small");
	for (int i = 0; i < 100; i++) {
		snprintf(name, sizeof(name), "%d.S%d.h:2,S", 1000 + i, i);
		msg(m, "cur", name);
	}
	write_reversed(m, 100);
	assert_int_equal(update(m, 0, &st, NULL, &e), 0);
	assert_int_equal(st.kept, 100);
	assert_int_equal(st.written, 0);
	assert_int_equal(st.reordered, 0);

	scratch_maildir(m, sizeof(m), "Big");
	for (int i = 0; i < 2000; i++) {
		snprintf(name, sizeof(name), "%d.B%d.h:2,S", 1000 + i, i);
		msg(m, "cur", name);
	}
	write_reversed(m, 2000);
	assert_int_equal(update(m, 0, &st, NULL, &e), 0);
	assert_int_equal(st.kept, 2000);
	assert_int_equal(st.added, 0);
	assert_int_equal(st.dropped, 0);
	assert_int_equal(st.written, 1);
	assert_int_equal(st.reordered, 1);
	cache_holds(m, 2000, "1000.B0.h", "2999.B1999.h", NULL);
	/* now in order: every lookup of a listing is the next entry */
	assert_int_equal(md_cache_open(&c, m, &e), 0);
	assert_int_equal(md_cache_walk_init(&w, &c), 0);
	scratch_path(dir, sizeof(dir), m, "cur");
	assert_int_equal(md_scan_open(&sc, AT_FDCWD, dir), 0);
	while (md_scan_next(&sc, &nm, &type) == 1) {
		n = md_name_baselen(nm);
		md_cache_walk_find_n(&w, &nm, &n, 1, &k);
		assert_true(k >= 0);
	}
	md_scan_close(&sc);
	assert_int_equal(w.hits, 2000);
	md_cache_walk_free(&w);
	md_cache_close(&c);
	/* and left alone next time */
	assert_int_equal(update(m, 0, &st, NULL, &e), 0);
	assert_int_equal(st.written, 0);
	assert_int_equal(st.reordered, 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(update_cycle),
		cmocka_unit_test(same_base_twice),
		cmocka_unit_test(damaged_cache),
		cmocka_unit_test(progress),
		cmocka_unit_test(readers),
		cmocka_unit_test(reorder),
		cmocka_unit_test(unreadable),
		cmocka_unit_test(compare_finds),
		cmocka_unit_test(not_a_maildir),
	};

	umask(022);
	md_namegen_init(&gen);
	return cmocka_run_group_tests(tests, setup, teardown);
}
