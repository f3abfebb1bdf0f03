/*
 * floor-deliver: the floor for md-deliver's benchmark. Only the system
 * calls a safe Maildir delivery cannot avoid, per message:
 *
 *	open(tmp/NAME, O_WRONLY|O_CREAT|O_EXCL), write, fsync, close,
 *	link(tmp/NAME, new/NAME), unlink(tmp/NAME), fsync(new/)
 *
 * with tmp/ and new/ opened once per process and every call made
 * relative to them (cheaper than walking a path each time: the floor is
 * the fastest form of the sequence). No header handling, no checks
 * beyond failing loudly, no libmaildir.
 *
 *	floor-deliver MAILDIR			one message from stdin
 *	floor-deliver -n COUNT [-b] MAILDIR	COUNT copies of stdin
 *
 * -b syncs new/ once after the last message instead of after each: the
 * floor of a batch (mbox import) that promises durability only at exit.
 */
#include <err.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static char *
slurp(int fd, size_t *len)
{
	size_t cap = 65536, n = 0;
	char *buf = malloc(cap);
	ssize_t r;

	if (buf == NULL)
		err(1, "malloc");
	while ((r = read(fd, buf + n, cap - n)) != 0) {
		if (r == -1)
			err(1, "read stdin");
		n += (size_t)r;
		if (n == cap && (buf = realloc(buf, cap *= 2)) == NULL)
			err(1, "realloc");
	}
	*len = n;
	return buf;
}

static void
usage(void)
{
	fprintf(stderr, "usage: floor-deliver [-b] [-n count] maildir\n");
	exit(2);
}

int
main(int argc, char *argv[])
{
	char path[PATH_MAX], name[NAME_MAX + 1];
	char *end;
	long long now = (long long)time(NULL);
	long pid = (long)getpid();
	long long count = 1;
	int batch = 0, c, tmpfd, newfd;
	size_t len;
	char *msg;

	while ((c = getopt(argc, argv, "bn:")) != -1) {
		switch (c) {
		case 'b':
			batch = 1;
			break;
		case 'n':
			count = strtoll(optarg, &end, 10);
			if (*optarg == '\0' || *end != '\0' || count < 1)
				errx(2, "-n %s: not a count", optarg);
			break;
		default:
			usage();
		}
	}
	if (argc - optind != 1)
		usage();
	const char *dir = argv[optind];

	msg = slurp(STDIN_FILENO, &len);
	snprintf(path, sizeof(path), "%s/tmp", dir);
	if ((tmpfd = open(path, O_RDONLY | O_DIRECTORY)) == -1)
		err(1, "%s", path);
	snprintf(path, sizeof(path), "%s/new", dir);
	if ((newfd = open(path, O_RDONLY | O_DIRECTORY)) == -1)
		err(1, "%s", path);
	for (long long i = 1; i <= count; i++) {
		int fd;
		ssize_t w;

		snprintf(
		    name, sizeof(name), "%lld.%ld_%lld.floor", now, pid, i);
		fd = openat(tmpfd, name, O_WRONLY | O_CREAT | O_EXCL, 0600);
		if (fd == -1)
			err(1, "%s/tmp/%s", dir, name);
		for (size_t off = 0; off < len; off += (size_t)w)
			if ((w = write(fd, msg + off, len - off)) <= 0)
				err(1, "write %s", name);
		if (fsync(fd) == -1)
			err(1, "fsync %s", name);
		if (close(fd) == -1)
			err(1, "close %s", name);
		if (linkat(tmpfd, name, newfd, name, 0) == -1)
			err(1, "link %s", name);
		if (unlinkat(tmpfd, name, 0) == -1)
			err(1, "unlink %s", name);
		if (!batch && fsync(newfd) == -1)
			err(1, "fsync %s/new", dir);
	}
	if (batch && fsync(newfd) == -1)
		err(1, "fsync %s/new", dir);
	free(msg);
	return 0;
}
