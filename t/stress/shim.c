/*
 * shim.so: an LD_PRELOAD shim that makes rare coincidences happen on
 * purpose, for the concurrency tests.
 *
 *   MDKIT_SHIM_TIME=SECS    gettimeofday(2) says SECS.000000, always: two
 *                           hosts whose clocks agree to the microsecond
 *   MDKIT_SHIM_RANDOM=BYTE  getrandom(2) fills its buffer with BYTE (a
 *                           number 0..255): a random generator that
 *                           repeats itself
 *   MDKIT_SHIM_RENAME=NAME/TO
 *                           just after the first fstatat(2) that looks at
 *                           an entry NAME of a directory (by descriptor),
 *                           that entry is renamed to TO, a path relative
 *                           to the same directory (such as ../cur/NAME:2,S):
 *                           another process renaming a message right
 *                           after this one looked at it
 *   MDKIT_SHIM_STOP=unlinkat
 *                           the process stops itself (SIGSTOP) just after
 *                           its first unlinkat(2) that succeeds, for the
 *                           test to do what another process would do
 *                           then, and to let it go on with SIGCONT
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

int
gettimeofday(struct timeval *restrict tv, void *restrict tz)
{
	static int (*real)(struct timeval *restrict, void *restrict);
	const char *s = getenv("MDKIT_SHIM_TIME");

	if (s != NULL) {
		tv->tv_sec = (time_t)strtoll(s, NULL, 10);
		tv->tv_usec = 0;
		return 0;
	}
	if (real == NULL)
		real = (int (*)(struct timeval *restrict, void *restrict))dlsym(
		    RTLD_NEXT, "gettimeofday");
	return real(tv, tz);
}

ssize_t
getrandom(void *buf, size_t len, unsigned int flags)
{
	static ssize_t (*real)(void *, size_t, unsigned int);
	const char *s = getenv("MDKIT_SHIM_RANDOM");

	if (s != NULL) {
		memset(buf, (int)strtol(s, NULL, 0) & 0xff, len);
		return (ssize_t)len;
	}
	if (real == NULL)
		real = (ssize_t(*)(void *, size_t, unsigned int))dlsym(
		    RTLD_NEXT, "getrandom");
	return real(buf, len, flags);
}

static void
rename_after(int dirfd, const char *name)
{
	static int done;
	const char *s = getenv("MDKIT_SHIM_RENAME"), *slash;

	if (done || s == NULL || dirfd == AT_FDCWD ||
	    (slash = strchr(s, '/')) == NULL ||
	    strlen(name) != (size_t)(slash - s) ||
	    strncmp(name, s, (size_t)(slash - s)) != 0)
		return;
	done = 1;
	if (renameat(dirfd, name, dirfd, slash + 1) == -1)
		perror("shim: rename");
}

static int
real_fstatat(int dirfd, const char *path, struct stat *st, int flags)
{
	static int (*real)(int, const char *, struct stat *, int);

	if (real == NULL)
		real = (int (*)(int, const char *, struct stat *, int))dlsym(
		    RTLD_NEXT, "fstatat");
	return real(dirfd, path, st, flags);
}

int
fstatat(int dirfd, const char *path, struct stat *st, int flags)
{
	int r = real_fstatat(dirfd, path, st, flags);

	rename_after(dirfd, path);
	return r;
}

int
unlinkat(int dirfd, const char *path, int flags)
{
	static int (*real)(int, const char *, int);
	static int stopped;
	const char *s = getenv("MDKIT_SHIM_STOP");
	int r;

	if (real == NULL)
		real = (int (*)(int, const char *, int))dlsym(
		    RTLD_NEXT, "unlinkat");
	r = real(dirfd, path, flags);
	if (r == 0 && !stopped && s != NULL && strcmp(s, "unlinkat") == 0) {
		stopped = 1;
		raise(SIGSTOP);
	}
	return r;
}
