/* place.c: making a finished tmp file visible in new/ or cur/. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "maildir.h"

/* A true name clash needs a broken clock and RNG; the bound stops a bug. */
#define PLACE_TRIES 8

static int place(struct md_tmp *t, const struct md_maildir *m,
    const struct md_flags *flags, struct md_namegen *g, char *name, size_t size,
    struct md_err *e, int may_copy);

static int
final_name(const char *base, uint64_t bytes, const struct md_flags *flags,
    char *buf, size_t size)
{
	char fl[257] = "";
	int n;

	if (flags != NULL && md_flags_format(flags, fl, sizeof(fl)) == -1)
		return -1;
	n = snprintf(buf, size, "%s/%s,S=%llu%s%s", flags ? "cur" : "new", base,
	    (unsigned long long)bytes, flags ? ":2," : "", fl);
	if (n < 0 || (size_t)n >= size || (size_t)n - 4 > NAME_MAX) {
		errno = ENAMETOOLONG;
		return -1;
	}
	return 0;
}

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

/* Write T's bytes (and mtime) into a fresh tmp file C in M. */
static int
copy_into(struct md_tmp *t, struct md_tmp *c, const struct md_maildir *m,
    struct md_namegen *g, struct md_err *e)
{
	enum { CHUNK = 65536 };
	char *buf = malloc(CHUNK);
	struct stat st;
	ssize_t r;
	int fd = -1;

	c->name[0] = '\0';
	c->fd = -1;
	if (buf == NULL)
		return md_err_set(e, "copy", m->path, NULL);
	fd = openat(t->home->tmpfd, t->name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd == -1 || fstat(fd, &st) == -1) {
		md_err_set(e, "reopen", t->home->path, "tmp");
		goto fail;
	}
	c->limit = 0;
	if (md_tmp_create(c, m, g, e) == -1)
		goto fail;
	while ((r = read(fd, buf, CHUNK)) != 0) {
		if (r == -1 && errno == EINTR)
			continue;
		if (r == -1) {
			md_err_set(e, "read", t->home->path, "tmp");
			goto fail;
		}
		if (md_tmp_write(c, buf, (size_t)r, e) == -1)
			goto fail;
	}
	close(fd);
	free(buf);
	if (md_tmp_finish(c, &st.st_mtim, e) == -1) {
		md_tmp_remove(c);
		return -1;
	}
	return 0;
fail:
	if (c->name[0] != '\0')
		md_tmp_remove(c);
	if (fd >= 0)
		close(fd);
	free(buf);
	return -1;
}

/* Another filesystem (or no hard links): a private copy in M's tmp/,
 * placed there and then removed from tmp/. */
static int
place_copy(struct md_tmp *t, const struct md_maildir *m,
    const struct md_flags *flags, struct md_namegen *g, char *name, size_t size,
    struct md_err *e)
{
	struct md_tmp *c = malloc(sizeof(*c));
	int r;

	if (c == NULL)
		return md_err_set(e, "copy", m->path, NULL);
	r = copy_into(t, c, m, g, e);
	if (r == 0) {
		r = place(c, m, flags, g, name, size, e, 0);
		md_tmp_remove(c);
	}
	free(c);
	return r;
}

static int
place(struct md_tmp *t, const struct md_maildir *m,
    const struct md_flags *flags, struct md_namegen *g, char *name, size_t size,
    struct md_err *e, int may_copy)
{
	char base[NAME_MAX + 1];
	int dir = flags ? m->curfd : m->newfd;
	int own = t->home == m && !may_copy;

	if (t->home->dev != m->dev && may_copy)
		return place_copy(t, m, flags, g, name, size, e);
	strlcpy(base, t->name, sizeof(base));
	for (int i = 0; i < PLACE_TRIES; i++) {
		const char *final = name + 4;
		int r;

		if (final_name(base, t->size, flags, name, size) == -1)
			return md_err_set(e, "name", m->path, NULL);
		if (own && t->nolink)
			r = md_rename_noreplace(
			    t->home->tmpfd, t->name, dir, final);
		else
			r = linkat(t->home->tmpfd, t->name, dir, final, 0);
		if (r == 0)
			return 0;
		if (errno == EEXIST &&
		    same_file(t->home->tmpfd, t->name, dir, final))
			return 0;
		if (errno == EEXIST) {
			if (md_name_unique(g, base, sizeof(base)) == -1)
				return md_err_set(e, "name", m->path, NULL);
			continue;
		}
		if (may_copy && (errno == EXDEV || errno == EPERM ||
		                    errno == ENOSYS || errno == ENOTSUP))
			return place_copy(t, m, flags, g, name, size, e);
		if (own && !t->nolink &&
		    (errno == EPERM || errno == ENOSYS || errno == ENOTSUP)) {
			t->nolink = 1;
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
	return place(t, m, flags, g, name, size, e, 1);
}

/* The new entry is durable only once its directory is synced; file
 * systems that cannot sync a directory say EINVAL, which is no failure. */
int
md_maildir_sync(const struct md_maildir *m, int which, struct md_err *e)
{
	if ((which & MD_NEW) && fsync(m->newfd) == -1 && errno != EINVAL)
		return md_err_set(e, "fsync", m->path, "new");
	if ((which & MD_CUR) && fsync(m->curfd) == -1 && errno != EINVAL)
		return md_err_set(e, "fsync", m->path, "cur");
	return 0;
}
