/*
 * inject.so: an LD_PRELOAD shim that counts the calls a program makes and
 * makes one of them fail, so that the tests can watch the programs meet
 * disk-full, I/O errors, NFS surprises, file systems without hard links
 * and memory running out; t/fault/sweep.sh fails every call of an
 * operation in turn (see t/fault/README).
 *
 * MDKIT_FAULT=CALL=ERRNO[@N] fails the Nth call counted under CALL
 * (without @N: every one). Several: MDKIT_FAULT=linkat=EPERM,renameat2=EINVAL.
 * ERRNO is any errno name glibc knows (ENOSPC, EIO, EDQUOT, ESTALE,
 * ENOMEM, EINTR, ...) or a number; two more:
 *   short    (write only) writes half the bytes asked for and says so
 *   LINKED   (link, linkat) makes the link, then says EEXIST, as NFS may
 *   SYMLINK  fails nothing: first plants a symlink to MDKIT_FAULT_SYMLINK
 *            (a path) under the name the call is about to create or
 *            open (its destination: openat's path, link's or rename's
 *            new name, mkdir's), as an attacker racing the program
 *            would; then the call goes ahead
 *
 * CALL names what is counted: the function the program calls, except
 * for a few that count only the calls whose failure the tests are after:
 *   open      open, open64, creat      openat   openat, openat64
 *   opendir   opendir                  read     read
 *   pread     pread, pread64           write    write to regular files
 *   fsync     fsync of regular files   dirsync  fsync of directories
 *   fdatasync fdatasync                close    close of an fd open for
 *   link, linkat, rename, renameat,             writing a regular file
 *   renameat2, unlink, unlinkat, mkdir, mkdirat, futimens, fchmod, fchown,
 *   getdents64 (md_scan reads directories with it)
 *   readdir   readdir, readdir64: glibc's readdir calls getdents64 inside
 *             libc, where no shim can see it, so a failing readdir
 *             stands for its getdents64 failing
 *   stat, lstat, fstat (and their *64 names)
 *   newfstatat every fstatat (the system call's name)
 *   fstatat   only an fstatat of a bare name relative to a directory
 *             descriptor, not of a maildir's own parts: a look at an
 *             entry just read (the older tests' fault)
 *   mmap      mmap, mmap64, as the program calls it (not malloc's own)
 *   malloc    malloc, calloc, realloc: the program's and libc's (glibc
 *             calls its malloc through the PLT: strdup, opendir, stdio
 *             and getdelim count too). Not in a sanitized build, whose
 *             own allocator comes first.
 * glibc's internal calls (stdio writing to a FILE, opendir's openat)
 * never pass through a shim and are neither counted nor failed.
 *
 * Counting starts when this shim's constructor has run, before the
 * program's main: what the dynamic loader and libc's start-up do is
 * never counted nor failed, and a program that does the same thing
 * twice makes the same calls in the same order, so that the Nth call of
 * a recording is the Nth call of a rerun. (A program with several
 * threads does not: run md-index with -j 1.)
 *
 * MDKIT_FAULT_RECORD=FILE: at exit (exit(3), a return from main, _exit)
 * FILE gets one line "CALL COUNT" for each CALL counted at least once,
 * in the order above. MDKIT_FAULT_TRACE=FILE: one line a call appended
 * to FILE as it happens, "CALL N WHAT" (WHAT a path, the file behind a
 * descriptor, or a size). Both are written with raw system calls that
 * are never counted, so a recording run makes the calls a faulty one
 * makes. A process killed by a signal records nothing; a child of the
 * process (fork) records nothing either.
 *
 * MDKIT_CLOCK_STEP=MS: CLOCK_MONOTONIC reads MS milliseconds later at
 * each call (and stands still between), so that what depends on time
 * passing (md-index's progress) is tested without waiting for it.
 *
 * MDKIT_CLOCK_NOW=SECONDS: time(2) says it is SECONDS past the epoch,
 * so that what depends on the date (Sieve's currentdate) is tested on a
 * day the test chooses.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

enum call {
	C_OPEN,
	C_OPENAT,
	C_OPENDIR,
	C_READ,
	C_PREAD,
	C_WRITE,
	C_FSYNC,
	C_DIRSYNC,
	C_FDATASYNC,
	C_CLOSE,
	C_LINK,
	C_LINKAT,
	C_RENAME,
	C_RENAMEAT,
	C_RENAMEAT2,
	C_UNLINK,
	C_UNLINKAT,
	C_MKDIR,
	C_MKDIRAT,
	C_FUTIMENS,
	C_FCHMOD,
	C_FCHOWN,
	C_GETDENTS64,
	C_READDIR,
	C_STAT,
	C_LSTAT,
	C_FSTAT,
	C_NEWFSTATAT,
	C_FSTATAT,
	C_MMAP,
	C_MALLOC,
	NCALLS
};

static const char *const names[NCALLS] = { "open", "openat", "opendir", "read",
	"pread", "write", "fsync", "dirsync", "fdatasync", "close", "link",
	"linkat", "rename", "renameat", "renameat2", "unlink", "unlinkat",
	"mkdir", "mkdirat", "futimens", "fchmod", "fchown", "getdents64",
	"readdir", "stat", "lstat", "fstat", "newfstatat", "fstatat", "mmap",
	"malloc" };

#define SHORT (-2)   /* write=short */
#define LINKED (-1)  /* linkat=LINKED */
#define SYMLINK (-3) /* CALL=SYMLINK: plant one, fail nothing */
#define MAXSPECS 32

