/*
 * floor-deliver: the floor for md-deliver's benchmark. Only the system
 * calls a safe Maildir delivery cannot avoid, per message:
 *
 *	open(tmp/NAME, O_WRONLY|O_CREAT|O_EXCL), write, fsync, close,
 *	link(tmp/NAME, new/NAME), unlink(tmp/NAME), fsync(new/)
 *
 * with new/ opened once per process. No header handling, no checks
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
	char tmp[PATH_MAX], new[PATH_MAX];
	char *end;
	long long now = (long long)time(NULL);
	long pid = (long)getpid();
	long long count = 1;
	int batch = 0, c, newfd;
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
	snprintf(new, sizeof(new), "%s/new", dir);
	if ((newfd = open(new, O_RDONLY | O_DIRECTORY)) == -1)
		err(1, "%s", new);
	for (long long i = 1; i <= count; i++) {
		int fd, n1, n2;
		ssize_t w;

		n1 = snprintf(tmp, sizeof(tmp), "%s/tmp/%lld.%ld_%lld.floor",
		    dir, now, pid, i);
		n2 = snprintf(new, sizeof(new), "%s/new/%lld.%ld_%lld.floor",
		    dir, now, pid, i);
		if (n1 < 0 || n2 < 0 || (size_t)n1 >= sizeof(tmp) ||
		    (size_t)n2 >= sizeof(new))
			errx(1, "%s: path too long", dir);
		fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL, 0600);
		if (fd == -1)
			err(1, "%s", tmp);
		for (size_t off = 0; off < len; off += (size_t)w)
			if ((w = write(fd, msg + off, len - off)) <= 0)
				err(1, "write %s", tmp);
		if (fsync(fd) == -1)
			err(1, "fsync %s", tmp);
		if (close(fd) == -1)
			err(1, "close %s", tmp);
		if (link(tmp, new) == -1)
			err(1, "link %s", new);
		if (unlink(tmp) == -1)
			err(1, "unlink %s", tmp);
		if (!batch && fsync(newfd) == -1)
			err(1, "fsync %s/new", dir);
	}
	if (batch && fsync(newfd) == -1)
		err(1, "fsync %s/new", dir);
	free(msg);
	return 0;
}
