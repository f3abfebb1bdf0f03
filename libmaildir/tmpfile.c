/* tmpfile.c: writing a message into tmp/ and making its bytes durable. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "maildir.h"

/* Names carry 64 random bits, so a clash means a broken clock or RNG:
 * a few fresh names settle it, and the bound keeps a bug from spinning. */
#define CREATE_TRIES 8

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
	for (int i = 0; i < CREATE_TRIES; i++) {
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
			goto fail;
		}
		if (w == 0) {
			errno = EIO;
			goto fail;
		}
		p += w;
		n -= (size_t)w;
	}
	return 0;
fail:
	tmp_err(t, "write", e);
	return -1;
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
