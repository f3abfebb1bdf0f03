/*
 * quota.c: Maildir++ quota, the root's "maildirsize": a definition line,
 * then "bytes count" lines whose sums are what the maildir holds. The one
 * reader of the file is here (md_quota_read), and its one writer of
 * lines: writers append one line each (O_APPEND, one write) and never
 * lock; a reader that cannot trust the sums counts the maildir and puts
 * a new file in place by rename(2), so every reader sees the old file or
 * the new. The ledger keeps each root's quota over a program's run.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "internal.h"

/* Maildir++: a file this big is rewritten. NFS may read short, so the
 * buffer is filled by a loop, and a full buffer means "too big". */
#define QUOTA_BUF 5120
/* Maildir++ (and Dovecot): sums that refuse mail are trusted only from
 * a file of one line that is younger than this. */
#define QUOTA_STALE (15 * 60)

static const char *const subs[] = { "new", "cur" };

/* One maildir of the count, and its new/ and cur/ mtimes before. */
struct qdir {
	const char *path;
	struct timespec mt[2];
};

struct qscan {
	char **list; /* the folders, from md_folder_list */
	size_t nlist, n;
	struct qdir *dirs;
};

static int
join(char *buf, size_t size, const char *dir, const char *name)
{
	int n = snprintf(buf, size, "%s/%s", dir, name);

	if (n < 0 || (size_t)n >= size) {
		errno = ENAMETOOLONG;
		return -1;
	}
	return 0;
}

static int
is_digit(int c)
{
	return c >= '0' && c <= '9';
}

/* K M G T: powers of 1024 (either case); 0 for anything else. */
static uint64_t
unit(int c)
{
	switch (c) {
	case 'K':
	case 'k':
		return 1ULL << 10;
	case 'M':
	case 'm':
		return 1ULL << 20;
	case 'G':
	case 'g':
		return 1ULL << 30;
	case 'T':
	case 't':
		return 1ULL << 40;
	}
	return 0;
}

int
md_quota_parse(const char *def, struct md_quota *q)
{
	uint64_t lim[2] = { 0, 0 };
	int seen[2] = { 0, 0 };
	const char *p = def;

	while (*p != '\0') {
		uint64_t v = 0, mul = 1;
		const char *start = p;
		int kind = 0;

		for (; is_digit(*p); p++) {
			if (v > (uint64_t)INT64_MAX / 10)
				goto bad;
			v = v * 10 + (uint64_t)(*p - '0');
		}
		if (p == start)
			goto bad;
		if (*p == 'C')
			kind = 1;
		else if (*p != 'S' && (mul = unit(*p)) == 0)
			goto bad;
		p++;
		/* Limits are compared with signed sums: they must fit. */
		if (v > (uint64_t)INT64_MAX / mul || seen[kind]++)
			goto bad;
		lim[kind] = v * mul;
		if (*p == ',' && p[1] != '\0')
			p++;
		else if (*p != '\0')
			goto bad;
	}
	q->max_bytes = lim[0];
	q->max_count = lim[1];
	return 0;
bad:
	errno = EINVAL;
	return -1;
}

int
md_quota_format(const struct md_quota *q, char *buf, size_t size)
{
	int n;

	if (q->max_bytes && q->max_count)
		n = snprintf(buf, size, "%" PRIu64 "S,%" PRIu64 "C",
		    q->max_bytes, q->max_count);
	else if (q->max_count)
		n = snprintf(buf, size, "%" PRIu64 "C", q->max_count);
	else
		n = snprintf(buf, size, "%" PRIu64 "S", q->max_bytes);
	if (n < 0 || (size_t)n >= size) {
		errno = ENAMETOOLONG;
		return -1;
	}
	return n;
}

/*
 * Line 1 as Courier reads it: numbers, each followed by a letter, S for
 * bytes and C for messages. Other letters, and whatever else lies
 * between, are passed over, so a definition from a newer writer still
 * gives its S and C (and "100M" is no byte limit, as for Courier).
 */
static void
def_read(const char *p, const char *end, struct md_quota *q)
{
	q->max_bytes = q->max_count = 0;
	while (p < end) {
		uint64_t v = 0;

		if (!is_digit(*p)) {
			p++;
			continue;
		}
		for (; p < end && is_digit(*p); p++) {
			uint64_t d = (uint64_t)(*p - '0');

			/* saturated: limits are compared with signed sums */
			v = v > ((uint64_t)INT64_MAX - d) / 10
			        ? (uint64_t)INT64_MAX
			        : v * 10 + d;
		}
		if (p < end && *p == 'S')
			q->max_bytes = v;
		else if (p < end && *p == 'C')
			q->max_count = v;
	}
}

