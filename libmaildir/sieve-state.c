/*
 * sieve-state.c: what duplicate (RFC 7352) and vacation (RFC 5230)
 * remember between deliveries, inside the maildir and without a lock:
 * one empty file a record in ROOT/mdkit-sieve/, named after what it
 * records, its mtime the moment it expires. A record appears whole or
 * not at all: it is made under a name of its own, its mtime set, then
 * hard-linked to its name, and link(2) fails for all but one of several
 * processes (or hosts over NFS) that make the same record at once. The
 * directory's name has no dot: Dovecot and Courier take a dot-directory
 * of a Maildir++ root for a folder, and leave other names alone.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "internal.h"

#define NAME_ROOM 200 /* of a record's name, before it is hashed */
#define LEFTOVER 3600 /* seconds after which a made name is a crash's */

int
md_sieve_state_dir(const char *root, int make)
{
	char path[PATH_MAX];
	int fd;

	if (snprintf(path, sizeof(path), "%s/%s", root, MD_SIEVE_STATE_DIR) >=
	    (int)sizeof(path)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0 || errno != ENOENT || !make)
		return fd;
	if (mkdir(path, 0700) == -1 && errno != EEXIST)
		return -1;
	return open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
}

/* FNV-1a over the N bytes at S from BASIS, forwards or backwards: two
 * 64-bit sums that differ in how each byte mixes. */
static uint64_t
fnv(const char *s, size_t n, uint64_t basis, int back)
{
	uint64_t h = basis;

	for (size_t i = 0; i < n; i++) {
		h ^= (unsigned char)s[back ? n - 1 - i : i];
		h *= 0x100000001b3ULL;
	}
	return h;
}

/* S as a file name's part: letters, digits and .@_+= as they are, all
 * else %XX. Appends to OUT at *AT, never past SIZE - 1. */
static void
put_encoded(const char *s, char *out, size_t *at, size_t size)
{
	static const char hex[] = "0123456789ABCDEF";

	for (; *s && *at + 4 < size; s++) {
		unsigned char c = (unsigned char)*s;

		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || (c && strchr(".@_+=", c))) {
			out[(*at)++] = (char)c;
			continue;
		}
		out[(*at)++] = '%';
		out[(*at)++] = hex[c >> 4];
		out[(*at)++] = hex[c & 15];
	}
	out[*at] = '\0';
}

int
md_sieve_state_name(
    char kind, const char *handle, const char *value, char *out, size_t size)
{
	char buf[4 * NAME_ROOM];
	size_t at = 0, hl = strlen(handle), vl = strlen(value);
	char *all;

	if (size < NAME_ROOM + 40) {
		errno = ENAMETOOLONG;
		return -1;
	}
	buf[at++] = kind;
	buf[at++] = '-';
	put_encoded(handle, buf, &at, sizeof(buf));
	buf[at++] = '-';
	put_encoded(value, buf, &at, sizeof(buf));
	/* What does not fit is cut, and the sums of the whole added. */
	if (at > NAME_ROOM || hl + vl > NAME_ROOM) {
		if ((all = malloc(hl + vl + 2)) == NULL)
			return -1;
		memcpy(all, handle, hl + 1);
		memcpy(all + hl + 1, value, vl + 1);
		at = at > NAME_ROOM ? NAME_ROOM : at;
		snprintf(buf + at, sizeof(buf) - at, "~%016llx%016llx",
		    (unsigned long long)fnv(
		        all, hl + vl + 1, 0xcbf29ce484222325ULL, 0),
		    (unsigned long long)fnv(
		        all, hl + vl + 1, 0x84222325cbf29ce4ULL, 1));
		free(all);
	}
	strlcpy(out, buf, size);
	return 0;
}

/* Is the record NAME in DIR live at NOW: 1, 0 (none or expired), -1. */
static int
live(int dir, const char *name, time_t now)
{
	struct stat st;

	if (fstatat(dir, name, &st, AT_SYMLINK_NOFOLLOW) == -1)
		return errno == ENOENT ? 0 : -1;
	return st.st_mtime > now;
}

int
md_sieve_state_seen(const char *root, const char *name, time_t now)
{
	int dir = md_sieve_state_dir(root, 0), rc;

	if (dir == -1)
		return errno == ENOENT ? 0 : -1;
	rc = live(dir, name, now);
	close(dir);
	return rc;
}

/* A file of its own in DIR, its mtime (and atime) UNTIL, into TMP. */
static int
make_tmp(int dir, time_t until, char *tmp, size_t size)
{
	struct timespec ts[2] = { { until, 0 }, { until, 0 } };
	int fd, saved;

	snprintf(tmp, size, "t.%ld.%08x%08x", (long)getpid(), arc4random(),
	    arc4random());
	if ((fd = openat(dir, tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC,
	         0600)) == -1)
		return -1;
	if (futimens(fd, ts) == -1 || close(fd) == -1) {
		saved = errno;
		(void)unlinkat(dir, tmp, 0);
		errno = saved;
		return -1;
	}
	return 0;
}

