/*
 * commit.c: the one way a file becomes durable and visible. It is written
 * in tmp/ under a fresh name (O_EXCL, never through a symlink), synced,
 * and closed with the result checked (NFS reports errors at close). Then
 * a message is placed: linked into new/ or cur/ under a name nobody has,
 * never replacing a file; and the few files replaced on purpose (the
 * header cache, maildirsize) are renamed over their name. A name is on
 * disk once its directory is synced: at once for a replaced file, by
 * md_maildir_sync for messages, so that an import syncs once for many.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "internal.h"

/* Names carry 64 random bits, so a clash means a broken clock or RNG:
 * a few fresh names settle it, and the bound keeps a bug from spinning. */
#define NAME_TRIES 8

/* ---- writing in tmp/ ---- */

/* Errors name the tmp file itself: that is what an admin will look for. */
static int
tmp_err_kind(
    struct md_tmp *t, enum md_err_kind kind, const char *step, struct md_err *e)
{
	char name[NAME_MAX + 5];

	snprintf(name, sizeof(name), "tmp/%s", t->name);
	return md_err_kind(e, kind, step, t->home->path, name);
}

static int
tmp_err(struct md_tmp *t, const char *step, struct md_err *e)
{
	return tmp_err_kind(t, MD_ERR_SYSTEM, step, e);
}