/* The verdict on line NO, and the first one found stays. */
static void
verdict(struct md_quota *q, enum md_quota_verdict v, long no)
{
	if (q->verdict == MD_QUOTA_SOUND) {
		q->verdict = v;
		q->badline = no;
	}
}

/* Does Dovecot read line 1, [P, END), as Courier does? Dovecot takes an
 * item between commas only when it is digits and one letter (else none
 * of it), Courier any digits directly followed by S or C, wherever they
 * stand. So " 10S", "10S 5C", "+10S" or "10SX" give limits to one only. */
static int
def_alike(const char *p, const char *end)
{
	while (p < end) {
		const char *comma = memchr(p, ',', (size_t)(end - p));
		const char *e = comma ? comma : end, *d = p;
		int strict, loose = 0;

		while (d < e && is_digit(*d))
			d++;
		strict = d > p && d + 1 == e && (*d == 'S' || *d == 'C');
		for (const char *s = p + 1; s < e; s++)
			loose |= (*s == 'S' || *s == 'C') && is_digit(s[-1]);
		if (loose && !strict)
			return 0;
		p = comma ? comma + 1 : end;
	}
	return 1;
}

/* Line 1, [P, END): one that holds a NUL byte (Dovecot calls the file
 * broken, Courier reads no further) or that the two read differently. */
static void
def_check(const char *p, const char *end, struct md_quota *q)
{
	if (memchr(p, '\0', (size_t)(end - p)) != NULL)
		verdict(q, MD_QUOTA_NODEF, 1);
	else if (!def_alike(p, end))
		verdict(q, MD_QUOTA_BADDEF, 1);
}

static const char *
blanks(const char *p, const char *end)
{
	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	return p;
}

/* "<bytes> <count>": two decimal numbers, each with an optional '-',
 * blanks before, between and after (Courier pads each to 12 columns,
 * Dovecot does not). No '+', which Courier does not read and Dovecot
 * does, and nothing after the second number: a third is what a line
 * glued onto one without its newline looks like. 0, or -1. */
static int
usage_read(const char *p, const char *end, int64_t v[2])
{
	for (int i = 0; i < 2; i++) {
		const char *s = p;
		int neg = 0;

		p = blanks(p, end);
		if (i == 1 && p == s)
			return -1;
		if (p < end && *p == '-') {
			neg = 1;
			p++;
		}
		v[i] = 0;
		for (s = p; p < end && is_digit(*p); p++)
			if (__builtin_mul_overflow(v[i], 10, &v[i]) ||
			    __builtin_add_overflow(v[i], *p - '0', &v[i]))
				return -1;
		if (p == s)
			return -1;
		if (neg)
			v[i] = -v[i];
	}
	return blanks(p, end) == end ? 0 : -1;
}

/* One line after the first, [P, END) without its newline, into Q. */
static void
line_read(const char *p, const char *end, long no, struct md_quota *q)
{
	int64_t v[2];

	if (blanks(p, end) == end)
		verdict(q, MD_QUOTA_BLANK, no);
	else if (usage_read(p, end, v) == -1 ||
	         __builtin_add_overflow(q->bytes, v[0], &q->bytes) ||
	         __builtin_add_overflow(q->count, v[1], &q->count))
		verdict(q, MD_QUOTA_BADLINE, no);
	else
		q->lines++;
}

/*
 * The file's LEN bytes into Q. Where Courier and Dovecot read a file
 * alike, it is read so; where they differ, or where only damage or a
 * hand edit makes such a file, the verdict sends every reader to count
 * again, which is right for all of them (mdkit(7) lists each case).
 */
