/*
 * expunge.c: removing messages (by flag T, or all of them, optionally
 * only those delivered before a time) and stale files in tmp/. Every
 * removal is one unlinkat(2) relative to a descriptor of new/, cur/ or
 * tmp/ opened with O_NOFOLLOW, so a symbolic link anywhere below the
 * maildir is never followed: a link entry goes as a link, a linked
 * subdirectory is refused. The maildir's own directory is never
 * unlinked from, so its control files (dovecot-*, maildirsize, caches)
 * cannot be touched.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "internal.h"

/* An upper bound far above any sensible age, far below time_t's. */
#define AGE_MAX ((time_t)1 << 40)

struct run {
	const char *path;
	const struct md_expunge *x;
	struct md_expunge_stats *st;
	struct md_err *e;
	unsigned long problems;
	uint64_t seen; /* entries looked at, for X->progress */
};

int
md_age_parse(const char *s, time_t *secs)
{
	time_t total = 0;

	if (*s == '\0') {
		errno = EINVAL;
		return -1;
	}
	while (*s != '\0') {
		time_t n = 0, unit;
		int digits = 0;

		for (; *s >= '0' && *s <= '9'; s++, digits++) {
			n = n * 10 + (*s - '0');
			if (n > AGE_MAX) {
				errno = ERANGE;
				return -1;
			}
		}
		switch (*s) {
		case 's':
			unit = 1;
			break;
		case 'm':
			unit = 60;
			break;
		case 'h':
			unit = 3600;
			break;
		case 'd':
			unit = 86400;
			break;
		case 'w':
			unit = 7 * 86400;
			break;
		default:
			unit = 0;
		}
		if (digits == 0 || unit == 0) {
			errno = EINVAL;
			return -1;
		}
		s++;
		if (n > (AGE_MAX - total) / unit) {
			errno = ERANGE;
			return -1;
		}
		total += n * unit;
	}
	*secs = total;
	return 0;
}

int
md_expunge_wanted(const struct md_expunge *x, const char *name)
{
	struct md_flags f;

	if (x->what & MD_EXPUNGE_ALL)
		return 1;
	if (!(x->what & MD_EXPUNGE_TRASHED))
		return 0;
	md_name_flags(name, &f);
	return md_flags_has(&f, 'T');
}

static int
earlier(const struct timespec *a, const struct timespec *b)
{
	return a->tv_sec < b->tv_sec ||
	       (a->tv_sec == b->tv_sec && a->tv_nsec < b->tv_nsec);
}

/* Record a problem PE (errno still its own) and tell the caller. */
static void
problem_err(struct run *r, const struct md_err *pe)
{
	int saved = errno;

	r->problems++;
	if (r->problems == 1 && r->e != NULL)
		*r->e = *pe;
	if (r->x->report != NULL) {
		struct md_expunge_event ev = { r->path, NULL, NULL, 0, pe };

		errno = saved;
		r->x->report(r->x->arg, &ev);
	}
	errno = saved;
}

/* A problem at STEP on PATH[/SUB[/NAME]]. */
static void
problem(struct run *r, const char *step, const char *sub, const char *name)
{
	char dir[PATH_MAX];
	struct md_err pe;

	if (sub == NULL)
		md_err_set(&pe, step, r->path, NULL);
	else {
		snprintf(dir, sizeof(dir), "%s/%s", r->path, sub);
		md_err_set(&pe, step, dir, name);
	}
	/* A link planted where a directory was is no error of the system. */
	if (errno == ELOOP)
		pe.kind = MD_ERR_SYMLINK;
	problem_err(r, &pe);
}

static void
removed(
    struct run *r, const char *sub, const char *name, uint64_t size, int is_tmp)
{
	if (is_tmp) {
		r->st->tmpfiles++;
		r->st->tmpbytes += size;
	} else {
		r->st->messages++;
		r->st->bytes += size;
	}
	if (r->x->report != NULL) {
		struct md_expunge_event ev = { r->path, sub, name, size, NULL };

		r->x->report(r->x->arg, &ev);
	}
}

/*
 * One entry of SUB (open as DFD). A stat only when the age, the type
 * (DT_UNKNOWN) or a size missing from the name needs one: lstat, so a
 * link is judged by itself and its target is never looked at.
 */