/* Link TMP to NAME: 1 done, 0 NAME is there, -1. md_link knows a link
 * whose NFS reply was lost (EEXIST, yet NAME is TMP). */
static int
link_tmp(int dir, const char *tmp, const char *name)
{
	if (md_link(dir, tmp, dir, name) == 0)
		return 1;
	return errno == EEXIST ? 0 : -1;
}

/*
 * The record NAME that is there has expired: moved aside under a name
 * of this process, then looked at. It can be one another process made
 * in the meantime, live: then it is put back, and NAME counts as taken
 * (0). 1 when an expired one went, -1 on failure.
 */
static int
clear_expired(int dir, const char *name, time_t now)
{
	char aside[64];
	struct stat st;
	int rc;

	snprintf(
	    aside, sizeof(aside), "x.%ld.%08x", (long)getpid(), arc4random());
	if (renameat(dir, name, dir, aside) == -1)
		return errno == ENOENT ? 1 : -1;
	if (fstatat(dir, aside, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
	    st.st_mtime > now) {
		rc = linkat(dir, aside, dir, name, 0) == 0 || errno == EEXIST
		         ? 0
		         : -1;
		(void)unlinkat(dir, aside, 0);
		return rc;
	}
	return unlinkat(dir, aside, 0) == -1 && errno != ENOENT ? -1 : 1;
}

int
md_sieve_state_mark(
    const char *root, const char *name, int64_t seconds, time_t now, int renew)
{
	time_t until = now + (time_t)seconds;
	struct timespec ts[2] = { { until, 0 }, { until, 0 } };
	char tmp[64];
	int dir = md_sieve_state_dir(root, 1), rc = -1, saved;

	if (dir == -1)
		return -1;
	if (make_tmp(dir, until, tmp, sizeof(tmp)) == -1)
		goto out;
	for (int tries = 0; tries < 4; tries++) {
		if ((rc = link_tmp(dir, tmp, name)) != 0)
			break;
		if ((rc = live(dir, name, now)) == 1) {
			rc = renew ? utimensat(dir, name, ts,
			                 AT_SYMLINK_NOFOLLOW) == -1
			                 ? -1
			                 : 0
			           : 0;
			break;
		}
		if (rc == -1 || (rc = clear_expired(dir, name, now)) != 1)
			break;
		rc = -1; /* four rounds lost to others: give up */
		errno = EAGAIN;
	}
	saved = errno;
	(void)unlinkat(dir, tmp, 0);
	errno = saved;
out:
	saved = errno;
	close(dir);
	errno = saved;
	return rc;
}

int
md_sieve_state_forget(const char *root, const char *name)
{
	int dir = md_sieve_state_dir(root, 0), rc;

	if (dir == -1)
		return errno == ENOENT ? 0 : -1;
	rc = unlinkat(dir, name, 0) == -1 && errno != ENOENT ? -1 : 0;
	close(dir);
	return rc;
}

/* Should the entry NAME (not "." or "..") of DIR go at NOW? */
static int
stale(int dir, const char *name, time_t now)
{
	struct stat st;

	if (fstatat(dir, name, &st, AT_SYMLINK_NOFOLLOW) == -1 ||
	    !S_ISREG(st.st_mode))
		return 0;
	if (name[1] == '.' && (name[0] == 't' || name[0] == 'x'))
		return st.st_ctime + LEFTOVER < now; /* a crash's leftover */
	return st.st_mtime <= now;
}

int
md_sieve_state_sweep(const char *root, time_t now, size_t max)
{
	int dir = md_sieve_state_dir(root, 0), fd, gone = 0;
	size_t n = 0, at = 0, start;
	struct dirent *de;
	DIR *d;

	if (dir == -1)
		return errno == ENOENT ? 0 : -1;
	if ((fd = dup(dir)) == -1 || (d = fdopendir(fd)) == NULL) {
		if (fd != -1)
			close(fd);
		close(dir);
		return -1;
	}
	/* From a random entry on, round to the start: live records first
	 * in the directory do not hide the expired ones for ever. Reading
	 * names is cheap; a look (stat) and an unlink are what is bounded. */
	while ((de = readdir(d)) != NULL)
		n += de->d_name[0] != '.';
	start = n > 0 ? arc4random_uniform((uint32_t)n) : 0;
	rewinddir(d);
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		if ((at >= start ? at - start : at + n - start) < max &&
		    stale(dir, de->d_name, now) &&
		    unlinkat(dir, de->d_name, 0) == 0)
			gone++;
		at++;
	}
	closedir(d);
	close(dir);
	return gone;
}