static void
file_read(const char *buf, size_t len, struct md_quota *q)
{
	const char *end = buf + len, *nl = memchr(buf, '\n', len);
	long no = 0;

	def_read(buf, nl ? nl : end, q);
	q->bytes = q->count = 0;
	q->lines = 0;
	q->verdict = MD_QUOTA_SOUND;
	q->badline = 0;
	if (len >= QUOTA_BUF)
		verdict(q, MD_QUOTA_TOOBIG, 0);
	else if (len == 0)
		verdict(q, MD_QUOTA_NODEF, 1);
	for (const char *p = buf; p < end && q->verdict == MD_QUOTA_SOUND;
	     p = nl + 1) {
		no++;
		/* Dovecot leaves such a line out (an append still being
		 * written), Courier counts it. */
		if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL) {
			verdict(q, MD_QUOTA_NOEOL, no);
			break;
		}
		if (nl > p && nl[-1] == '\r')
			verdict(q, MD_QUOTA_CRLF, no);
		else if (no == 1)
			def_check(p, nl, q);
		else
			line_read(p, nl, no, q);
	}
	if (q->lines == 0)
		verdict(q, MD_QUOTA_NOUSAGE, 0);
	else if (q->bytes < 0 || q->count < 0)
		verdict(q, MD_QUOTA_NEGATIVE, 0);
}

int
md_quota_read(int fd, struct md_quota *q)
{
	char buf[QUOTA_BUF];
	size_t len = 0;

	while (len < sizeof(buf)) {
		ssize_t n = read(fd, buf + len, sizeof(buf) - len);

		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1)
			return -1;
		if (n == 0)
			break;
		len += (size_t)n;
	}
	file_read(buf, len, q);
	return 0;
}

static int
over_one(int64_t used, int64_t more, uint64_t max)
{
	int64_t sum;

	if (max == 0)
		return 0;
	if (__builtin_add_overflow(used, more, &sum))
		return more > 0;
	return sum > 0 && (uint64_t)sum > max;
}

int
md_quota_over(const struct md_quota *q, int64_t bytes, int64_t count)
{
	return over_one(q->bytes, bytes, q->max_bytes) ||
	       over_one(q->count, count, q->max_count);
}

int
md_quota_is_trash(const char *root, const char *path)
{
	size_t n = strlen(path), r = strlen(root);

	while (n > 1 && path[n - 1] == '/')
		n--;
	while (r > 1 && root[r - 1] == '/')
		r--;
	if (n < 6 || memcmp(path + n - 6, ".Trash", 6) != 0 ||
	    (n > 6 && path[n - 7] != '/'))
		return 0;
	/* A root that is itself called .Trash is no folder. */
	return n != r || memcmp(path, root, n) != 0;
}

/* The size of one entry: ",S=" in its name, else stat (it follows a
 * symlink, as Courier does). 1, 0 for an entry to pass over, -1. */
static int
entry_size(int fd, const char *name, unsigned char type, uint64_t *size)
{
	struct stat st;

	if (type == DT_DIR)
		return 0;
	if (md_name_field(name, 'S', size) == 0)
		return 1;
	if (fstatat(fd, name, &st, 0) == -1)
		return errno == ENOENT ? 0 : -1; /* gone: expunged, moved */
	if (S_ISDIR(st.st_mode))
		return 0;
	*size = (uint64_t)st.st_size;
	return 1;
}

/* Sum DIR/SUB into Q, its mtime (taken first) into MT. A folder being
 * removed meanwhile (OPTIONAL) may be missing. */
static int
count_sub(int dirfd, const char *dir, int i, int optional, struct timespec *mt,
    struct md_quota *q, struct md_err *e)
{
	struct md_scan s;
	struct stat st;
	const char *name;
	unsigned char type;
	char path[PATH_MAX];
	int rc;

	if (join(path, sizeof(path), dir, subs[i]) == -1)
		return md_err_set(e, "stat", dir, subs[i]);
	if (fstatat(dirfd, subs[i], &st, 0) == -1)
		return optional && errno == ENOENT
		           ? 0
		           : md_err_set(e, "stat", path, NULL);
	*mt = st.st_mtim;
	if (md_scan_open(&s, dirfd, subs[i]) == -1)
		return md_err_set(e, "open", path, NULL);
	while ((rc = md_scan_next(&s, &name, &type)) == 1) {
		uint64_t size;
		int ok = entry_size(s.fd, name, type, &size);

		if (ok == -1) {
			md_err_set(e, "stat", path, name);
			break;
		}
		if (ok == 0)
			continue;
		if (size > (uint64_t)INT64_MAX ||
		    __builtin_add_overflow(q->bytes, (int64_t)size, &q->bytes))
			q->bytes = INT64_MAX;
		q->count++;
	}
	if (rc == -1)
		md_err_set(e, "read", path, NULL);
	md_scan_close(&s);
	return rc == 0 ? 0 : -1;
}

