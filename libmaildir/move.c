/*
 * move.c: refiling a message into another maildir under a fresh base.
 * A fresh base, so that names another program keyed on the old one
 * (mbsync's ",U=", Dovecot's uidlist) never follow the message. One
 * rename on one file system; across file systems a copy that is on disk
 * in the target before the source goes (commit.c writes and places it),
 * so that a crash leaves the message in one place or both, never in
 * neither.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "internal.h"

/* Another client renaming the source, or a name clash, each bounded. */
#define MOVE_TRIES 8

/* NAME with its keyword letters renamed by KMAP into OUT; -1/ENOENT for
 * a letter that cannot be carried. Keyword letters are each maildir's
 * own (its dovecot-keywords): carried as they are, one would name
 * another keyword in the target, or none. */
static int
carry_keywords(const char *name, const char *kmap, char *out, size_t size)
{
	struct md_name n;
	struct md_flags f;

	md_name_parse(name, &n);
	md_flags_zero(&f);
	for (int c = 1; c < 256; c++) {
		if (!md_flags_has(&n.flags, (unsigned char)c))
			continue;
		if (c >= 'a' && c <= 'z' && kmap[c - 'a'] == '\0') {
			errno = ENOENT;
			return -1;
		}
		md_flags_set(&f,
		    c >= 'a' && c <= 'z' ? (unsigned char)kmap[c - 'a']
		                         : (unsigned char)c,
		    1);
	}
	if (n.kind != MD_INFO_2)
		return strlcpy(out, name, size) < size ? 0 : -1;
	return md_name_format(out, size, name, &n, &f);
}

/* "<fresh base>,S=<size><info of the old name>" into NAME, keywords
 * carried by KMAP (NULL: as they are). */
static int
new_name(const struct md_msgpath *mp, uint64_t size, const char *kmap,
    struct md_namegen *g, char *name, size_t namesize)
{
	char base[NAME_MAX + 1], info[NAME_MAX + 1];
	const char *old = mp->name;
	int n;

	if (kmap != NULL) {
		if (carry_keywords(mp->name, kmap, info, sizeof(info)) == -1)
			return -1;
		old = info;
	}
	if (md_name_unique(g, base, sizeof(base)) == -1)
		return -1;
	n = snprintf(name, namesize, "%s,S=%llu%s", base,
	    (unsigned long long)size, old + md_name_baselen(old));
	if (n < 0 || (size_t)n >= namesize || (size_t)n > NAME_MAX) {
		errno = ENAMETOOLONG;
		return -1;
	}
	return 0;
}

static int
out_path(const struct md_maildir *to, int sub, const char *name, char *out,
    size_t size)
{
	int n = snprintf(out, size, "%s/%s/%s", to->path,
	    sub == MD_NEW ? "new" : "cur", name);

	if (n < 0 || (size_t)n >= size) {
		errno = ENAMETOOLONG;
		return -1;
	}
	return 0;
}

/* The source's directory, synced after the unlink made it lose one. */
static int
sync_src_dir(const struct md_msgpath *mp)
{
	char dir[PATH_MAX + 8];

	snprintf(dir, sizeof(dir), "%s/%s", mp->root,
	    mp->sub == MD_NEW ? "new" : "cur");
	return md_dir_sync(AT_FDCWD, dir);
}

/* Across file systems: copy, sync, link, sync; only then the unlink.
 * PLACED gets "new/NAME" or "cur/NAME" (md_place_own). A failure leaves
 * the message where it was, and only there; once the source is gone the
 * move is done, its directory synced where that can be. */