static void
entry(struct run *r, int dfd, const char *sub, int is_tmp, const char *name,
    unsigned char type)
{
	const struct md_expunge *x = r->x;
	struct stat sb;
	uint64_t size = 0;
	int named;

	if (type != DT_REG && type != DT_LNK && type != DT_UNKNOWN)
		return;
	if (!is_tmp && !md_expunge_wanted(x, name))
		return;
	named = !is_tmp && md_name_field(name, 'S', &size) == 0;
	if (is_tmp || !named || type == DT_UNKNOWN ||
	    (x->what & MD_EXPUNGE_OLDER)) {
		if (fstatat(dfd, name, &sb, AT_SYMLINK_NOFOLLOW) == -1) {
			if (errno != ENOENT) /* gone: another client's */
				problem(r, "stat", sub, name);
			return;
		}
		if (!S_ISREG(sb.st_mode) && !S_ISLNK(sb.st_mode))
			return;
		if (is_tmp && !earlier(&sb.st_ctim, &x->tmp_before))
			return;
		if (!is_tmp && (x->what & MD_EXPUNGE_OLDER) &&
		    !earlier(&sb.st_mtim, &x->before))
			return;
		if (!named)
			size = (uint64_t)sb.st_size;
	}
	if (!(x->what & MD_EXPUNGE_DRY) && unlinkat(dfd, name, 0) == -1) {
		/* ENOENT: removed or renamed by another client meanwhile;
		 * EISDIR: replaced by a directory, which is never removed. */
		if (errno != ENOENT && errno != EISDIR)
			problem(r, "unlink", sub, name);
		return;
	}
	removed(r, sub, name, size, is_tmp);
}

static void
clean_sub(struct run *r, int fd, const char *sub)
{
	struct md_scan sc;
	const char *name;
	unsigned char type;
	int dfd, rc, is_tmp = strcmp(sub, "tmp") == 0;

	dfd = openat(fd, sub, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (dfd == -1) {
		struct stat sb;

		/* Linux says ENOTDIR for a link to a directory: say ELOOP,
		 * as O_NOFOLLOW alone does, so the caller can tell. */
		if (errno == ENOTDIR &&
		    fstatat(fd, sub, &sb, AT_SYMLINK_NOFOLLOW) == 0 &&
		    S_ISLNK(sb.st_mode))
			errno = ELOOP;
		problem(r, "open", sub, NULL);
		return;
	}
	rc = md_scan_open(&sc, dfd, ".");
	close(dfd);
	if (rc == -1) {
		problem(r, "open", sub, NULL);
		return;
	}
	while ((rc = md_scan_next(&sc, &name, &type)) == 1) {
		entry(r, sc.fd, sub, is_tmp, name, type);
		if (r->x->progress)
			r->x->progress(r->x->arg, ++r->seen);
	}
	if (rc == -1)
		problem(r, "read", sub, NULL);
	md_scan_close(&sc);
}

int
md_expunge_maildir(const char *path, const struct md_expunge *x,
    struct md_expunge_stats *st, struct md_err *e)
{
	struct run r = { path, x, st, e, 0, 0 };
	struct md_quota_ledger own, *l = x->quota;
	struct md_quota_root *qr = NULL;
	struct md_err qe;
	uint64_t count = st->messages, bytes = st->bytes;
	int fd;

	if ((fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1) {
		problem(&r, "open", NULL, NULL);
		st->problems += r.problems;
		return -1;
	}
	if (l == NULL)
		md_quota_ledger_init(l = &own, NULL);
	/* The root whose quota counts PATH (none for the Trash), found
	 * before anything goes: one that cannot be told keeps the messages,
	 * which removed uncounted would leave its sums too high. */
	if ((x->what & (MD_EXPUNGE_TRASHED | MD_EXPUNGE_ALL)) &&
	    !(x->what & MD_EXPUNGE_DRY) &&
	    md_quota_ledger_find(l, path, &qr, &qe) == -1)
		problem_err(&r, &qe);
	else if (x->what & (MD_EXPUNGE_TRASHED | MD_EXPUNGE_ALL)) {
		clean_sub(&r, fd, "new");
		clean_sub(&r, fd, "cur");
		count = st->messages - count;
		bytes = st->bytes - bytes;
		/* One line, now, so that a run cut short later has said
		 * what it removed. */
		if (count > 0 && qr != NULL) {
			md_quota_ledger_record(
			    qr, -(int64_t)bytes, -(int64_t)count);
			if (md_quota_ledger_flush(l, &qe) == -1)
				problem_err(&r, &qe);
		}
	}
	if (x->what & MD_EXPUNGE_TMP)
		clean_sub(&r, fd, "tmp");
	if (l == &own)
		md_quota_ledger_free(&own);
	close(fd);
	st->problems += r.problems;
	return r.problems > 0 ? -1 : 0;
}
