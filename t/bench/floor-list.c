/*
 * floor-list: the floor for md-list's benchmark. What listing a maildir
 * cannot avoid: open new/ and cur/, read them with getdents64(2) into a
 * 1 MiB buffer, and write "MAILDIR/new/NAME\n" or "MAILDIR/cur/NAME\n" for
 * every entry whose name does not start with '.', through a 256 KiB
 * output buffer flushed with write(2). Nothing else: no type check, no
 * flag parsing, no libmaildir, no stdio on the way (floor.h).
 *
 *	floor-list MAILDIR
 *
 * Its output is md-list MAILDIR's, byte for byte, for a maildir of
 * plain files.
 */
#include "floor.h"

int
main(int argc, char *argv[])
{
	return floor_main(argc, argv, "floor-list", NULL);
}