static int
move_copy(struct md_msgpath *mp, const char *from, const struct stat *st,
    const struct md_maildir *to, int keep, struct md_namegen *g, char *placed,
    size_t placedsize, uint64_t *size, struct md_err *e)
{
	struct md_tmp *t = malloc(sizeof(*t));
	int fd = -1, rc = -1;

	if (t == NULL)
		return md_err_set(e, "copy", from, NULL);
	if ((fd = open(from, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)) == -1) {
		md_err_set(e, "open", from, NULL);
		goto out;
	}
	if (md_tmp_copy(t, to, fd, from, &st->st_mtim, g, e) == -1)
		goto out;
	if (md_place_own(t, mp->sub, mp->name + md_name_baselen(mp->name), g,
	        placed, placedsize, e) == -1) {
		md_tmp_remove(t);
		goto out;
	}
	if (md_maildir_sync(to, mp->sub, e) == -1) {
		/* Linked, perhaps not on disk: the source stays, and the copy
		 * is taken back, so that "not moved" leaves no duplicate. */
		int saved = errno;

		unlinkat(to->fd, placed, 0);
		(void)md_maildir_sync(to, mp->sub, NULL);
		md_tmp_remove(t);
		errno = saved;
		goto out;
	}
	md_tmp_remove(t);
	*size = t->size;
	if (!keep && unlink(from) == -1) {
		/* Now in both places: a duplicate, never a loss. */
		md_err_set(e, "unlink", from, NULL);
		goto out;
	}
	/* Moved: should the source's removal not reach the disk, a crash
	 * brings it back (a duplicate, never a loss), as a rename on one
	 * file system, which syncs neither directory, may. */
	if (!keep)
		(void)sync_src_dir(mp);
	rc = 0;
out:
	if (fd >= 0)
		close(fd);
	free(t);
	return rc;
}

/* The message's size: its ",S=" when it has one, else ST's. */
static uint64_t
msg_size(const char *name, const struct stat *st)
{
	uint64_t v;

	if (md_name_field(name, 'S', &v) == 0)
		return v;
	return (uint64_t)st->st_size;
}

int
md_move(struct md_msgpath *mp, const struct md_maildir *to, int keep,
    const char *kmap, struct md_namegen *g, char *out, size_t outsize,
    uint64_t *size, struct md_err *e)
{
	char from[PATH_MAX], name[NAME_MAX + 1], placed[NAME_MAX + 5];
	int dir = mp->sub == MD_NEW ? to->newfd : to->curfd;
	struct stat st;

	for (int i = 0; i < MOVE_TRIES; i++) {
		int r;

		if (md_msgpath_format(mp, from, sizeof(from)) == -1)
			return md_err_set(e, "name", mp->root, mp->name);
		if (fstatat(AT_FDCWD, from, &st, AT_SYMLINK_NOFOLLOW) == -1) {
			if (errno != ENOENT)
				return md_err_set(e, "stat", from, NULL);
			/* Renamed by another client meanwhile? */
			if (md_find_base(mp) == -1)
				return md_find_err(e, from);
			dir = mp->sub == MD_NEW ? to->newfd : to->curfd;
			continue;
		}
		if (S_ISDIR(st.st_mode)) {
			errno = EISDIR;
			return md_err_kind(
			    e, MD_ERR_NOT_MESSAGE, "not a message", from, NULL);
		}
		*size = msg_size(mp->name, &st);
		if (new_name(mp, *size, kmap, g, name, sizeof(name)) == -1)
			return errno == ENOENT
			           ? md_err_kind(e, MD_ERR_KEYWORD, "keyword",
			                 to->path, "dovecot-keywords")
			           : md_err_set(e, "name", to->path, NULL);
		if (keep)
			r = md_link(AT_FDCWD, from, dir, name);
		else
			r = md_rename_noreplace(AT_FDCWD, from, dir, name);
		if (r == 0)
			return out_path(to, mp->sub, name, out, outsize) == -1
			           ? md_err_set(e, "name", to->path, NULL)
			           : 0;
		if (errno == EEXIST || errno == ENOENT)
			continue; /* a clash, or renamed since the stat */
		if (errno == EXDEV ||
		    (keep && (errno == EPERM || errno == ENOSYS ||
		                 errno == ENOTSUP || errno == EMLINK))) {
			if (!S_ISREG(st.st_mode)) {
				errno = EXDEV;
				return md_err_set(e, "copy", from, NULL);
			}
			if (move_copy(mp, from, &st, to, keep, g, placed,
			        sizeof(placed), size, e) == -1)
				return -1;
			return out_path(
			           to, mp->sub, placed + 4, out, outsize) == -1
			           ? md_err_set(e, "name", to->path, NULL)
			           : 0;
		}
		return md_err_set(e, keep ? "link" : "rename", from, NULL);
	}
	errno = EAGAIN;
	return md_err_set(e, "rename", from, NULL);
}
