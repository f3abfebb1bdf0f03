/*
 * floor.h: what the listing floors (floor-list, floor-read4k) share.
 * Open MAILDIR/new and MAILDIR/cur, read them with getdents64(2) into a
 * 1 MiB buffer, and write "MAILDIR/new/NAME\n" or "MAILDIR/cur/NAME\n"
 * for every entry whose name does not start with '.', through a 256 KiB
 * output buffer flushed with write(2). Bare system calls only: a floor
 * measures the work that cannot be avoided, so no libmaildir and no
 * stdio on the way.
 */
#include <dirent.h>
#include <err.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define FLOOR_SCAN_BUF (1024 * 1024)
#define FLOOR_OUT_BUF (256 * 1024)

/* Work done on an entry before its line: NAME in DIRFD, whose path is
 * PREFIX NAME. */
typedef void floor_each_fn(int dirfd, const char *prefix, const char *name);

static char floor_buf[FLOOR_SCAN_BUF];
static char floor_out[FLOOR_OUT_BUF];
static size_t floor_olen;

static void
floor_flush(void)
{
	for (size_t off = 0; off < floor_olen;) {
		ssize_t n =
		    write(STDOUT_FILENO, floor_out + off, floor_olen - off);

		if (n == -1)
			err(1, "stdout");
		off += (size_t)n;
	}
	floor_olen = 0;
}

static void
floor_put(const char *p, size_t n)
{
	if (floor_olen + n > sizeof(floor_out))
		floor_flush();
	memcpy(floor_out + floor_olen, p, n);
	floor_olen += n;
}

/* A line for every entry of DIR/SUB, after EACH (when not NULL) on it. */
static void
floor_list(const char *dir, const char *sub, floor_each_fn *each)
{
	char prefix[4096];
	int fd, plen;
	ssize_t n;

	plen = snprintf(prefix, sizeof(prefix), "%s/%s/", dir, sub);
	if (plen < 0 || (size_t)plen >= sizeof(prefix))
		errx(1, "%s: path too long", dir);
	prefix[plen - 1] = '\0';
	if ((fd = open(prefix, O_RDONLY | O_DIRECTORY)) == -1)
		err(1, "%s", prefix);
	prefix[plen - 1] = '/';
	while ((n = getdents64(fd, floor_buf, sizeof(floor_buf))) > 0) {
		for (ssize_t pos = 0; pos < n;) {
			struct dirent64 *d =
			    (struct dirent64 *)(floor_buf + pos);

			pos += d->d_reclen;
			if (d->d_name[0] == '.')
				continue;
			if (each != NULL)
				each(fd, prefix, d->d_name);
			floor_put(prefix, (size_t)plen);
			floor_put(d->d_name, strlen(d->d_name));
			floor_put("\n", 1);
		}
	}
	if (n == -1)
		err(1, "%s/%s", dir, sub);
	close(fd);
}

/* The whole program PROG: "PROG MAILDIR", new/ then cur/. */
static int
floor_main(int argc, char *argv[], const char *prog, floor_each_fn *each)
{
	if (argc != 2) {
		fprintf(stderr, "usage: %s maildir\n", prog);
		return 2;
	}
	floor_list(argv[1], "new", each);
	floor_list(argv[1], "cur", each);
	floor_flush();
	return 0;
}
