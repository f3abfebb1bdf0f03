/*
 * floor-list: the floor for md-list's benchmark. What listing a maildir
 * cannot avoid: open new/ and cur/, read them with getdents64(2) into a
 * 1 MiB buffer, and write "MAILDIR/new/NAME\n" or "MAILDIR/cur/NAME\n" for
 * every entry whose name does not start with '.', through a 256 KiB
 * output buffer flushed with write(2). Nothing else: no type check, no
 * flag parsing, no libmaildir, no stdio on the way.
 *
 *	floor-list MAILDIR
 *
 * Its output is md-list MAILDIR's, byte for byte, for a maildir of
 * plain files.
 */
#include <dirent.h>
#include <err.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define SCAN_BUF (1024 * 1024)
#define OUT_BUF (256 * 1024)

static char buf[SCAN_BUF];
static char out[OUT_BUF];
static size_t olen;

static void
flush(void)
{
	for (size_t off = 0; off < olen;) {
		ssize_t n = write(STDOUT_FILENO, out + off, olen - off);

		if (n == -1)
			err(1, "stdout");
		off += (size_t)n;
	}
	olen = 0;
}

static void
put(const char *p, size_t n)
{
	if (olen + n > sizeof(out))
		flush();
	memcpy(out + olen, p, n);
	olen += n;
}

static void
list(const char *dir, const char *sub)
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
	while ((n = getdents64(fd, buf, sizeof(buf))) > 0) {
		for (ssize_t pos = 0; pos < n;) {
			struct dirent64 *d = (struct dirent64 *)(buf + pos);

			pos += d->d_reclen;
			if (d->d_name[0] == '.')
				continue;
			put(prefix, (size_t)plen);
			put(d->d_name, strlen(d->d_name));
			put("\n", 1);
		}
	}
	if (n == -1)
		err(1, "%s/%s", dir, sub);
	close(fd);
}

int
main(int argc, char *argv[])
{
	if (argc != 2) {
		fprintf(stderr, "usage: floor-list maildir\n");
		return 2;
	}
	list(argv[1], "new");
	list(argv[1], "cur");
	flush();
	return 0;
}
