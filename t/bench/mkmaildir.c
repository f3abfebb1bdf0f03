/*
 * mkmaildir: a big maildir for the listing and flagging benchmarks, fast.
 * Every message is empty (md-list and md-flag never open one), and they
 * are hard links to a few inodes, one per LINKS messages: one linkat(2)
 * per message, an inode made (mknodat(2)) only every LINKS messages.
 *
 *	mkmaildir [-Up] [-l links] -n NEW -c CUR MAILDIR
 *
 * Makes MAILDIR with tmp/, new/ and cur/ (MAILDIR must not exist yet),
 * then NEW messages in new/ and CUR in cur/, named the way a delivery
 * names them:
 *
 *	new/1795431533.M336548P31007Q4R3f0c5a9e1b2d7c64.mx1.example.org,S=2048
 *	cur/1795431533.M336548P31007Q5R0b91e2d4c6a8f357.mx1.example.org,S=913:2,RS
 *
 * Times rise from message to message, a few deliveries share a process
 * (P, Q), sizes vary. In cur/ about half the messages are seen (S), some
 * replied to (R), flagged (F), drafts (D), trashed (T) or carry keyword
 * a; flags in ASCII order, as md-flag writes them. -U: no message in cur/
 * is seen (the other flags as before). -p prints the path of every
 * message made, MAILDIR/new/NAME or MAILDIR/cur/NAME, one a line.
 *
 * The same arguments make the same names: a fixed seed, no clock.
 *
 * Why links: the root file system here is ext4 without a journal, which
 * will not reuse an inode freed less than 60 s ago (300 s while its
 * inode table block is dirty), and skips such inodes one by one for
 * every inode it allocates. 200,000 new inodes soon after a big rm -rf
 * then take minutes instead of seconds, and freeing them slows down the
 * next benchmark or test that creates files. A listing reads names and
 * d_type and a flag change renames names: neither looks at the inode.
 * -l 1 gives every message its own inode after all. LINKS is at most
 * 60000 (ext4 allows 65000 links to a file), 50000 by default.
 */
#include <err.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "gen.h"

static void
usage(void)
{
	fprintf(stderr,
	    "usage: mkmaildir [-Up] [-l links] -n new -c cur maildir\n");
	exit(2);
}

int
main(int argc, char *argv[])
{
	static char out[256 * 1024];
	char name[256], path[4096], linkto[256];
	struct gen_delivery dl = GEN_DELIVERY_INIT;
	long long nnew = -1, ncur = -1, links = 50000;
	int unseen = 0, print = 0, c, fds[2], linkfd = -1;
	size_t olen = 0;

	while ((c = getopt(argc, argv, "Uc:l:n:p")) != -1) {
		switch (c) {
		case 'U':
			unseen = 1;
			break;
		case 'c':
			ncur = gen_count_arg(optarg, c);
			break;
		case 'l':
			links = gen_count_arg(optarg, c);
			if (links < 1 || links > 60000)
				errx(2, "-l %s: from 1 to 60000", optarg);
			break;
		case 'n':
			nnew = gen_count_arg(optarg, c);
			break;
		case 'p':
			print = 1;
			break;
		default:
			usage();
		}
	}
	if (argc - optind != 1 || nnew < 0 || ncur < 0)
		usage();
	const char *dir = argv[optind];

	gen_maildir(dir, fds);

	/* cur/ first: the newest mail is in new/, so its times come last. */
	for (long long i = 0; i < nnew + ncur; i++) {
		int in_cur = i < ncur;
		size_t msize;
		int n;

		gen_deliver(&dl);
		msize = (size_t)(300 + gen_next() % 40000);
		n = gen_name(name, sizeof(name), &dl, msize, in_cur, unseen);
		if (i % links == 0) { /* a new inode: this message's */
			if (mknodat(fds[in_cur], name, S_IFREG | 0600, 0) == -1)
				err(1, "%s/%s/%s", dir, in_cur ? "cur" : "new",
				    name);
			linkfd = fds[in_cur];
			memcpy(linkto, name, (size_t)n + 1);
		} else if (linkat(linkfd, linkto, fds[in_cur], name, 0) == -1)
			err(1, "%s/%s/%s", dir, in_cur ? "cur" : "new", name);
		if (!print)
			continue;
		n = snprintf(path, sizeof(path), "%s/%s/%s\n", dir,
		    in_cur ? "cur" : "new", name);
		if (n < 0 || (size_t)n >= sizeof(path))
			errx(1, "path too long");
		if (olen + (size_t)n > sizeof(out)) {
			if (fwrite(out, 1, olen, stdout) != olen)
				err(1, "stdout");
			olen = 0;
		}
		memcpy(out + olen, path, (size_t)n);
		olen += (size_t)n;
	}
	if (fwrite(out, 1, olen, stdout) != olen || fflush(stdout) == EOF)
		err(1, "stdout");
	return 0;
}