static void
qscan_free(struct qscan *qs)
{
	md_strings_free(qs->list, qs->nlist);
	free(qs->dirs);
}

static int
count_dir(struct qdir *d, int optional, struct md_quota *q, struct md_err *e)
{
	int fd = open(d->path, O_RDONLY | O_DIRECTORY | O_CLOEXEC), rc = 0;

	if (fd == -1)
		return optional && errno == ENOENT
		           ? 0
		           : md_err_set(e, "open", d->path, NULL);
	for (int i = 0; i < 2 && rc == 0; i++)
		rc = count_sub(fd, d->path, i, optional, &d->mt[i], q, e);
	close(fd);
	return rc;
}

/* Count ROOT and its folders but .Trash into Q, remembering the mtimes
 * of their new/ and cur/ in QS. */
static int
count_all(
    const char *root, struct md_quota *q, struct qscan *qs, struct md_err *e)
{
	memset(qs, 0, sizeof(*qs));
	q->bytes = q->count = 0;
	if (md_folder_list(root, ".", &qs->list, &qs->nlist) == -1)
		return md_err_set(e, "list folders", root, NULL);
	qs->dirs = calloc(qs->nlist + 1, sizeof(*qs->dirs));
	if (qs->dirs == NULL) {
		qscan_free(qs);
		return md_err_set(e, "count", root, NULL);
	}
	qs->dirs[qs->n++].path = root;
	for (size_t i = 0; i < qs->nlist; i++)
		if (!md_quota_is_trash(root, qs->list[i]))
			qs->dirs[qs->n++].path = qs->list[i];
	for (size_t i = 0; i < qs->n; i++) {
		if (count_dir(&qs->dirs[i], i > 0, q, e) == -1) {
			qscan_free(qs);
			return -1;
		}
	}
	return 0;
}

int
md_quota_count(const char *root, struct md_quota *q, struct md_err *e)
{
	struct qscan qs;

	if (count_all(root, q, &qs, e) == -1)
		return -1;
	qscan_free(&qs);
	return 0;
}

/* Did any new/ or cur/ change since it was counted? Then the count may
 * have missed a message or seen one twice. */
static int
changed(const struct qscan *qs)
{
	for (size_t i = 0; i < qs->n; i++) {
		for (int j = 0; j < 2; j++) {
			const struct timespec *a = &qs->dirs[i].mt[j];
			char path[PATH_MAX];
			struct stat st;

			if (join(path, sizeof(path), qs->dirs[i].path,
			        subs[j]) == -1 ||
			    stat(path, &st) == -1) {
				if (a->tv_sec != 0 || a->tv_nsec != 0)
					return 1;
				continue;
			}
			if (st.st_mtim.tv_sec != a->tv_sec ||
			    st.st_mtim.tv_nsec != a->tv_nsec)
				return 1;
		}
	}
	return 0;
}

/* The new file keeps the old one's mode and owner (a recount run by
 * root must not leave a file the user's deliveries cannot append to,
 * so a failed fchown fails the rewrite and the old file stays); a
 * first file takes the root directory's owner. */
static int
take_owner(int fd, const char *root, const char *path, struct md_err *e)
{
	struct stat st;
	mode_t mode = 0600;

	if (lstat(path, &st) == 0 && S_ISREG(st.st_mode))
		mode = st.st_mode & 07777;
	else if (stat(root, &st) == -1)
		return 0;
	if (geteuid() == 0 && fchown(fd, st.st_uid, st.st_gid) == -1)
		return md_err_set(e, "chown", root, "maildirsize");
	(void)fchmod(fd, mode); /* the mode is a courtesy: 0600 is safe */
	return 0;
}

/* T's text, on disk: any failure is a "write", as it always was here. */
static int
write_text(struct md_tmp *t, const char *text, size_t n, struct md_err *e)
{
	if (md_tmp_write(t, text, n, e) == 0 && md_tmp_finish(t, NULL, e) == 0)
		return 0;
	if (e != NULL)
		e->step = "write";
	return -1;
}

/* Q into ROOT/maildirsize, replaced as a whole (commit.c): a crash must
 * not leave an empty file, which would mean no quota. */
static int
write_size(const char *root, const struct md_quota *q, struct md_namegen *g,
    struct md_err *e)
{
	char text[128], path[PATH_MAX];
	struct md_maildir m;
	struct md_tmp *t;
	int n, rc = -1;