static struct spec {
	int call, err;
	unsigned long n; /* 0: every call */
} specs[MAXSPECS];
static int nspecs;
static unsigned long seen[NCALLS];
static int armed;          /* counting: set once the constructor is done */
static pid_t owner;        /* the process that records */
static const char *record; /* MDKIT_FAULT_RECORD */
static const char *trace;  /* MDKIT_FAULT_TRACE */
static const char *plant;  /* MDKIT_FAULT_SYMLINK */

/* ---- the real functions ---- */

static int (*real_open)(const char *, int, ...);
static int (*real_open64)(const char *, int, ...);
static int (*real_creat)(const char *, mode_t);
static int (*real_openat)(int, const char *, int, ...);
static int (*real_openat64)(int, const char *, int, ...);
static DIR *(*real_opendir)(const char *);
static ssize_t (*real_read)(int, void *, size_t);
static ssize_t (*real_pread)(int, void *, size_t, off_t);
static ssize_t (*real_pread64)(int, void *, size_t, off64_t);
static ssize_t (*real_write)(int, const void *, size_t);
static int (*real_fsync)(int);
static int (*real_fdatasync)(int);
static int (*real_close)(int);
static int (*real_link)(const char *, const char *);
static int (*real_linkat)(int, const char *, int, const char *, int);
static int (*real_rename)(const char *, const char *);
static int (*real_renameat)(int, const char *, int, const char *);
static int (*real_renameat2)(int, const char *, int, const char *, unsigned);
static int (*real_unlink)(const char *);
static int (*real_unlinkat)(int, const char *, int);
static int (*real_mkdir)(const char *, mode_t);
static int (*real_mkdirat)(int, const char *, mode_t);
static int (*real_futimens)(int, const struct timespec *);
static int (*real_fchmod)(int, mode_t);
static int (*real_fchown)(int, uid_t, gid_t);
static ssize_t (*real_getdents64)(int, void *, size_t);
static struct dirent *(*real_readdir)(DIR *);
static struct dirent64 *(*real_readdir64)(DIR *);
static int (*real_stat)(const char *, struct stat *);
static int (*real_lstat)(const char *, struct stat *);
static int (*real_fstat)(int, struct stat *);
static int (*real_fstatat)(int, const char *, struct stat *, int);
static void *(*real_mmap)(void *, size_t, int, int, int, off_t);
static int (*real_clock_gettime)(clockid_t, struct timespec *);
static time_t (*real_time)(time_t *);

/* libc's allocator by the names glibc exports for this very purpose:
 * no dlsym, which itself allocates. */
