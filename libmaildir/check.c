/*
 * check.c: finding damage in a maildir, and repairing what is safe to
 * repair: a missing directory is made, a misplaced or misnamed message is
 * renamed (never over another name), a drifted maildirsize is written
 * anew, a mode that lets others get at mail is tightened. Nothing is
 * deleted and no message is rewritten. Silent: every finding, repair and
 * note goes to the caller's report function.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "internal.h"

enum { SUB_TMP, SUB_NEW, SUB_CUR };

static const char *const subs[] = { "tmp", "new", "cur" };

#define BIT(k) (1u << (k))
/* What one rename of a message can put right. */
#define RENAMES                                                                \
	(BIT(MD_CHECK_MISPLACED) | BIT(MD_CHECK_FLAGS) |                       \
	    BIT(MD_CHECK_DUPLICATE))
/* Tries for a fresh name that nobody took meanwhile. */
#define NAME_TRIES 5
/* Who besides the owner may get at a file: its group, and others. */
#define BY_GROUP 1u
#define BY_OTHERS 2u

/* An entry of new/ or cur/ and what is wrong with it. */
struct entry {
	char *name;
	int sub;        /* SUB_NEW or SUB_CUR */
	unsigned found; /* BIT(kind) of each finding */
	enum md_check_what nonmsg, flags;
	const struct entry *kept; /* duplicate: the one with its base kept */
	int same_file;            /* duplicate: a hard link of KEPT */
	int gone;                 /* renamed away while the scan went on */
	dev_t dev;
	ino_t ino;
	nlink_t nlink;
	int64_t size, sfield;
	mode_t mode;
	unsigned who; /* mode: BY_GROUP, BY_OTHERS */
};

/* One maildir being checked. */
struct run {
	struct md_check *c;
	const char *path;
	int fd, subfd[3];
	struct entry *ent;
	size_t n, cap;
	struct md_err *e;
	int failed, err; /* err: errno of the first problem */
	/* The way down to the mail, as first seen (before any repair):
	 * a folder's Maildir++ root (TOP), the maildir, its three parts. */
	struct stat top, dir, sub[3];
	int has_top;
};

const char *
md_check_category(enum md_check_kind k)
{
	static const char *const names[] = { "missing", "mode", "stale",
		"nonmessage", "empty", "size", "misplaced", "flags",
		"duplicate", "quota", "cache", "repaired", "note" };

	if ((unsigned)k >= sizeof(names) / sizeof(names[0]))
		return "unknown";
	return names[k];
}

/* The first problem is the one E keeps; checking goes on. */
static void
problem_kind(struct run *r, enum md_err_kind kind, const char *step,
    const char *dir, const char *name)
{
	if (!r->failed) {
		r->err = errno;
		md_err_kind(r->e, kind, step, dir, name);
	}
	r->failed = 1;
}

static void
problem(struct run *r, const char *step, const char *dir, const char *name)
{
	problem_kind(r, MD_ERR_SYSTEM, step, dir, name);
}

static int
join(char *buf, size_t size, const char *path, int sub, const char *name)
{
	int n = name ? snprintf(buf, size, "%s/%s/%s", path, subs[sub], name)
	             : snprintf(buf, size, "%s/%s", path, subs[sub]);

	if (n < 0 || (size_t)n >= size) {
		errno = ENAMETOOLONG;
		return -1;
	}
	return 0;
}

static void
tell(struct run *r, enum md_check_kind kind, enum md_check_what what,
    const char *path, const char *other, const int64_t *v)
{
	struct md_finding f;

	memset(&f, 0, sizeof(f));
	f.kind = kind;
	f.what = what;
	f.path = path;
	f.other = other;
	if (v != NULL)
		memcpy(f.v, v, sizeof(f.v));
	r->c->report(r->c->arg, &f);
}

static void
report(struct run *r, enum md_check_kind kind, enum md_check_what what,
    const char *path, const char *other, const int64_t *v)
{
	r->c->found++;
	tell(r, kind, what, path, other, v);
}