	if ((n = md_quota_format(q, text, sizeof(text))) == -1)
		return md_err_set(e, "format", root, "maildirsize");
	n += snprintf(text + n, sizeof(text) - (size_t)n,
	    "\n%" PRId64 " %" PRId64 "\n", q->bytes, q->count);
	if (join(path, sizeof(path), root, "maildirsize") == -1)
		return md_err_set(e, "create", root, "tmp");
	if ((t = malloc(sizeof(*t))) == NULL)
		return md_err_set(e, "create", root, "tmp");
	if (md_replace_open(&m, root, e) == 0) {
		if (md_tmp_create(t, &m, g, e) == 0) {
			if (take_owner(t->fd, root, path, e) == 0 &&
			    write_text(t, text, (size_t)n, e) == 0 &&
			    md_tmp_replace(t, "maildirsize", e) == 0)
				rc = 0;
			md_tmp_remove(t);
		}
		md_maildir_close(&m);
	}
	free(t);
	return rc;
}

/*
 * Maildir++ says to remove the new file when a directory changed during
 * the count. Here no maildirsize means no quota at all, so the count is
 * made once more, and if that too raced, a "0 0" line is added: the sums
 * stay, but with two lines no reader trusts them to refuse mail.
 */
int
md_quota_recalc(const char *root, struct md_quota *q, struct md_namegen *g,
    struct md_err *e)
{
	for (int attempt = 0; attempt < 2; attempt++) {
		struct qscan qs;
		int moved;

		if (count_all(root, q, &qs, e) == -1)
			return -1;
		if (write_size(root, q, g, e) == -1) {
			qscan_free(&qs);
			return -1;
		}
		moved = changed(&qs);
		qscan_free(&qs);
		q->lines = 1;
		q->verdict = MD_QUOTA_SOUND;
		q->badline = 0;
		if (!moved)
			return 0;
	}
	if (md_quota_add(root, 0, 0, e) == -1)
		return -1;
	q->lines = 2;
	return 0;
}

/* md_quota_get_for; *COUNTED says whether the maildir was counted. */
static int
quota_get(const char *root, int64_t bytes, int64_t count, struct md_quota *q,
    struct md_namegen *g, struct md_err *e, int *counted)
{
	char path[PATH_MAX];
	struct stat st;
	int fd, trust, symlinked = 0;

	*counted = 0;

	if (join(path, sizeof(path), root, "maildirsize") == -1)
		return md_err_set(e, "open", root, "maildirsize");
	/* A symlink is read for its limits, never trusted nor written
	 * through: the recount below puts a file of our own in its place. */
	if ((fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)) == -1 &&
	    errno == ELOOP) {
		symlinked = 1;
		fd = open(path, O_RDONLY | O_CLOEXEC);
	}
	if (fd == -1)
		return errno == ENOENT ? 0 : md_err_set(e, "open", path, NULL);
	if (md_quota_read(fd, q) == -1) {
		md_err_set(e, "read", path, NULL);
		close(fd);
		return -1;
	}
	trust = q->verdict == MD_QUOTA_SOUND && !symlinked;
	/* Sums that would refuse: one fresh line, or count again. */
	if (trust && md_quota_over(q, bytes, count))
		trust = q->lines == 1 && fstat(fd, &st) == 0 &&
		        time(NULL) < st.st_mtime + QUOTA_STALE;
	close(fd);
	if (!trust && md_quota_recalc(root, q, g, e) == -1)
		return -1;
	*counted = !trust;
	return 1;
}

int
md_quota_get_for(const char *root, int64_t bytes, int64_t count,
    struct md_quota *q, struct md_namegen *g, struct md_err *e)
{
	int counted;

	return quota_get(root, bytes, count, q, g, e, &counted);
}

int
md_quota_get(const char *root, struct md_quota *q, struct md_namegen *g,
    struct md_err *e)
{
	return md_quota_get_for(root, 0, 0, q, g, e);
}

/*
 * The line "BYTES COUNT" into LINE, after a newline when the file FD (of
 * size SIZE) ends in a line without one (a writer that died in its
 * write, a hand edit): glued onto it, ours would be lost and the line
 * before too. A writer between this look and our write costs a blank
 * line at worst, and that only makes the next reader count again. Its
 * length, or -1.
 */
