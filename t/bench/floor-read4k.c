/*
 * floor-read4k: the floor for the header benchmarks (md-list --format
 * without a cache, md-index). What reading every message's header
 * cannot avoid: list new/ and cur/ with getdents64(2) into a 1 MiB
 * buffer, as floor-list does, and for every entry whose name does not
 * start with '.': openat(2) it, read(2) its first 4 KiB (once), close(2)
 * it, and write a line "MAILDIR/new/NAME\n" or "MAILDIR/cur/NAME\n" to a
 * 256 KiB output buffer flushed with write(2), so that its output costs
 * about what a listing's does. No parsing, no stat, no libmaildir, no
 * stdio on the way (floor.h).
 *
 *	floor-read4k MAILDIR
 *
 * Exits 1 when a message cannot be opened or read: the benchmark's
 * maildir holds nothing else.
 */
#include <err.h>
#include <fcntl.h>
#include <unistd.h>

#include "floor.h"

#define HEAD 4096

static char head[HEAD];

/* Open NAME in DIRFD, read its first HEAD bytes, close it. */
static void
read_head(int dirfd, const char *prefix, const char *name)
{
	int fd = openat(dirfd, name, O_RDONLY);

	if (fd == -1)
		err(1, "%s%s", prefix, name);
	if (read(fd, head, sizeof(head)) == -1)
		err(1, "read %s%s", prefix, name);
	close(fd);
}

int
main(int argc, char *argv[])
{
	return floor_main(argc, argv, "floor-read4k", read_head);
}