int
md_tmp_create(struct md_tmp *t, const struct md_maildir *home,
    struct md_namegen *g, struct md_err *e)
{
	t->home = home;
	t->size = 0;
	t->limit = 0;
	t->buflen = 0;
	t->nolink = 0;
	t->fd = -1;
	for (int i = 0; i < NAME_TRIES; i++) {
		if (md_name_unique(g, t->name, sizeof(t->name)) == -1)
			return md_err_set(e, "name", home->path, "tmp");
		/* O_NOFOLLOW too: a symlink planted under our name is an
		 * attack, never a place to write mail. */
		t->fd = openat(home->tmpfd, t->name,
		    O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
		if (t->fd >= 0)
			return 0;
		if (errno != EEXIST)
			break;
	}
	t->name[0] = '\0';
	return md_err_set(e, "create", home->path, "tmp");
}

static int
write_all(struct md_tmp *t, const char *p, size_t n, struct md_err *e)
{
	while (n > 0) {
		ssize_t w = write(t->fd, p, n);

		if (w == -1) {
			if (errno == EINTR)
				continue;
			return tmp_err(t, "write", e);
		}
		if (w == 0) {
			errno = EIO;
			return tmp_err(t, "write", e);
		}
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

static int
flush(struct md_tmp *t, struct md_err *e)
{
	size_t n = t->buflen;

	t->buflen = 0;
	return write_all(t, t->buf, n, e);
}

int
md_tmp_write(struct md_tmp *t, const void *p, size_t n, struct md_err *e)
{
	if (t->limit && (t->size + n > t->limit || t->size + n < t->size)) {
		errno = EMSGSIZE;
		return tmp_err_kind(t, MD_ERR_TOO_BIG, "size limit", e);
	}
	t->size += n;
	if (t->buflen + n > sizeof(t->buf)) {
		if (flush(t, e) == -1)
			return -1;
		if (n >= sizeof(t->buf))
			return write_all(t, p, n, e);
	}
	memcpy(t->buf + t->buflen, p, n);
	t->buflen += n;
	return 0;
}

int
md_tmp_finish(struct md_tmp *t, const struct timespec *mtime, struct md_err *e)
{
	int fd = t->fd;

	if (flush(t, e) == -1)
		return -1;
	if (mtime != NULL) {
		struct timespec ts[2] = { *mtime, *mtime };

		if (futimens(fd, ts) == -1)
			return tmp_err(t, "set mtime", e);
	}
	if (fsync(fd) == -1)
		return tmp_err(t, "fsync", e);
	/* NFS reports quota and space errors as late as close(). */
	t->fd = -1;
	if (close(fd) == -1)
		return tmp_err(t, "close", e);
	return 0;
}

/* Read straight into T's buffer: the copy needs no buffer of its own. */
int
md_tmp_copy(struct md_tmp *t, const struct md_maildir *home, int fd,
    const char *from, const struct timespec *mtime, struct md_namegen *g,
    struct md_err *e)
{
	if (md_tmp_create(t, home, g, e) == -1)
		return -1;
	for (;;) {
		ssize_t r =
		    read(fd, t->buf + t->buflen, sizeof(t->buf) - t->buflen);

		if (r == -1 && errno == EINTR)
			continue;
		if (r == -1) {
			md_err_set(e, "read", from, NULL);
			goto fail;
		}
		if (r == 0)
			break;
		t->buflen += (size_t)r;
		t->size += (uint64_t)r;
		if (t->buflen == sizeof(t->buf) && flush(t, e) == -1)
			goto fail;
	}
	if (md_tmp_finish(t, mtime, e) == 0)
		return 0;
fail:
	md_tmp_remove(t);
	return -1;
}

void
md_tmp_remove(struct md_tmp *t)
{
	int saved = errno;

	if (t->fd >= 0)
		close(t->fd);
	t->fd = -1;
	if (t->name[0] != '\0')
		unlinkat(t->home->tmpfd, t->name, 0);
	t->name[0] = '\0';
	errno = saved;
}

/* ---- directories ---- */

/* A new or removed name is durable only once its directory is synced;
 * file systems that cannot sync a directory say EINVAL: no failure. */
int
md_dir_sync(int at, const char *path)
{
	int fd = at, r;

	if (path != NULL &&
	    (fd = openat(at, path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1)
		return -1;
	r = fsync(fd);
	if (r == -1 && errno == EINVAL)
		r = 0;
	if (path != NULL) {
		int saved = errno;

		close(fd);
		errno = saved;
	}
	return r;
}

int
md_maildir_sync(const struct md_maildir *m, int which, struct md_err *e)
{
	if ((which & MD_NEW) && md_dir_sync(m->newfd, NULL) == -1)
		return md_err_set(e, "fsync", m->path, "new");
	if ((which & MD_CUR) && md_dir_sync(m->curfd, NULL) == -1)
		return md_err_set(e, "fsync", m->path, "cur");
	return 0;
}

/* ---- new names that never replace one ---- */

/* Same inode under both names: the link happened even if NFS said not. */
static int
same_file(int dfa, const char *a, int dfb, const char *b)
{
	struct stat sa, sb;
	int saved = errno; /* the caller still needs link's errno */

	if (fstatat(dfa, a, &sa, AT_SYMLINK_NOFOLLOW) == -1 ||
	    fstatat(dfb, b, &sb, AT_SYMLINK_NOFOLLOW) == -1) {
		errno = saved;
		return 0;
	}
	errno = saved;
	return sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

/* A retransmitted LINK whose first reply was lost says EEXIST: the
 * inodes tell whether the name is ours (Postfix's sane_link does so). */
int
md_link(int from, const char *a, int to, const char *b)
{
	if (linkat(from, a, to, b, 0) == 0)
		return 0;
	if (errno == EEXIST && same_file(from, a, to, b))
		return 0;
	return -1;
}

/* On file systems without RENAME_NOREPLACE (NFS among them) a check just
 * before the rename, which is the best there is. */
int
md_rename_noreplace(int from, const char *a, int to, const char *b)
{
	struct stat st;

	if (renameat2(from, a, to, b, RENAME_NOREPLACE) == 0)
		return 0;
	if (errno != EINVAL && errno != ENOSYS)
		return -1;
	if (fstatat(to, b, &st, AT_SYMLINK_NOFOLLOW) == 0) {
		errno = EEXIST;
		return -1;
	}
	return renameat(from, a, to, b);
}

int
md_rename_durable(int from, const char *a, int to, const char *b)
{
	if (md_rename_noreplace(from, a, to, b) == -1 ||
	    md_dir_sync(to, NULL) == -1)
		return -1;
	return from == to ? 0 : md_dir_sync(from, NULL);
}

/* ---- placing a message ---- */

static int place(struct md_tmp *t, const struct md_maildir *m, int sub,
    const char *info, struct md_namegen *g, char *name, size_t size,
    struct md_err *e, int keep);

/* "new/<base>,S=<size><info>" or "cur/..." into BUF. */
static int
final_name(const char *base, uint64_t bytes, int sub, const char *info,
    char *buf, size_t size)
{
	int n =
	    snprintf(buf, size, "%s/%s,S=%llu%s", sub == MD_CUR ? "cur" : "new",
	        base, (unsigned long long)bytes, info);

	if (n < 0 || (size_t)n >= size || (size_t)n - 4 > NAME_MAX) {
		errno = ENAMETOOLONG;
		return -1;
	}
	return 0;
}

/* Another file system (or no hard links): a private copy in M's tmp/,
 * placed there and then removed from tmp/. */
static int
place_copy(struct md_tmp *t, const struct md_maildir *m, int sub,
    const char *info, struct md_namegen *g, char *name, size_t size,
    struct md_err *e)
{
	char from[PATH_MAX + 8];
	struct md_tmp *c = malloc(sizeof(*c));
	struct stat st;
	int fd, r = -1;

	if (c == NULL)
		return md_err_set(e, "copy", m->path, NULL);
	snprintf(from, sizeof(from), "%s/tmp", t->home->path);
	fd = openat(t->home->tmpfd, t->name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd == -1 || fstat(fd, &st) == -1)
		md_err_set(e, "reopen", t->home->path, "tmp");
	else if (md_tmp_copy(c, m, fd, from, &st.st_mtim, g, e) == 0) {
		r = place(c, m, sub, info, g, name, size, e, 0);
		md_tmp_remove(c);
	}
	if (fd >= 0)
		close(fd);
	free(c);
	return r;
}

/* KEEP: T must stay in tmp/ (for other targets), so where a link cannot
 * be made it is copied; else T may be renamed into place. */
static int
place(struct md_tmp *t, const struct md_maildir *m, int sub, const char *info,
    struct md_namegen *g, char *name, size_t size, struct md_err *e, int keep)
{
	char base[NAME_MAX + 1];
	int dir = sub == MD_CUR ? m->curfd : m->newfd;

	if (keep && t->home->dev != m->dev)
		return place_copy(t, m, sub, info, g, name, size, e);
	strlcpy(base, t->name, sizeof(base));
	for (int i = 0; i < NAME_TRIES; i++) {
		const char *final = name + 4;
		int r;

		if (final_name(base, t->size, sub, info, name, size) == -1)
			return md_err_set(e, "name", m->path, NULL);
		if (!keep && t->nolink)
			r = md_rename_noreplace(
			    t->home->tmpfd, t->name, dir, final);
		else
			r = md_link(t->home->tmpfd, t->name, dir, final);
		if (r == 0)
			return 0;
		if (errno == EEXIST) {
			if (md_name_unique(g, base, sizeof(base)) == -1)
				return md_err_set(e, "name", m->path, NULL);
			continue;
		}
		if (keep && (errno == EXDEV || errno == EPERM ||
		                errno == ENOSYS || errno == ENOTSUP))
			return place_copy(t, m, sub, info, g, name, size, e);
		if (!keep && !t->nolink &&
		    (errno == EPERM || errno == ENOSYS || errno == ENOTSUP)) {
			t->nolink = 1; /* no hard links there: rename it */
			i--;
			continue;
		}
		return md_err_set(e, "link", m->path, name);
	}
	errno = EEXIST;
	return md_err_set(e, "link", m->path, name);
}

int
md_place(struct md_tmp *t, const struct md_maildir *m,
    const struct md_flags *flags, struct md_namegen *g, char *name, size_t size,
    struct md_err *e)
{
	char info[260] = "";

	if (flags != NULL) {
		memcpy(info, ":2,", 4);
		if (md_flags_format(flags, info + 3, sizeof(info) - 3) == -1)
			return md_err_set(e, "name", m->path, NULL);
	}
	return place(t, m, flags ? MD_CUR : MD_NEW, info, g, name, size, e, 1);
}

int
md_place_own(struct md_tmp *t, int sub, const char *info, struct md_namegen *g,
    char *name, size_t size, struct md_err *e)
{
	return place(t, t->home, sub, info, g, name, size, e, 0);
}

/* ---- files replaced on purpose ---- */

/* Only the root and tmp/: new/ and cur/ play no part. A tmp/ that will
 * not open fails as md_tmp_create fails for want of one. */
int
md_replace_open(struct md_maildir *m, const char *dir, struct md_err *e)
{
	m->fd = m->tmpfd = m->newfd = m->curfd = -1;
	m->dev = 0;
	if (strlcpy(m->path, dir, sizeof(m->path)) >= sizeof(m->path)) {
		errno = ENAMETOOLONG;
		return md_err_set(e, "open", dir, NULL);
	}
	if ((m->fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1)
		return md_err_set(e, "open", dir, NULL);
	m->tmpfd = openat(m->fd, "tmp", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (m->tmpfd == -1) {
		md_err_set(e, "create", dir, "tmp");
		md_maildir_close(m);
		return -1;
	}
	return 0;
}

int
md_tmp_replace(struct md_tmp *t, const char *name, struct md_err *e)
{
	const struct md_maildir *m = t->home;

	if (renameat(m->tmpfd, t->name, m->fd, name) == -1)
		return md_err_set(e, "rename", m->path, name);
	t->name[0] = '\0'; /* nothing left in tmp/ to remove */
	if (md_dir_sync(m->fd, NULL) == -1)
		return md_err_set(e, "fsync", m->path, NULL);
	return 0;
}