static int
line_for(int fd, off_t size, int64_t bytes, int64_t count, char *line,
    size_t linesize)
{
	char last = '\n';
	ssize_t n = 0;

	while (size > 0 && (n = pread(fd, &last, 1, size - 1)) == -1 &&
	       errno == EINTR)
		;
	if (n == -1)
		return -1;
	return snprintf(line, linesize, "%s%" PRId64 " %" PRId64 "\n",
	    last == '\n' ? "" : "\n", bytes, count);
}

/* The N bytes of LINE to FD in one write, so that concurrent lines never
 * interleave. Should it be short, the rest follows at once: the line
 * ends whole unless a writer came between, and a broken line only makes
 * the next reader count. */
static int
write_line(int fd, const char *line, int n)
{
	ssize_t w;

	for (ssize_t off = 0; off < n; off += w) {
		if ((w = write(fd, line + off, (size_t)(n - off))) > 0)
			continue;
		if (w == -1 && errno == EINTR) {
			w = 0;
			continue;
		}
		if (w == 0)
			errno = EIO;
		return -1;
	}
	return 0;
}

/* md_quota_add, but when QR (not NULL) noted another maildirsize than
 * the one there now, or none, nothing is written and 2 returned: the
 * count that replaced it may have the change in it already. */
static int
add_line(const char *root, int64_t bytes, int64_t count,
    const struct md_quota_root *qr, struct md_err *e)
{
	char path[PATH_MAX], line[64];
	struct stat st;
	int fd, n = -1;

	if (join(path, sizeof(path), root, "maildirsize") == -1)
		return md_err_set(e, "open", root, "maildirsize");
	/* No O_CREAT: without the file there is no quota to keep. Read as
	 * well, for its last byte. Never through a symlink (one planted
	 * since the quota was read): the next reader counts again and
	 * replaces it. */
	if ((fd = open(path, O_RDWR | O_APPEND | O_NOFOLLOW | O_CLOEXEC)) == -1)
		return errno == ENOENT || errno == ELOOP
		           ? 0
		           : md_err_set(e, "open", path, NULL);
	if (fstat(fd, &st) == 0) {
		if (qr != NULL && qr->file != -1 &&
		    (qr->file == 0 || st.st_ino != qr->fino ||
		        st.st_dev != qr->fdev)) {
			close(fd);
			return 2;
		}
		n = line_for(fd, st.st_size, bytes, count, line, sizeof(line));
	}
	if (n == -1) {
		md_err_set(e, "read", path, NULL);
		close(fd);
		return -1;
	}
	if (write_line(fd, line, n) == -1) {
		md_err_set(e, "write", path, NULL);
		close(fd);
		return -1;
	}
	if (close(fd) == -1)
		return md_err_set(e, "write", path, NULL);
	return 1;
}

int
md_quota_add(const char *root, int64_t bytes, int64_t count, struct md_err *e)
{
	return add_line(root, bytes, count, NULL, e);
}

/* ---- the ledger: each root's quota over one run ---- */

void
md_quota_ledger_init(struct md_quota_ledger *l, struct md_namegen *g)
{
	l->roots = NULL;
	l->gen = g;
}

void
md_quota_ledger_free(struct md_quota_ledger *l)
{
	while (l->roots != NULL) {
		struct md_quota_root *next = l->roots->next;

		free(l->roots);
		l->roots = next;
	}
}

/* Which maildirsize QR's root has now, before the run changes it. */
static void
note_file(struct md_quota_root *qr)
{
	char path[PATH_MAX];
	struct stat st;

	qr->file = -1;
	if (join(path, sizeof(path), qr->path, "maildirsize") == -1)
		return;
	if (fstatat(AT_FDCWD, path, &st, AT_SYMLINK_NOFOLLOW) == 0) {
		qr->file = 1;
		qr->fdev = st.st_dev;
		qr->fino = st.st_ino;
	} else if (errno == ENOENT)
		qr->file = 0;
}

