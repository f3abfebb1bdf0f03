/*
 * scan.c: reading a directory fast: getdents64(2) into a large buffer,
 * d_type from the entry, never a stat. Names starting with '.' are not
 * messages (mutt and others keep temporary files that way) and are
 * skipped.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "internal.h"

/* 1 MiB: a 200,000-entry cur/ in about a dozen calls. */
#define SCAN_BUF (1024 * 1024)

int
md_scan_open(struct md_scan *s, int dirfd, const char *sub)
{
	s->pos = s->len = 0;
	s->buf = NULL;
	s->fd = openat(dirfd, sub, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (s->fd == -1)
		return -1;
	if ((s->buf = malloc(SCAN_BUF)) == NULL) {
		close(s->fd);
		s->fd = -1;
		return -1;
	}
	return 0;
}

/* Past the dot entries that come next in the buffer. */
static void
skip_dots(struct md_scan *s)
{
	while (s->pos < s->len) {
		const struct dirent64 *d =
		    (const struct dirent64 *)(void *)(s->buf + s->pos);

		if (d->d_name[0] != '.')
			break;
		s->pos += d->d_reclen;
	}
}

int
md_scan_next(struct md_scan *s, const char **name, unsigned char *type)
{
	struct dirent64 *d;

	/* Dot entries are stepped over as soon as they are next, in one
	 * place. */
	while (s->pos >= s->len) {
		ssize_t n = getdents64(s->fd, s->buf, SCAN_BUF);

		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			return (int)n;
		s->len = (size_t)n;
		s->pos = 0;
		skip_dots(s);
	}
	d = (struct dirent64 *)(void *)(s->buf + s->pos);
	s->pos += d->d_reclen;
	*name = d->d_name;
	*type = d->d_type;
	skip_dots(s);
	return 1;
}

void
md_scan_close(struct md_scan *s)
{
	if (s->fd >= 0)
		close(s->fd);
	free(s->buf);
	s->fd = -1;
	s->buf = NULL;
}
