/*
 * inject.so: an LD_PRELOAD shim that makes one system call fail, so the
 * tests can watch md-deliver meet disk-full, I/O errors, NFS surprises
 * and filesystems without hard links. MDKIT_FAULT=CALL=ERRNO[@N] fails
 * the Nth matching call (default: every one):
 *   write   writes to regular files     fsync    fsync of regular files
 *   dirsync fsync of directories        close    close of write-only fds
 *   linkat  link into new/ or cur/      renameat2
 *   fstatat fstatat of a bare name relative to a directory descriptor,
 *           but not of a maildir's own parts: a look at an entry just read
 * Several faults: MDKIT_FAULT=linkat=EPERM,renameat2=EINVAL.
 * ERRNO is a name (ENOSPC, EIO, EDQUOT, EXDEV, EPERM, EEXIST, ...).
 * linkat=LINKED makes the link and then reports EEXIST, as NFS may.
 *
 * MDKIT_CLOCK_STEP=MS: CLOCK_MONOTONIC reads MS milliseconds later at
 * each call (and stands still between), so that what depends on time
 * passing (md-index's progress) is tested without waiting for it.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static const struct {
	const char *name;
	int value;
} errnos[] = { { "ENOSPC", ENOSPC }, { "EIO", EIO }, { "EDQUOT", EDQUOT },
	{ "EXDEV", EXDEV }, { "EPERM", EPERM }, { "EEXIST", EEXIST },
	{ "ESTALE", ESTALE }, { "EROFS", EROFS }, { "EINVAL", EINVAL },
	{ "ENOSYS", ENOSYS }, { "EACCES", EACCES }, { "ELOOP", ELOOP },
	{ "EMSGSIZE", EMSGSIZE }, { "ENOENT", ENOENT }, { "LINKED", -1 } };

/* Does a fault name CALL? Sets *err; counts CALL's calls. Several
 * faults may be given, separated by ','. */
static int
fault(const char *call, int *err)
{
	static const char *calls[] = { "write", "fsync", "dirsync", "close",
		"linkat", "renameat2", "fstatat" };
	static int seen[7];
	const char *spec = getenv("MDKIT_FAULT");
	size_t n = strlen(call);
	int k = 0;

	while (k < 7 && strcmp(calls[k], call) != 0)
		k++;
	if (spec == NULL || k == 7)
		return 0;
	seen[k]++;
	for (; spec != NULL;
	     spec = strchr(spec, ',') ? strchr(spec, ',') + 1 : NULL) {
		const char *eq = spec + n + 1, *at;
		size_t len;

		if (strncmp(spec, call, n) != 0 || spec[n] != '=')
			continue;
		len = strcspn(eq, "@,");
		at = eq[len] == '@' ? eq + len : NULL;
		if (at != NULL && atoi(at + 1) != seen[k])
			return 0;
		for (size_t i = 0; i < sizeof(errnos) / sizeof(errnos[0]);
		     i++) {
			if (strlen(errnos[i].name) == len &&
			    strncmp(eq, errnos[i].name, len) == 0) {
				*err = errnos[i].value;
				return 1;
			}
		}
	}
	return 0;
}

static int
is_kind(int fd, mode_t kind)
{
	struct stat st;

	return fstat(fd, &st) == 0 && (st.st_mode & S_IFMT) == kind;
}

#define REAL(name) ((__typeof__(name) *)dlsym(RTLD_NEXT, #name))

ssize_t
write(int fd, const void *buf, size_t n)
{
	int err;

	if (is_kind(fd, S_IFREG) && fault("write", &err)) {
		errno = err;
		return -1;
	}
	return REAL(write)(fd, buf, n);
}

int
fsync(int fd)
{
	int err;

	if (fault(is_kind(fd, S_IFDIR) ? "dirsync" : "fsync", &err)) {
		errno = err;
		return -1;
	}
	return REAL(fsync)(fd);
}

int
close(int fd)
{
	int fl = fcntl(fd, F_GETFL), err;

	if (fl != -1 && (fl & O_ACCMODE) == O_WRONLY && is_kind(fd, S_IFREG) &&
	    fault("close", &err)) {
		REAL(close)(fd);
		errno = err;
		return -1;
	}
	return REAL(close)(fd);
}

int
linkat(int a, const char *from, int b, const char *to, int flags)
{
	int err;

	if (fault("linkat", &err)) {
		if (err == -1) {
			REAL(linkat)(a, from, b, to, flags);
			err = EEXIST;
		}
		errno = err;
		return -1;
	}
	return REAL(linkat)(a, from, b, to, flags);
}

int
renameat2(int a, const char *from, int b, const char *to, unsigned flags)
{
	int err;

	if (fault("renameat2", &err)) {
		errno = err;
		return -1;
	}
	return REAL(renameat2)(a, from, b, to, flags);
}

/* Only a look at a name relative to a directory descriptor, as at an
 * entry just read: the lookups of a maildir's own parts go through. */
int
fstatat(int dirfd, const char *name, struct stat *st, int flags)
{
	int err;

	static const char *const parts[] = { ".", "tmp", "new", "cur",
		"maildirfolder", "maildirsize" };
	int part = 0;

	for (size_t i = 0; i < sizeof(parts) / sizeof(parts[0]); i++)
		part |= strcmp(name, parts[i]) == 0;
	if (dirfd != AT_FDCWD && strchr(name, '/') == NULL && !part &&
	    fault("fstatat", &err)) {
		errno = err;
		return -1;
	}
	return REAL(fstatat)(dirfd, name, st, flags);
}

int
clock_gettime(clockid_t id, struct timespec *ts)
{
	static int (*real)(clockid_t, struct timespec *);
	static long long calls;
	const char *step = getenv("MDKIT_CLOCK_STEP");
	long long ns;

	if (real == NULL)
		real = (int (*)(clockid_t, struct timespec *))dlsym(
		    RTLD_NEXT, "clock_gettime");
	if (step == NULL || id != CLOCK_MONOTONIC)
		return real(id, ts);
	ns = ++calls * atoll(step) * 1000000LL;
	ts->tv_sec = (time_t)(ns / 1000000000LL);
	ts->tv_nsec = (long)(ns % 1000000000LL);
	return 0;
}