/* A repair made (ERR 0) or tried and failed; FIXES findings are gone. */
static void
repaired(struct run *r, enum md_check_what what, const char *path,
    const char *other, int err, unsigned fixes, const int64_t *v)
{
	struct md_finding f;

	memset(&f, 0, sizeof(f));
	if (v != NULL)
		memcpy(f.v, v, sizeof(f.v));
	f.kind = MD_CHECK_REPAIRED;
	f.what = what;
	f.path = path;
	f.other = other;
	f.error = err;
	if (err == 0)
		r->c->fixed += fixes;
	r->c->report(r->c->arg, &f);
}

/* ---- who can get at the mail ---- */

/* The permission bits of the classes WHO. */
static mode_t
class_bits(unsigned who)
{
	return ((who & BY_GROUP) ? 070 : 0) | ((who & BY_OTHERS) ? 07 : 0);
}

/* Who directory D lets search on the way to something of group GID. A
 * user of GID may or may not be in D's other group: then either search
 * bit lets both through. */
static unsigned
lets_through(const struct stat *d, gid_t gid)
{
	unsigned who = 0;

	if (d->st_gid != gid)
		return (d->st_mode & 011) ? BY_GROUP | BY_OTHERS : 0;
	if (d->st_mode & S_IXGRP)
		who |= BY_GROUP;
	if (d->st_mode & S_IXOTH)
		who |= BY_OTHERS;
	return who;
}

/* Do the rwx BITS of one class let it read or write a file, or list or
 * change (write and search) a directory? */
static int
usable(mode_t bits, int dir)
{
	if (dir)
		return (bits & 4) || (bits & 3) == 3;
	return (bits & 6) != 0;
}

/* Who, reaching ST down the N directories of WAY (from the top), can
 * use it. Group access below a set-group-ID directory is wanted: that is
 * how a maildir is shared with a group. */
static unsigned
open_to(const struct stat *const *way, size_t n, const struct stat *st)
{
	int dir = S_ISDIR(st->st_mode);
	int shared = dir && (st->st_mode & S_ISGID);
	unsigned who = 0;

	if (usable((st->st_mode >> 3) & 7, dir))
		who |= BY_GROUP;
	if (usable(st->st_mode & 7, dir))
		who |= BY_OTHERS;
	for (size_t i = 0; i < n; i++) {
		who &= lets_through(way[i], st->st_gid);
		shared |= (way[i]->st_mode & S_ISGID) != 0;
	}
	return shared ? who & ~BY_GROUP : who;
}

/* The directories, from the top down, above the maildir (DEPTH 0), one
 * of its parts (1) or a message in its part SUB (2), into WAY[3]. */
static size_t
way_down(const struct run *r, int depth, int sub, const struct stat **way)
{
	size_t n = 0;

	if (r->has_top)
		way[n++] = &r->top;
	if (depth >= 1)
		way[n++] = &r->dir;
	if (depth >= 2)
		way[n++] = &r->sub[sub];
	return n;
}

/* Take every bit of the classes WHO from the mode of FD (PATH), when it
 * is still the one examined (DEV, INO) and its owner is the maildir's:
 * another's file linked in is not ours to change. Never adds a bit. */
static void
tighten(
    struct run *r, int fd, const char *path, unsigned who, dev_t dev, ino_t ino)
{
	int64_t v[4] = { 0 };
	struct stat st;
	int err = 0;

	if (fstat(fd, &st) == -1)
		err = errno;
	else if (st.st_dev != dev || st.st_ino != ino)
		err = ENOENT; /* replaced meanwhile */
	else if (st.st_uid != r->dir.st_uid)
		err = EPERM;
	else {
		v[0] = st.st_mode & 07777 & ~class_bits(who);
		if (fchmod(fd, (mode_t)v[0]) == -1)
			err = errno;
	}
	repaired(r, MD_CHECK_CHMOD, path, NULL, err, 1, v);
}

/* The maildir (SUB -1) or one of its parts, open as FD: who besides its
 * owner can list or change it; with repair, take that away. */