extern void *__libc_malloc(size_t);
extern void *__libc_calloc(size_t, size_t);
extern void *__libc_realloc(void *, size_t);

/* Looked up when first needed: at the latest in the constructor, before
 * counting starts (a preloaded sanitizer may call in earlier). */
#define REAL(f)                                                                \
	(*({                                                                   \
		if (real_##f == NULL)                                          \
			real_##f = (__typeof__(real_##f))dlsym(RTLD_NEXT, #f); \
		&real_##f;                                                     \
	}))

/* ---- what a call touches, for MDKIT_FAULT_TRACE ---- */

static size_t
put(char *buf, size_t at, size_t size, const char *s)
{
	while (*s != '\0' && at + 1 < size)
		buf[at++] = *s++;
	buf[at] = '\0';
	return at;
}

static size_t
put_num(char *buf, size_t at, size_t size, unsigned long v)
{
	char d[24];
	int i = (int)sizeof(d) - 1;

	d[i] = '\0';
	do
		d[--i] = (char)('0' + v % 10);
	while ((v /= 10) != 0);
	return put(buf, at, size, d + i);
}

/* The file behind FD (AT_FDCWD: "."), by /proc, with raw calls. */
static size_t
put_fd(char *buf, size_t at, size_t size, int fd)
{
	char link[64];
	long n;

	if (fd == AT_FDCWD)
		return put(buf, at, size, ".");
	put_num(link, put(link, 0, sizeof(link), "/proc/self/fd/"),
	    sizeof(link), (unsigned long)fd);
	n = syscall(SYS_readlinkat, AT_FDCWD, link, buf + at, size - at - 1);
	if (n < 0)
		return put_num(
		    buf, put(buf, at, size, "fd "), size, (unsigned long)fd);
	at += (size_t)n;
	buf[at] = '\0';
	return at;
}

struct what {
	int fd;           /* -1: none */
	const char *path; /* NULL: none */
	size_t size;      /* malloc, mmap, write, read */
};

static void
trace_call(int call, unsigned long n, const struct what *w)
{
	char line[PATH_MAX * 2 + 64];
	size_t at = 0, size = sizeof(line) - 1;
	long fd;

	at = put(line, at, size, names[call]);
	at = put_num(line, put(line, at, size, " "), size, n);
	at = put(line, at, size, " ");
	if (w->fd != -1 && !(w->fd == AT_FDCWD && w->path != NULL))
		at = put_fd(line, at, size, w->fd);
	if (w->path != NULL) {
		if (w->fd != -1 && w->fd != AT_FDCWD && w->path[0] != '/')
			at = put(line, at, size, "/");
		at = put(line, at, size, w->path);
	}
	if (w->fd == -1 && w->path == NULL)
		at = put_num(line, at, size, w->size);
	line[at++] = '\n';
	fd = syscall(SYS_openat, AT_FDCWD, trace,
	    O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
	if (fd < 0)
		return;
	syscall(SYS_write, (int)fd, line, at);
	syscall(SYS_close, (int)fd);
}

/* ---- counting and failing ---- */

/* Count a call under CALL; does a fault take it? Then *ERR is the
 * errno to give (or SHORT, LINKED). */
static int
hit(int call, const struct what *w, int *err)
{
	unsigned long n;

	if (!armed)
		return 0;
	n = __atomic_add_fetch(&seen[call], 1, __ATOMIC_RELAXED);
	if (trace != NULL)
		trace_call(call, n, w);
	for (int i = 0; i < nspecs; i++) {
		if (specs[i].call == call &&
		    (specs[i].n == 0 || specs[i].n == n)) {
			if (specs[i].err == SYMLINK) {
				if (plant != NULL && w->path != NULL)
					syscall(SYS_symlinkat, plant,
					    w->fd == -1 ? AT_FDCWD : w->fd,
					    w->path);
				continue;
			}
			*err = specs[i].err;
			return 1;
		}
	}
	return 0;
}

#define WHAT(fd, path, size) (&(const struct what){ (fd), (path), (size) })

/* An errno's name, or its number: the value, else 0. */
static int
errno_value(const char *s, size_t len)
{
	char *end;
	long v;

	if (len == 5 && strncmp(s, "short", 5) == 0)
		return SHORT;
	if (len == 6 && strncmp(s, "LINKED", 6) == 0)
		return LINKED;
	if (len == 7 && strncmp(s, "SYMLINK", 7) == 0)
		return SYMLINK;
	v = strtol(s, &end, 10);
	if (end == s + len && v > 0 && v < 4096)
		return (int)v;
	for (int e = 1; e < 4096; e++) {
		const char *name = strerrorname_np(e);

		if (name != NULL && strlen(name) == len &&
		    strncmp(name, s, len) == 0)
			return e;
	}
	return 0;
}

static void
say(const char *what, const char *s, size_t len)
{
	syscall(SYS_write, 2, "inject.so: ", 11);
	syscall(SYS_write, 2, what, strlen(what));
	syscall(SYS_write, 2, s, len);
	syscall(SYS_write, 2, "\n", 1);
}

/* MDKIT_FAULT into specs[]; what it cannot read is said and left out. */
static void
parse(const char *spec)
{
	while (spec != NULL && *spec != '\0') {
		size_t len = strcspn(spec, ","), klen = strcspn(spec, "=");
		const char *eq = spec + klen + 1, *at = NULL;
		struct spec s = { -1, 0, 0 };

		if (klen < len) {
			for (int k = 0; k < NCALLS; k++)
				if (strlen(names[k]) == klen &&
				    strncmp(names[k], spec, klen) == 0)
					s.call = k;
			at = memchr(eq, '@', (size_t)(spec + len - eq));
			s.err = errno_value(
			    eq, (size_t)((at ? at : spec + len) - eq));
			if (at != NULL)
				s.n = strtoul(at + 1, NULL, 10);
		}
		if (s.call == -1 || s.err == 0 || (at != NULL && s.n == 0))
			say("cannot read the fault ", spec, len);
		else if (nspecs < MAXSPECS)
			specs[nspecs++] = s;
		spec = spec[len] == ',' ? spec + len + 1 : NULL;
	}
}

static void
write_record(void)
{
	char line[64];
	long fd;

	if (record == NULL || syscall(SYS_getpid) != owner)
		return;
	armed = 0;
	fd = syscall(SYS_openat, AT_FDCWD, record,
	    O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return;
	for (int k = 0; k < NCALLS; k++) {
		size_t at;

		if (seen[k] == 0)
			continue;
		at = put(line, 0, sizeof(line), names[k]);
		at = put_num(line, put(line, at, sizeof(line), " "),
		    sizeof(line), seen[k]);
		line[at++] = '\n';
		syscall(SYS_write, (int)fd, line, at);
	}
	syscall(SYS_close, (int)fd);
	record = NULL;
}

__attribute__((constructor)) static void
start(void)
{
	/* Every real function before counting starts: dlsym allocates. */
#define LOOKUP(f) (void)REAL(f)
	LOOKUP(open);
	LOOKUP(open64);
	LOOKUP(creat);
	LOOKUP(openat);
	LOOKUP(openat64);
	LOOKUP(opendir);
	LOOKUP(read);
	LOOKUP(pread);
	LOOKUP(pread64);
	LOOKUP(write);
	LOOKUP(fsync);
	LOOKUP(fdatasync);
	LOOKUP(close);
	LOOKUP(link);
	LOOKUP(linkat);
	LOOKUP(rename);
	LOOKUP(renameat);
	LOOKUP(renameat2);
	LOOKUP(unlink);
	LOOKUP(unlinkat);
	LOOKUP(mkdir);
	LOOKUP(mkdirat);
	LOOKUP(futimens);
	LOOKUP(fchmod);
	LOOKUP(fchown);
	LOOKUP(getdents64);
	LOOKUP(readdir);
	LOOKUP(readdir64);
	LOOKUP(stat);
	LOOKUP(lstat);
	LOOKUP(fstat);
	LOOKUP(fstatat);
	LOOKUP(mmap);
	LOOKUP(clock_gettime);
	LOOKUP(time);
#undef LOOKUP
	parse(getenv("MDKIT_FAULT"));
	record = getenv("MDKIT_FAULT_RECORD");
	trace = getenv("MDKIT_FAULT_TRACE");
	plant = getenv("MDKIT_FAULT_SYMLINK");
	owner = (pid_t)syscall(SYS_getpid);
	armed = 1;
}

__attribute__((destructor)) static void
stop(void)
{
	write_record();
}

void
_exit(int status)
{
	write_record();
	syscall(SYS_exit_group, status);
	__builtin_unreachable();
}

void
_Exit(int status)
{
	_exit(status);
}

/* ---- the calls ---- */

#define FAIL(call, what, ret)                                                  \
	do {                                                                   \
		int err_;                                                      \
		if (hit((call), (what), &err_)) {                              \
			errno = err_;                                          \
			return (ret);                                          \
		}                                                              \
	} while (0)

static int
is_kind(int fd, mode_t kind)
{
	struct stat st;

	return REAL(fstat)(fd, &st) == 0 && (st.st_mode & S_IFMT) == kind;
}

static mode_t
mode_arg(int flags, va_list ap)
{
	return (flags & O_CREAT) || (flags & O_TMPFILE) == O_TMPFILE
	           ? (mode_t)va_arg(ap, int)
	           : 0;
}

int
open(const char *path, int flags, ...)
{
	va_list ap;
	mode_t mode;

	va_start(ap, flags);
	mode = mode_arg(flags, ap);
	va_end(ap);
	FAIL(C_OPEN, WHAT(-1, path, 0), -1);
	return REAL(open)(path, flags, mode);
}

int
open64(const char *path, int flags, ...)
{
	va_list ap;
	mode_t mode;

	va_start(ap, flags);
	mode = mode_arg(flags, ap);
	va_end(ap);
	FAIL(C_OPEN, WHAT(-1, path, 0), -1);
	return REAL(open64)(path, flags, mode);
}

int
creat(const char *path, mode_t mode)
{
	FAIL(C_OPEN, WHAT(-1, path, 0), -1);
	return REAL(creat)(path, mode);
}

int
openat(int dirfd, const char *path, int flags, ...)
{
	va_list ap;
	mode_t mode;

	va_start(ap, flags);
	mode = mode_arg(flags, ap);
	va_end(ap);
	FAIL(C_OPENAT, WHAT(dirfd, path, 0), -1);
	return REAL(openat)(dirfd, path, flags, mode);
}

int
openat64(int dirfd, const char *path, int flags, ...)
{
	va_list ap;
	mode_t mode;

	va_start(ap, flags);
	mode = mode_arg(flags, ap);
	va_end(ap);
	FAIL(C_OPENAT, WHAT(dirfd, path, 0), -1);
	return REAL(openat64)(dirfd, path, flags, mode);
}

DIR *
opendir(const char *path)
{
	FAIL(C_OPENDIR, WHAT(-1, path, 0), NULL);
	return REAL(opendir)(path);
}

ssize_t
read(int fd, void *buf, size_t n)
{
	FAIL(C_READ, WHAT(fd, NULL, n), -1);
	return REAL(read)(fd, buf, n);
}

ssize_t
pread(int fd, void *buf, size_t n, off_t off)
{
	FAIL(C_PREAD, WHAT(fd, NULL, n), -1);
	return REAL(pread)(fd, buf, n, off);
}

ssize_t
pread64(int fd, void *buf, size_t n, off64_t off)
{
	FAIL(C_PREAD, WHAT(fd, NULL, n), -1);
	return REAL(pread64)(fd, buf, n, off);
}

ssize_t
write(int fd, const void *buf, size_t n)
{
	int err;

	if (is_kind(fd, S_IFREG) && hit(C_WRITE, WHAT(fd, NULL, n), &err)) {
		if (err == SHORT)
			return REAL(write)(fd, buf, n > 1 ? n / 2 : n);
		errno = err;
		return -1;
	}
	return REAL(write)(fd, buf, n);
}

int
fsync(int fd)
{
	FAIL(is_kind(fd, S_IFDIR) ? C_DIRSYNC : C_FSYNC, WHAT(fd, NULL, 0), -1);
	return REAL(fsync)(fd);
}

int
fdatasync(int fd)
{
	FAIL(C_FDATASYNC, WHAT(fd, NULL, 0), -1);
	return REAL(fdatasync)(fd);
}

/* Only a descriptor written to can report what it could not write; the
 * descriptor is closed all the same, as close(2) does. */
int
close(int fd)
{
	int fl = fcntl(fd, F_GETFL), err;

	if (fl != -1 && (fl & O_ACCMODE) != O_RDONLY && is_kind(fd, S_IFREG) &&
	    hit(C_CLOSE, WHAT(fd, NULL, 0), &err)) {
		REAL(close)(fd);
		errno = err;
		return -1;
	}
	return REAL(close)(fd);
}

int
link(const char *from, const char *to)
{
	int err;

	if (hit(C_LINK, WHAT(-1, to, 0), &err)) {
		if (err == LINKED) {
			REAL(link)(from, to);
			err = EEXIST;
		}
		errno = err;
		return -1;
	}
	return REAL(link)(from, to);
}

int
linkat(int a, const char *from, int b, const char *to, int flags)
{
	int err;

	if (hit(C_LINKAT, WHAT(b, to, 0), &err)) {
		if (err == LINKED) {
			REAL(linkat)(a, from, b, to, flags);
			err = EEXIST;
		}
		errno = err;
		return -1;
	}
	return REAL(linkat)(a, from, b, to, flags);
}

int
rename(const char *from, const char *to)
{
	FAIL(C_RENAME, WHAT(-1, to, 0), -1);
	return REAL(rename)(from, to);
}

int
renameat(int a, const char *from, int b, const char *to)
{
	FAIL(C_RENAMEAT, WHAT(b, to, 0), -1);
	return REAL(renameat)(a, from, b, to);
}

int
renameat2(int a, const char *from, int b, const char *to, unsigned flags)
{
	FAIL(C_RENAMEAT2, WHAT(b, to, 0), -1);
	return REAL(renameat2)(a, from, b, to, flags);
}

int
unlink(const char *path)
{
	FAIL(C_UNLINK, WHAT(-1, path, 0), -1);
	return REAL(unlink)(path);
}

int
unlinkat(int dirfd, const char *path, int flags)
{
	FAIL(C_UNLINKAT, WHAT(dirfd, path, 0), -1);
	return REAL(unlinkat)(dirfd, path, flags);
}

int
mkdir(const char *path, mode_t mode)
{
	FAIL(C_MKDIR, WHAT(-1, path, 0), -1);
	return REAL(mkdir)(path, mode);
}

int
mkdirat(int dirfd, const char *path, mode_t mode)
{
	FAIL(C_MKDIRAT, WHAT(dirfd, path, 0), -1);
	return REAL(mkdirat)(dirfd, path, mode);
}

int
futimens(int fd, const struct timespec ts[2])
{
	FAIL(C_FUTIMENS, WHAT(fd, NULL, 0), -1);
	return REAL(futimens)(fd, ts);
}

int
fchmod(int fd, mode_t mode)
{
	FAIL(C_FCHMOD, WHAT(fd, NULL, 0), -1);
	return REAL(fchmod)(fd, mode);
}

int
fchown(int fd, uid_t uid, gid_t gid)
{
	FAIL(C_FCHOWN, WHAT(fd, NULL, 0), -1);
	return REAL(fchown)(fd, uid, gid);
}

ssize_t
getdents64(int fd, void *buf, size_t n)
{
	FAIL(C_GETDENTS64, WHAT(fd, NULL, 0), -1);
	return REAL(getdents64)(fd, buf, n);
}

struct dirent *
readdir(DIR *d)
{
	FAIL(C_READDIR, WHAT(dirfd(d), NULL, 0), NULL);
	return REAL(readdir)(d);
}

struct dirent64 *
readdir64(DIR *d)
{
	FAIL(C_READDIR, WHAT(dirfd(d), NULL, 0), NULL);
	return REAL(readdir64)(d);
}

int
stat(const char *path, struct stat *st)
{
	FAIL(C_STAT, WHAT(-1, path, 0), -1);
	return REAL(stat)(path, st);
}

int
stat64(const char *path, struct stat64 *st)
{
	return stat(path, (struct stat *)st);
}

int
lstat(const char *path, struct stat *st)
{
	FAIL(C_LSTAT, WHAT(-1, path, 0), -1);
	return REAL(lstat)(path, st);
}

int
lstat64(const char *path, struct stat64 *st)
{
	return lstat(path, (struct stat *)st);
}

int
fstat(int fd, struct stat *st)
{
	FAIL(C_FSTAT, WHAT(fd, NULL, 0), -1);
	return REAL(fstat)(fd, st);
}

int
fstat64(int fd, struct stat64 *st)
{
	return fstat(fd, (struct stat *)st);
}

/* A bare name relative to a directory descriptor, not one of a
 * maildir's own parts: a look at an entry just read (C_FSTATAT). */
static int
entry_look(int dirfd, const char *name)
{
	static const char *const parts[] = { ".", "tmp", "new", "cur",
		"maildirfolder", "maildirsize" };

	if (dirfd == AT_FDCWD || strchr(name, '/') != NULL)
		return 0;
	for (size_t i = 0; i < sizeof(parts) / sizeof(parts[0]); i++)
		if (strcmp(name, parts[i]) == 0)
			return 0;
	return 1;
}

int
fstatat(int dirfd, const char *name, struct stat *st, int flags)
{
	int err;

	FAIL(C_NEWFSTATAT, WHAT(dirfd, name, 0), -1);
	if (entry_look(dirfd, name) &&
	    hit(C_FSTATAT, WHAT(dirfd, name, 0), &err)) {
		errno = err;
		return -1;
	}
	return REAL(fstatat)(dirfd, name, st, flags);
}

int
fstatat64(int dirfd, const char *name, struct stat64 *st, int flags)
{
	return fstatat(dirfd, name, (struct stat *)st, flags);
}

void *
mmap(void *addr, size_t len, int prot, int flags, int fd, off_t off)
{
	FAIL(C_MMAP, WHAT(fd >= 0 ? fd : -1, NULL, len), MAP_FAILED);
	return REAL(mmap)(addr, len, prot, flags, fd, off);
}

void *
mmap64(void *addr, size_t len, int prot, int flags, int fd, off64_t off)
{
	return mmap(addr, len, prot, flags, fd, off);
}

void *
malloc(size_t n)
{
	FAIL(C_MALLOC, WHAT(-1, NULL, n), NULL);
	return __libc_malloc(n);
}

void *
calloc(size_t k, size_t n)
{
	FAIL(C_MALLOC, WHAT(-1, NULL, k * n), NULL);
	return __libc_calloc(k, n);
}

void *
realloc(void *p, size_t n)
{
	FAIL(C_MALLOC, WHAT(-1, NULL, n), NULL);
	return __libc_realloc(p, n);
}

/* ---- the clock ---- */

int
clock_gettime(clockid_t id, struct timespec *ts)
{
	static long long calls;
	const char *step = getenv("MDKIT_CLOCK_STEP");
	long long ns;

	if (step == NULL || id != CLOCK_MONOTONIC)
		return REAL(clock_gettime)(id, ts);
	ns = ++calls * atoll(step) * 1000000LL;
	ts->tv_sec = (time_t)(ns / 1000000000LL);
	ts->tv_nsec = (long)(ns % 1000000000LL);
	return 0;
}

time_t
time(time_t *t)
{
	const char *now = getenv("MDKIT_CLOCK_NOW");
	time_t r = now ? (time_t)atoll(now) : REAL(time)(NULL);

	if (t != NULL)
		*t = r;
	return r;
}
