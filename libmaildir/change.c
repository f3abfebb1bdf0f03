/*
 * change.c: renaming a message in place: flag changes and new/ -> cur/.
 * The base (before the first ':') never changes; one rename does it all,
 * and a message another client renamed meanwhile is found by its base.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "internal.h"

/* memcpy, called: where it can bound N below 8 KiB (the checks before
 * each copy here do), GCC's generic tuning copies inline with "rep
 * movsq", whose start-up costs more than a name's copy (23 ns of a
 * path's 110 in md-flag). The empty asm hides the bound. */
static void
copy(char *to, const char *from, size_t n)
{
	__asm__("" : "+r"(n));
	memcpy(to, from, n);
}

int
md_msgpath_parse(const char *path, struct md_msgpath *mp)
{
	const char *slash = strrchr(path, '/'), *name, *sub;
	size_t rootlen, namelen;

	if (slash == NULL)
		goto bad;
	name = slash + 1;
	while (slash > path && slash[-1] == '/') /* "cur//x" is "cur/x" */
		slash--;
	if (slash - path < 3)
		goto bad;
	sub = slash - 3;
	if (sub > path && sub[-1] != '/')
		goto bad;
	if (strncmp(sub, "new", 3) == 0)
		mp->sub = MD_NEW;
	else if (strncmp(sub, "cur", 3) == 0)
		mp->sub = MD_CUR;
	else
		goto bad;
	/* A name must have a base: no ".tmpfile", no ":2,S" alone. */
	if (name[0] == '\0' || name[0] == '.' || name[0] == ':')
		goto bad;
	rootlen = 0;
	if (sub > path) {
		const char *end = sub - 1;

		while (end > path && end[-1] == '/')
			end--;
		rootlen = (size_t)(end - path);
	}
	if (rootlen == 0 && sub > path) /* "/new/x": the root is "/" */
		rootlen = 1;
	/* (libbsd's strlcpy goes a byte at a time: md-flag parses a path
	 * for each of its renames) */
	if (rootlen >= sizeof(mp->root) ||
	    (namelen = strlen(name)) >= sizeof(mp->name)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	copy(mp->name, name, namelen + 1);
	mp->bare = rootlen == 0;
	if (rootlen == 0)
		strlcpy(mp->root, ".", sizeof(mp->root));
	else {
		copy(mp->root, path, rootlen);
		mp->root[rootlen] = '\0';
	}
	return 0;
bad:
	errno = EINVAL;
	return -1;
}

int
md_change_name(const struct md_msgpath *mp, const struct md_change *c,
    char *out, size_t size)
{
	struct md_name n;
	struct md_flags want;

	md_name_parse(mp->name, &n);
	want = n.flags;
	md_flags_apply(&want, &c->set, &c->clear);
	if (md_flags_equal(&want, &n.flags) &&
	    !(mp->sub == MD_NEW && c->to_cur))
		return 0;
	if (md_name_format(out, size, mp->name, &n, &want) == -1)
		return -1;
	return 1;
}

/* ROOT/new[/NAME] or ROOT/cur[/NAME]; no doubled '/' after a root "/". */
static int
sub_path(char *buf, size_t size, const char *root, int sub, const char *name)
{
	size_t len = strlen(root), nl = name ? strlen(name) : 0;
	int slash = !(len > 0 && root[len - 1] == '/');
	char *p = buf;

	/* root, '/', "new" or "cur", '/', name, NUL: copied, not printed
	 * (this runs twice for each message md-flag renames) */
	if (len + (size_t)slash + 3 + (name ? 1 + nl : 0) >= size) {
		errno = ENAMETOOLONG;
		return -1;
	}
	p = mempcpy(p, root, len);
	if (slash)
		*p++ = '/';
	p = mempcpy(p, sub == MD_NEW ? "new" : "cur", 3);
	if (name) {
		*p++ = '/';
		p = mempcpy(p, name, nl);
	}
	*p = '\0';
	return 0;
}

int
md_msgpath_format(const struct md_msgpath *mp, char *buf, size_t size)
{
	if (mp->bare) { /* "cur/x" stays "cur/x", not "./cur/x" */
		int n = snprintf(buf, size, "%s/%s",
		    mp->sub == MD_NEW ? "new" : "cur", mp->name);

		if (n >= 0 && (size_t)n < size)
			return 0;
		errno = ENAMETOOLONG;
		return -1;
	}
	return sub_path(buf, size, mp->root, mp->sub, mp->name);
}

int
md_find_base(struct md_msgpath *mp)
{
	size_t baselen = md_name_baselen(mp->name);
	const int subs[] = { MD_CUR, MD_NEW };
	char dir[PATH_MAX];

	for (size_t i = 0; i < 2; i++) {
		struct md_scan s;
		const char *name;
		unsigned char type;
		int r;

		if (sub_path(dir, sizeof(dir), mp->root, subs[i], NULL) == -1)
			return -1;
		if (md_scan_open(&s, AT_FDCWD, dir) == -1) {
			if (errno == ENOENT) /* one gone: look in the other */
				continue;
			return -1;
		}
		while ((r = md_scan_next(&s, &name, &type)) == 1) {
			if (strncmp(name, mp->name, baselen) != 0 ||
			    (name[baselen] != '\0' && name[baselen] != ':') ||
			    type == DT_DIR)
				continue;
			strlcpy(mp->name, name, sizeof(mp->name));
			mp->sub = subs[i];
			md_scan_close(&s);
			return 0;
		}
		md_scan_close(&s);
		if (r == -1)
			return -1;
	}
	errno = ENOENT;
	return -1;
}

int
md_find_err(struct md_err *e, const char *path)
{
	if (errno == ENOENT)
		return md_err_kind(e, MD_ERR_GONE, "find", path, NULL);
	return md_err_set(e, "scan", path, NULL);
}

static int
is_dir(const char *path)
{
	struct stat st;

	return fstatat(AT_FDCWD, path, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
	       S_ISDIR(st.st_mode);
}

/* Is ROOT's cur/ gone (or not a directory)? An error to look counts as
 * gone: the rename's ENOENT is then the answer to give. */
static int
cur_missing(const char *root)
{
	char dir[PATH_MAX];

	return sub_path(dir, sizeof(dir), root, MD_CUR, NULL) == -1 ||
	       !is_dir(dir);
}

/* Messages in a row in one maildir before md_change_in looks at its
 * link counts: a run that hops between maildirs looks at each message
 * alone, as before, rather than at two directories per message. */
#define LEAF_AFTER 4
/* How long what the link counts said holds, in ms: a directory made in
 * cur/ during a long run is noticed within this. */
#define LEAF_FOR 1000

void
md_changer_init(struct md_changer *ch)
{
	memset(ch, 0, sizeof(*ch));
}

static int64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Does ROOT's SUB hold no directory: is its link count 2 (its own
 * entry and its '.')? Each subdirectory's ".." adds one. */
static int
holds_no_dir(const char *root, int sub)
{
	char dir[PATH_MAX];
	struct stat st;

	return sub_path(dir, sizeof(dir), root, sub, NULL) == 0 &&
	       stat(dir, &st) == 0 && S_ISDIR(st.st_mode) && st.st_nlink == 2;
}

/* Need MP's file be looked at before its rename, lest a directory be
 * renamed? Not when CH knows its new/ or cur/ holds none. */
static int
must_look(struct md_changer *ch, const struct md_msgpath *mp)
{
	int64_t t;

	if (ch == NULL)
		return 1;
	if (strcmp(ch->root, mp->root) != 0) {
		strlcpy(ch->root, mp->root, sizeof(ch->root));
		ch->run = 0;
		ch->leaf = 0;
		ch->at = 0;
	}
	if (++ch->run < LEAF_AFTER)
		return 1;
	t = now_ms();
	if (ch->at == 0 || t - ch->at >= LEAF_FOR) {
		ch->leaf = (holds_no_dir(mp->root, MD_NEW) ? MD_NEW : 0) |
		           (holds_no_dir(mp->root, MD_CUR) ? MD_CUR : 0);
		ch->at = t > 0 ? t : 1;
	}
	return !(ch->leaf & (unsigned)mp->sub);
}

/* A client that renames it again and again could keep us busy forever. */
#define CHANGE_TRIES 5

int
md_change(struct md_msgpath *mp, const struct md_change *c, struct md_err *e)
{
	return md_change_in(NULL, mp, c, e);
}

int
md_change_in(struct md_changer *ch, struct md_msgpath *mp,
    const struct md_change *c, struct md_err *e)
{
	char name[NAME_MAX + 1], from[PATH_MAX], to[PATH_MAX];
	int r;

	for (int i = 0; i < CHANGE_TRIES; i++) {
		char was[NAME_MAX + 1];
		int was_sub = mp->sub;

		if ((r = md_change_name(mp, c, name, sizeof(name))) == -1)
			return md_err_set(e, "name", mp->root, mp->name);
		/* Nothing to change costs nothing, not even a look. */
		if (r == 0)
			return 0;
		if (sub_path(from, sizeof(from), mp->root, mp->sub, mp->name) ==
		        -1 ||
		    sub_path(to, sizeof(to), mp->root, MD_CUR, name) == -1)
			return md_err_set(e, "name", mp->root, mp->name);
		/* A directory in cur/ is no message, though rename would
		 * take it; this look is the one cost beyond the rename,
		 * saved where the link counts say there is none. */
		if ((i > 0 || must_look(ch, mp)) && is_dir(from)) {
			errno = EISDIR;
			return md_err_kind(
			    e, MD_ERR_NOT_MESSAGE, "not a message", from, NULL);
		}
		if (md_rename_noreplace(AT_FDCWD, from, AT_FDCWD, to) == 0) {
			/* NAME fits: md_change_name made it to fit NAME_MAX */
			copy(mp->name, name, strlen(name) + 1);
			mp->sub = MD_CUR;
			return 1;
		}
		if (errno != ENOENT)
			return md_err_set(e, "rename", from, NULL);
		/* Renamed by someone else meanwhile: find it by its base. */
		strlcpy(was, mp->name, sizeof(was));
		if (md_find_base(mp) == -1)
			return md_find_err(e, from);
		/* Still where it was: either cur/ itself is missing, or
		 * another client renamed it away and back meanwhile (a flag
		 * set and cleared), which is worth another try. */
		if (mp->sub == was_sub && strcmp(mp->name, was) == 0 &&
		    cur_missing(mp->root)) {
			errno = ENOENT;
			return md_err_set(e, "rename", to, NULL);
		}
	}
	errno = EAGAIN;
	return md_err_set(e, "rename", from, NULL);
}
