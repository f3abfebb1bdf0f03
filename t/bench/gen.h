/*
 * gen.h: what the maildir generators (mkmaildir, mkheaders) share: a
 * random sequence from a fixed seed, count arguments, a new maildir, and
 * message names the way a delivery makes them. The same arguments make
 * the same names: a fixed seed, no clock.
 */
#include <err.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#define GEN_BASE_TIME 1795431533LL /* the first delivery's time */
#define GEN_HOST "mx1.example.org"

static uint64_t gen_rng = 0x2545f4914f6cdd1dULL;

/* xorshift64*: plenty for names and test mail. */
static uint64_t
gen_next(void)
{
	gen_rng ^= gen_rng >> 12;
	gen_rng ^= gen_rng << 25;
	gen_rng ^= gen_rng >> 27;
	return gen_rng * 0x2545f4914f6cdd1dULL;
}

static int
gen_chance(unsigned percent)
{
	return gen_next() % 100 < percent;
}

static long long
gen_count_arg(const char *s, int opt)
{
	char *end;
	long long n = strtoll(s, &end, 10);

	if (*s == '\0' || *end != '\0' || n < 0)
		errx(2, "-%c %s: not a count", opt, s);
	return n;
}

/* Make DIR (it must not exist yet) with tmp/, new/ and cur/; new/ and
 * cur/ opened into FDS[0] and FDS[1]. */
static void
gen_maildir(const char *dir, int fds[2])
{
	int dfd;

	if (mkdir(dir, 0700) == -1)
		err(1, "%s", dir);
	if ((dfd = open(dir, O_RDONLY | O_DIRECTORY)) == -1)
		err(1, "%s", dir);
	if (mkdirat(dfd, "tmp", 0700) == -1 ||
	    mkdirat(dfd, "new", 0700) == -1 || mkdirat(dfd, "cur", 0700) == -1)
		err(1, "%s: subdirectories", dir);
	if ((fds[0] = openat(dfd, "new", O_RDONLY | O_DIRECTORY)) == -1 ||
	    (fds[1] = openat(dfd, "cur", O_RDONLY | O_DIRECTORY)) == -1)
		err(1, "%s: subdirectories", dir);
}

/* A delivery: its time, its process and its number in that process. */
struct gen_delivery {
	long long t;
	long pid, q;
};
#define GEN_DELIVERY_INIT                                                      \
	{                                                                      \
		GEN_BASE_TIME, 31007, 0                                        \
	}

/* The next delivery: a few minutes later, a few share a process. */
static void
gen_deliver(struct gen_delivery *d)
{
	d->t += (long long)(gen_next() % 600); /* a message every 5 minutes */
	if (d->q == 0 || gen_chance(30)) {     /* a new delivery process */
		d->pid = 1000 + (long)(gen_next() % 4000000);
		d->q = 0;
	}
	d->q++;
}

/*
 * The name of delivery D, for a message of MSIZE bytes, into NAME; its
 * length. In cur/ (IN_CUR) with flags in ASCII order, as md-flag writes
 * them: about half seen (none on UNSEEN), some replied to, flagged,
 * drafts, trashed or with keyword a.
 */
static int
gen_name(char *name, size_t size, const struct gen_delivery *d, size_t msize,
    int in_cur, int unseen)
{
	/* R before M: the order these were drawn in when they were
	 * snprintf's arguments, kept so that the names stay the same. */
	unsigned long long r = gen_next();
	long m = (long)(gen_next() % 1000000);
	int n;

	n = snprintf(name, size, "%lld.M%ldP%ldQ%ldR%016llx." GEN_HOST ",S=%zu",
	    d->t, m, d->pid, d->q, r, msize);
	if (in_cur) {
		char flags[8], *f = flags;

		if (gen_chance(3))
			*f++ = 'D';
		if (gen_chance(5))
			*f++ = 'F';
		if (gen_chance(15))
			*f++ = 'R';
		if (!unseen && gen_chance(50))
			*f++ = 'S';
		if (gen_chance(2))
			*f++ = 'T';
		if (gen_chance(4))
			*f++ = 'a';
		*f = '\0';
		n += snprintf(name + n, size - (size_t)n, ":2,%s", flags);
	}
	if (n < 0 || (size_t)n >= size)
		errx(1, "name too long");
	return n;
}