/* The root ROOT (a path of it) as L knows it, or a new entry for it. */
static struct md_quota_root *
root_entry(struct md_quota_ledger *l, const char *root, struct md_err *e)
{
	struct md_quota_root *qr;
	struct stat st;

	if (stat(root, &st) == -1) {
		md_err_set(e, "stat", root, NULL);
		return NULL;
	}
	for (qr = l->roots; qr != NULL; qr = qr->next)
		if (qr->dev == st.st_dev && qr->ino == st.st_ino)
			return qr;
	if ((qr = calloc(1, sizeof(*qr))) == NULL) {
		md_err_set(e, "memory", root, NULL);
		return NULL;
	}
	qr->dev = st.st_dev;
	qr->ino = st.st_ino;
	strlcpy(qr->path, root, sizeof(qr->path));
	note_file(qr);
	qr->next = l->roots;
	l->roots = qr;
	return qr;
}

int
md_quota_ledger_find(struct md_quota_ledger *l, const char *maildir,
    struct md_quota_root **qr, struct md_err *e)
{
	char root[PATH_MAX];

	*qr = NULL;
	switch (md_folder_root(maildir, root, sizeof(root))) {
	case -1:
		if (errno == ENAMETOOLONG)
			return md_err_set(e, "quota", maildir, NULL);
		return md_err_set(e, "stat", maildir, "maildirfolder");
	}
	if (md_quota_is_trash(root, maildir))
		return 0;
	if ((*qr = root_entry(l, root, e)) == NULL)
		return -1;
	return 1;
}

int
md_quota_ledger_room(struct md_quota_ledger *l, struct md_quota_root *qr,
    int64_t bytes, int64_t count, struct md_err *e)
{
	int64_t b, c;
	int counted, rc;

	/* None when the root was found: no quota, and no second look. */
	if (qr->state == 0 && qr->file == 0)
		qr->state = -1;
	if (qr->state == -1)
		return 1;
	/* What was recorded is ours: counted, written or not. */
	if (__builtin_add_overflow(bytes, qr->bytes, &b) ||
	    __builtin_add_overflow(count, qr->count, &c))
		return 0;
	if (qr->state == 0 || md_quota_over(&qr->q, b, c)) {
		rc = quota_get(qr->path, b, c, &qr->q, l->gen, e, &counted);
		if (rc == -1)
			return -1;
		qr->state = rc ? 1 : -1;
		if (rc == 0)
			return 1;
		/* What was recorded is in place, so in the count now: its
		 * line would add it a second time. */
		if (counted) {
			note_file(qr);
			qr->bytes = qr->count = 0;
			b = bytes;
			c = count;
		}
	}
	return !md_quota_over(&qr->q, b, c);
}

void
md_quota_ledger_record(struct md_quota_root *qr, int64_t bytes, int64_t count)
{
	qr->bytes += bytes;
	qr->count += count;
}

/* QR's root counted again, in place of a line, when its maildirsize
 * was replaced since the run found it. */
static int
recount(struct md_quota_ledger *l, struct md_quota_root *qr, struct md_err *e)
{
	struct md_namegen own, *g = l->gen;
	char path[PATH_MAX];
	int fd, rc;

	/* The limits are the new file's, which a run that only records
	 * (md-expunge's) has not read. */
	if (join(path, sizeof(path), qr->path, "maildirsize") == -1)
		return md_err_set(e, "open", qr->path, "maildirsize");
	if ((fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)) == -1)
		return md_err_set(e, "open", path, NULL);
	rc = md_quota_read(fd, &qr->q);
	close(fd);
	if (rc == -1)
		return md_err_set(e, "read", path, NULL);
	if (g == NULL && md_namegen_init(g = &own) == -1)
		return md_err_set(e, "quota", qr->path, "maildirsize");
	if (md_quota_recalc(qr->path, &qr->q, g, e) == -1)
		return -1;
	note_file(qr);
	return 0;
}

int
md_quota_ledger_flush(struct md_quota_ledger *l, struct md_err *e)
{
	int failed = 0;

	for (struct md_quota_root *qr = l->roots; qr != NULL; qr = qr->next) {
		struct md_err *ep = failed ? NULL : e;

		if (qr->state == -1 || (qr->bytes == 0 && qr->count == 0))
			continue;
		switch (add_line(qr->path, qr->bytes, qr->count, qr, ep)) {
		case -1:
			failed = 1; /* the next count puts the sums right */
			break;
		case 0:
			qr->state = -1; /* removed: no quota any more */
			break;
		case 2:
			if (recount(l, qr, ep) == -1)
				failed = 1;
			break;
		default:
			qr->q.bytes += qr->bytes;
			qr->q.count += qr->count;
		}
		qr->bytes = qr->count = 0;
	}
	return failed ? -1 : 0;
}