static void
check_dir_mode(struct run *r, int fd, const char *path, int sub)
{
	struct stat *st = sub < 0 ? &r->dir : &r->sub[sub];
	const struct stat *way[3];
	unsigned who;

	if (fstat(fd, st) == -1) {
		memset(st, 0, sizeof(*st));
		problem(r, "stat", path, NULL);
		return;
	}
	who = open_to(way, way_down(r, sub < 0 ? 0 : 1, sub, way), st);
	if (who != 0) {
		int64_t v[4] = { st->st_mode & 07777,
			st->st_mode & class_bits(who) };

		report(r, MD_CHECK_MODE, MD_CHECK_DIR, path, NULL, v);
		if (r->c->repair)
			tighten(r, fd, path, who, st->st_dev, st->st_ino);
	}
}

/* A folder's mail is reached through its Maildir++ root too. */
static void
find_top(struct run *r)
{
	struct stat st;

	if (fstatat(r->fd, "maildirfolder", &st, AT_SYMLINK_NOFOLLOW) == 0 &&
	    fstatat(r->fd, "..", &r->top, 0) == 0)
		r->has_top = 1;
}

/* tmp/, new/, cur/: open each; make a missing one when repairing. */
static int
open_subdirs(struct run *r)
{
	enum { THERE, ABSENT, UNKNOWN } state[3];
	char p[PATH_MAX];
	struct stat st;
	int have = 0;

	for (int i = 0; i < 3; i++) {
		state[i] = THERE;
		if (fstatat(r->fd, subs[i], &st, 0) == 0)
			have++;
		else if (errno == ENOENT)
			state[i] = ABSENT;
		else {
			state[i] = UNKNOWN;
			problem(r, "stat", r->path, subs[i]);
		}
	}
	/* No part at all: no maildir, and not ours to make one here. */
	if (have == 0 && !r->failed) {
		errno = ENOENT;
		problem_kind(
		    r, MD_ERR_NOT_MAILDIR, "not a maildir", r->path, NULL);
		return -1;
	}
	find_top(r);
	check_dir_mode(r, r->fd, r->path, -1);
	for (int i = 0; i < 3; i++) {
		if (state[i] == UNKNOWN ||
		    join(p, sizeof(p), r->path, i, NULL) == -1)
			continue;
		if (state[i] == ABSENT) {
			report(r, MD_CHECK_MISSING, MD_CHECK_ABSENT, p, NULL,
			    NULL);
			if (!r->c->repair)
				continue;
			if (mkdirat(r->fd, subs[i], 0700) == -1 &&
			    errno != EEXIST) {
				repaired(
				    r, MD_CHECK_MKDIR, p, NULL, errno, 0, NULL);
				continue;
			}
			repaired(r, MD_CHECK_MKDIR, p, NULL, 0, 1, NULL);
		}
		r->subfd[i] =
		    openat(r->fd, subs[i], O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (r->subfd[i] == -1 && errno == ENOTDIR)
			report(r, MD_CHECK_MISSING, MD_CHECK_NOTDIR, p, NULL,
			    NULL);
		else if (r->subfd[i] == -1)
			problem(r, "open", r->path, subs[i]);
		else
			check_dir_mode(r, r->subfd[i], p, i);
	}
	return 0;
}

/* Files in tmp/ untouched (ctime and mtime) for 36 hours: deliveries
 * that died. Reported only: deleting is for md-expunge. */
static void
check_tmp(struct run *r)
{
	struct md_scan s;
	const char *name;
	unsigned char type;
	char p[PATH_MAX];
	int rc;

	if (r->subfd[SUB_TMP] == -1)
		return;
	if (md_scan_open(&s, r->subfd[SUB_TMP], ".") == -1) {
		problem(r, "read", r->path, "tmp");
		return;
	}
	while ((rc = md_scan_next(&s, &name, &type)) == 1) {
		struct stat st;
		time_t newest;

		if (fstatat(r->subfd[SUB_TMP], name, &st,
		        AT_SYMLINK_NOFOLLOW) == -1 ||
		    S_ISDIR(st.st_mode))
			continue; /* gone meanwhile, or no file */
		newest = st.st_mtime > st.st_ctime ? st.st_mtime : st.st_ctime;
		if (r->c->now - newest < MD_CHECK_STALE_SECS)
			continue;
		if (join(p, sizeof(p), r->path, SUB_TMP, name) == 0) {
			int64_t v[4] = { (int64_t)(r->c->now - newest) };

			report(r, MD_CHECK_STALE, MD_CHECK_ANY, p, NULL, v);
		}
	}
	if (rc == -1)
		problem(r, "read", r->path, "tmp");
	md_scan_close(&s);
}

/* ":2," flags must each appear once, in ASCII order. */
static enum md_check_what
flags_state(const char *name)
{
	const char *last = strrchr(name, ':');
	struct md_flags seen;
	enum md_check_what w = MD_CHECK_ANY;
	unsigned char prev = 0;

	if (last == NULL || last[1] != '2' || last[2] != ',')
		return MD_CHECK_ANY;
	md_flags_zero(&seen);
	for (const unsigned char *p = (const unsigned char *)last + 3;
	     *p && *p != ','; p++) {
		if (md_flags_has(&seen, *p))
			return MD_CHECK_REPEAT;
		if (*p < prev)
			w = MD_CHECK_ORDER;
		md_flags_set(&seen, *p, 1);
		prev = *p;
	}
	return w;
}

static struct entry *
add_entry(struct run *r, const char *name, int sub)
{
	struct entry *x;

	if (r->n == r->cap) {
		size_t cap = r->cap ? r->cap * 2 : 64;

		if ((x = reallocarray(r->ent, cap, sizeof(*x))) == NULL)
			return NULL;
		r->ent = x;
		r->cap = cap;
	}
	x = &r->ent[r->n];
	memset(x, 0, sizeof(*x));
	if ((x->name = strdup(name)) == NULL)
		return NULL;
	x->sub = sub;
	r->n++;
	return x;
}

/* What a look at one entry tells; -1 when it is gone meanwhile. */
static int
examine(struct run *r, struct entry *x)
{
	int fd = r->subfd[x->sub];
	const struct stat *way[3];
	struct stat st;
	uint64_t s;
	int is_link;

	if (fstatat(fd, x->name, &st, AT_SYMLINK_NOFOLLOW) == -1) {
		/* Gone meanwhile (ESTALE on NFS) is another client's doing;
		 * anything else means this entry could not be checked. */
		if (errno != ENOENT && errno != ESTALE) {
			char p[PATH_MAX + NAME_MAX + 8];
			int saved = errno;

			join(p, sizeof(p), r->path, x->sub, x->name);
			errno = saved;
			problem(r, "stat", p, NULL);
		}
		return -1;
	}
	/* mairix and others fill maildirs with links: the target counts,
	 * but for its mode, which its own maildir answers for. */
	is_link = S_ISLNK(st.st_mode);
	if (is_link && fstatat(fd, x->name, &st, 0) == -1) {
		x->found |= BIT(MD_CHECK_NONMESSAGE);
		x->nonmsg = MD_CHECK_DANGLING;
		return 0;
	}
	if (!S_ISREG(st.st_mode) || x->name[0] == ':') {
		x->found |= BIT(MD_CHECK_NONMESSAGE);
		x->nonmsg = S_ISDIR(st.st_mode)    ? MD_CHECK_DIR
		            : !S_ISREG(st.st_mode) ? MD_CHECK_SPECIAL
		                                   : MD_CHECK_NOBASE;
		return 0;
	}
	x->dev = st.st_dev;
	x->ino = st.st_ino;
	x->nlink = st.st_nlink;
	x->size = (int64_t)st.st_size;
	x->mode = st.st_mode & 07777;
	if (st.st_size == 0)
		x->found |= BIT(MD_CHECK_EMPTY);
	if (md_name_field(x->name, 'S', &s) == 0 && (int64_t)s != x->size) {
		x->found |= BIT(MD_CHECK_SIZE);
		x->sfield = (int64_t)s;
	}
	if (!is_link &&
	    (x->who = open_to(way, way_down(r, 2, x->sub, way), &st)) != 0)
		x->found |= BIT(MD_CHECK_MODE);
	if (x->sub == SUB_NEW && strchr(x->name, ':') != NULL)
		x->found |= BIT(MD_CHECK_MISPLACED);
	if ((x->flags = flags_state(x->name)) != MD_CHECK_ANY)
		x->found |= BIT(MD_CHECK_FLAGS);
	return 0;
}

static int
read_sub(struct run *r, int sub)
{
	struct md_scan s;
	const char *name;
	unsigned char type;
	int rc;

	if (r->subfd[sub] == -1)
		return 0;
	if (md_scan_open(&s, r->subfd[sub], ".") == -1) {
		problem(r, "read", r->path, subs[sub]);
		return 0;
	}
	while ((rc = md_scan_next(&s, &name, &type)) == 1) {
		struct entry *x = add_entry(r, name, sub);

		if (x == NULL) {
			md_scan_close(&s);
			return -1;
		}
		if (examine(r, x) == -1) /* gone meanwhile: not ours */
			free(r->ent[--r->n].name);
		if (r->c->progress)
			r->c->progress(r->c->arg, r->n);
	}
	if (rc == -1)
		problem(r, "read", r->path, subs[sub]);
	md_scan_close(&s);
	return 0;
}

static int
by_place(const void *a, const void *b)
{
	const struct entry *x = a, *y = b;

	if (x->sub != y->sub)
		return x->sub - y->sub;
	return strcmp(x->name, y->name);
}

/* By base, then cur/ first (what readers know stays), then by name. */
static int
by_base(const void *a, const void *b)
{
	const struct entry *x = *(const struct entry *const *)a;
	const struct entry *y = *(const struct entry *const *)b;
	size_t lx = md_name_baselen(x->name), ly = md_name_baselen(y->name);
	int d = memcmp(x->name, y->name, lx < ly ? lx : ly);

	if (d != 0)
		return d;
	if (lx != ly)
		return lx < ly ? -1 : 1;
	if (x->sub != y->sub)
		return y->sub - x->sub;
	return strcmp(x->name, y->name);
}

static int
is_message(const struct entry *x)
{
	return !(x->found & BIT(MD_CHECK_NONMESSAGE));
}

/* Is X still there, the file examined? */
static int
still_there(const struct run *r, const struct entry *x)
{
	struct stat st;

	return fstatat(r->subfd[x->sub], x->name, &st, 0) == 0 &&
	       st.st_dev == x->dev && st.st_ino == x->ino;
}

/* X and KEPT are one file under one base, and it had a single link when
 * looked at: a message renamed (new/ to cur/, or a flag changed) between
 * the reading of the two names, one of which is gone. The name gone is
 * marked so; when both are still there, it is a real hard link. */
static int
renamed_meanwhile(const struct run *r, struct entry *x, struct entry *kept)
{
	int gx, gk;

	if (x->dev != kept->dev || x->ino != kept->ino ||
	    (x->nlink != 1 && kept->nlink != 1))
		return 0;
	gx = !still_there(r, x);
	gk = !still_there(r, kept);
	x->gone |= gx;
	kept->gone |= gk;
	return gx || gk;
}

/* Every message whose base another one (kept) already has. */
static int
find_duplicates(struct run *r)
{
	const struct entry **idx;
	size_t m = 0;

	if ((idx = reallocarray(NULL, r->n ? r->n : 1, sizeof(*idx))) == NULL)
		return -1;
	for (size_t i = 0; i < r->n; i++)
		if (is_message(&r->ent[i]))
			idx[m++] = &r->ent[i];
	qsort(idx, m, sizeof(*idx), by_base);
	for (size_t i = 1, k = 0; i < m; i++) {
		size_t lk = md_name_baselen(idx[k]->name);
		struct entry *x = (struct entry *)idx[i];

		if (md_name_baselen(x->name) != lk ||
		    memcmp(x->name, idx[k]->name, lk) != 0) {
			k = i;
			continue;
		}
		if (renamed_meanwhile(r, x, (struct entry *)idx[k])) {
			if (idx[k]->gone)
				k = i;
			continue;
		}
		x->found |= BIT(MD_CHECK_DUPLICATE);
		x->kept = idx[k];
		x->same_file = x->dev == idx[k]->dev && x->ino == idx[k]->ino;
	}
	free(idx);
	return 0;
}

/* A fresh base with the old ",S=" and ",W=" and the old info. */
static int
fresh_name(struct run *r, const char *old, char *buf, size_t size)
{
	char base[NAME_MAX + 1], fields[64] = "";
	uint64_t v;
	int n;

	if (md_name_unique(r->c->gen, base, sizeof(base)) == -1)
		return -1;
	if (md_name_field(old, 'S', &v) == 0)
		snprintf(
		    fields, sizeof(fields), ",S=%llu", (unsigned long long)v);
	if (md_name_field(old, 'W', &v) == 0)
		snprintf(fields + strlen(fields),
		    sizeof(fields) - strlen(fields), ",W=%llu",
		    (unsigned long long)v);
	n = snprintf(
	    buf, size, "%s%s%s", base, fields, old + md_name_baselen(old));
	if (n < 0 || (size_t)n >= size || n > NAME_MAX) {
		errno = ENAMETOOLONG;
		return -1;
	}
	return 0;
}

/* The name X should have: a fresh base for a duplicate, its flags
 * sorted once each. */
static int
repaired_name(struct run *r, const struct entry *x, char *buf, size_t size)
{
	char tmp[NAME_MAX + 1];
	struct md_name n;

	if (x->found & BIT(MD_CHECK_DUPLICATE)) {
		if (fresh_name(r, x->name, tmp, sizeof(tmp)) == -1)
			return -1;
	} else if (strlcpy(tmp, x->name, sizeof(tmp)) >= sizeof(tmp)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	md_name_parse(tmp, &n);
	if ((x->found & BIT(MD_CHECK_FLAGS)) && n.kind == MD_INFO_2)
		return md_name_format(buf, size, tmp, &n, &n.flags);
	if (strlcpy(buf, tmp, size) >= size) {
		errno = ENAMETOOLONG;
		return -1;
	}
	return 0;
}

/* One rename puts right whatever X's name and place have wrong. */
static void
rename_entry(struct run *r, const struct entry *x, const char *from)
{
	int to = (x->found & BIT(MD_CHECK_MISPLACED)) ? SUB_CUR : x->sub;
	char name[NAME_MAX + 1], path[PATH_MAX];
	unsigned fixes = 0;
	int err = 0;

	for (unsigned k = 0; k < MD_CHECK_REPAIRED; k++)
		fixes += (x->found & RENAMES & BIT(k)) != 0;
	for (int i = 0; i < NAME_TRIES; i++) {
		path[0] = '\0';
		if (r->subfd[to] == -1) {
			err = ENOENT;
			break;
		}
		if (repaired_name(r, x, name, sizeof(name)) == -1 ||
		    join(path, sizeof(path), r->path, to, name) == -1) {
			err = errno;
			break;
		}
		/* On disk, or no repair: new/ and cur/ synced (commit.c). */
		if (md_rename_durable(
		        r->subfd[x->sub], x->name, r->subfd[to], name) == 0) {
			err = 0;
			break;
		}
		err = errno;
		/* Only a fresh name is worth another try. */
		if (err != EEXIST || !(x->found & BIT(MD_CHECK_DUPLICATE)))
			break;
	}
	repaired(r, MD_CHECK_RENAME, from, path[0] ? path : NULL, err,
	    err == 0 ? fixes : 0, NULL);
}

/* Opened, never read, so that the mode changed is the one of the file
 * examined and not of something put in its place. */
static void
tighten_entry(struct run *r, const struct entry *x, const char *path)
{
	int fd = openat(r->subfd[x->sub], x->name,
	    O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);

	if (fd == -1) {
		repaired(r, MD_CHECK_CHMOD, path, NULL, errno, 0, NULL);
		return;
	}
	tighten(r, fd, path, x->who, x->dev, x->ino);
	close(fd);
}

static void
report_entry(struct run *r, const struct entry *x)
{
	char p[PATH_MAX], kept[PATH_MAX];

	if (join(p, sizeof(p), r->path, x->sub, x->name) == -1) {
		problem(r, "name", r->path, x->name);
		return;
	}
	for (int k = 0; k < MD_CHECK_CACHE; k++) {
		int64_t v[4] = { 0 };
		enum md_check_what w = MD_CHECK_ANY;
		const char *other = NULL;

		if (!(x->found & BIT(k)))
			continue;
		if (k == MD_CHECK_NONMESSAGE)
			w = x->nonmsg;
		else if (k == MD_CHECK_FLAGS)
			w = x->flags;
		else if (k == MD_CHECK_MODE) {
			v[0] = x->mode;
			v[1] = x->mode & class_bits(x->who);
		} else if (k == MD_CHECK_SIZE) {
			v[0] = x->sfield;
			v[1] = x->size;
		} else if (k == MD_CHECK_DUPLICATE) {
			join(kept, sizeof(kept), r->path, x->kept->sub,
			    x->kept->name);
			other = kept;
			v[0] = x->same_file;
		}
		report(r, (enum md_check_kind)k, w, p, other, v);
	}
	/* The mode first: a rename would take the name. */
	if (r->c->repair && (x->found & BIT(MD_CHECK_MODE)))
		tighten_entry(r, x, p);
	if (r->c->repair && (x->found & RENAMES))
		rename_entry(r, x, p);
}

static int
check_messages(struct run *r)
{
	if (read_sub(r, SUB_NEW) == -1 || read_sub(r, SUB_CUR) == -1)
		return -1;
	/* Reported in order, so that two runs can be compared. */
	if (r->n > 1) /* qsort(NULL, 0, ...) is undefined */
		qsort(r->ent, r->n, sizeof(*r->ent), by_place);
	if (find_duplicates(r) == -1)
		return -1;
	for (size_t i = 0; i < r->n; i++)
		if (!r->ent[i].gone)
			report_entry(r, &r->ent[i]);
	return 0;
}

/* ---- the Maildir++ quota ---- */

/* Does this maildir keep the quota, found as every tool finds it: a
 * folder's is its root's (checked with the root), the Trash has none.
 * A root that cannot be told is a problem, not a "no". */
static int
keeps_quota(struct run *r)
{
	struct md_quota_ledger l;
	struct md_quota_root *qr;
	struct md_err qe;
	int rc;

	md_quota_ledger_init(&l, r->c->gen);
	rc = md_quota_ledger_find(&l, r->path, &qr, &qe);
	if (rc == -1)
		problem(r, qe.step, qe.path, NULL);
	rc = rc == 1 && qr->dev == r->dir.st_dev && qr->ino == r->dir.st_ino;
	md_quota_ledger_free(&l);
	return rc;
}

/* The file read by the one reader: a finding when its verdict sends
 * every reader to count again, or when its sums are not the count. */
static void
check_quota(struct run *r)
{
	char p[PATH_MAX];
	struct md_quota q, n;
	struct md_err qe;
	int64_t v[4] = { 0 };
	enum md_check_what what = MD_CHECK_UNTRUSTED;
	int fd, rc;

	if (!keeps_quota(r))
		return;
	snprintf(p, sizeof(p), "%s/maildirsize", r->path);
	fd = openat(r->fd, "maildirsize", O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd == -1) {
		if (errno != ENOENT)
			problem(r, "open", r->path, "maildirsize");
		return;
	}
	rc = md_quota_read(fd, &q);
	close(fd);
	if (rc == -1) {
		problem(r, "read", r->path, "maildirsize");
		return;
	}
	v[0] = q.verdict, v[1] = q.badline;
	if (q.verdict == MD_QUOTA_SOUND) {
		n = q;
		if (md_quota_count(r->path, &n, &qe) == -1) {
			problem(r, qe.step, qe.path, NULL);
			return;
		}
		if (n.bytes == q.bytes && n.count == q.count)
			return;
		v[0] = q.bytes, v[1] = q.count, v[2] = n.bytes, v[3] = n.count;
		what = MD_CHECK_DRIFT;
	}
	report(r, MD_CHECK_QUOTA, what, p, NULL, v);
	/* Without the limits line there is nothing true to write back. */
	if (!r->c->repair || q.verdict == MD_QUOTA_NODEF)
		return;
	if (md_quota_recalc(r->path, &q, r->c->gen, &qe) == -1) {
		repaired(r, MD_CHECK_RECALC, p, NULL, errno, 0, NULL);
		return;
	}
	v[0] = q.bytes, v[1] = q.count;
	repaired(r, MD_CHECK_RECALC, p, NULL, 0, 1, v);
}

/* ---- the header cache ---- */

/* Differences by kind: N[MD_INDEX_MISSING] and so on. */
static void
count_cache(
    void *arg, enum md_index_finding k, const char *sub, const char *name)
{
	int64_t *n = arg;

	(void)sub;
	(void)name;
	if (k == MD_INDEX_MISSING || k == MD_INDEX_EXTRA || k == MD_INDEX_STALE)
		n[k]++;
}

/* Rebuild the cache from the messages (the repair of any finding). */
static void
rebuild_cache(struct run *r, const char *p)
{
	struct md_index ix;
	struct md_index_stats st;
	struct md_err ie;
	int64_t v[4] = { 0 };

	memset(&ix, 0, sizeof(ix));
	ix.g = r->c->gen;
	ix.flags = MD_INDEX_REBUILD;
	if ((ix.z = malloc(sizeof(*ix.z))) == NULL) {
		repaired(r, MD_CHECK_REBUILT, p, NULL, errno, 0, NULL);
		return;
	}
	md_summarizer_init(ix.z);
	if (md_index_update(&ix, r->path, &st, &ie) == -1)
		repaired(r, MD_CHECK_REBUILT, p, NULL, errno, 0, NULL);
	else {
		v[0] = (int64_t)(st.added);
		repaired(r, MD_CHECK_REBUILT, p, NULL, 0, 1, v);
	}
	md_summarizer_free(ix.z);
	free(ix.z);
}

/* A cache that every reader ignores (damaged), or with entries that no
 * longer say what their message holds, is a finding a rebuild repairs.
 * One that lags behind (no entries for what came since md-index ran,
 * entries of what went) is how a cache lives between two runs: readers
 * take what it lacks from the files. That is only a note, and so is a
 * cache of another version: what an upgrade of mdkit leaves until the
 * next md-index, not damage (a weekly md-check must not cry wolf). */
static void
check_cache(struct run *r)
{
	char p[PATH_MAX];
	int64_t n[3] = { 0 }, v[4] = { 0 };
	struct md_err ce;

	snprintf(p, sizeof(p), "%s/%s", r->path, MD_CACHE_NAME);
	if (md_index_compare(r->path, count_cache, n, &ce) == -1) {
		if (errno == ENOENT && strcmp(ce.path, p) == 0)
			return; /* no cache: nothing to check */
		if (errno != EBADMSG && errno != ENOTSUP) {
			problem(r, ce.step, ce.path, NULL);
			return;
		}
		if (errno == ENOTSUP) { /* left to md-index, as a lag is */
			tell(r, MD_CHECK_NOTE, MD_CHECK_FOREIGN, p, NULL, NULL);
			return;
		}
		report(r, MD_CHECK_CACHE, MD_CHECK_DAMAGED, p, ce.step, NULL);
		if (r->c->repair)
			rebuild_cache(r, p);
		return;
	}
	if (n[MD_INDEX_STALE] > 0) {
		v[0] = n[MD_INDEX_STALE];
		report(r, MD_CHECK_CACHE, MD_CHECK_OUTDATED, p, NULL, v);
		if (r->c->repair) {
			rebuild_cache(r, p); /* the lag goes with it */
			return;
		}
	}
	if (n[MD_INDEX_MISSING] > 0 || n[MD_INDEX_EXTRA] > 0) {
		v[0] = n[MD_INDEX_MISSING];
		v[1] = n[MD_INDEX_EXTRA];
		tell(r, MD_CHECK_NOTE, MD_CHECK_BEHIND, p, NULL, v);
	}
}

static void
finish(struct run *r)
{
	for (size_t i = 0; i < r->n; i++)
		free(r->ent[i].name);
	free(r->ent);
	for (int i = 0; i < 3; i++)
		if (r->subfd[i] >= 0)
			close(r->subfd[i]);
	if (r->fd >= 0)
		close(r->fd);
}

int
md_check_maildir(struct md_check *c, const char *path, struct md_err *e)
{
	struct run r;

	memset(&r, 0, sizeof(r));
	r.c = c;
	r.path = path;
	r.e = e;
	r.subfd[0] = r.subfd[1] = r.subfd[2] = -1;
	if ((r.fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1)
		return md_err_set(e, "open", path, NULL);
	if (open_subdirs(&r) == 0) {
		check_tmp(&r);
		if (check_messages(&r) == -1)
			problem(&r, "memory", path, NULL);
		check_quota(&r);
		check_cache(&r);
	}
	finish(&r);
	if (r.failed)
		errno = r.err;
	return r.failed ? -1 : 0;
}
