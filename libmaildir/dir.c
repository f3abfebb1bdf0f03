/* dir.c: opening and creating maildirs and Maildir++ folders. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "internal.h"

static const char *const subdirs[] = { "tmp", "new", "cur" };

/* mkdir that is content when another process got there first: 1 when
 * this call made it, 0 when it was there, -1 on failure. */
static int
mkdir_made(int at, const char *name)
{
	if (mkdirat(at, name, 0700) == 0)
		return 1;
	return errno == EEXIST ? 0 : -1;
}

/* The directory PATH is in ("." for a bare name), synced. */
static int
sync_parent(const char *path)
{
	char parent[PATH_MAX];
	char *slash;

	if (strlcpy(parent, path, sizeof(parent)) >= sizeof(parent)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	for (size_t n = strlen(parent); n > 1 && parent[n - 1] == '/'; n--)
		parent[n - 1] = '\0';
	if ((slash = strrchr(parent, '/')) == NULL)
		return md_dir_sync(AT_FDCWD, ".");
	slash[slash == parent] = '\0'; /* "/M": the root itself */
	return md_dir_sync(AT_FDCWD, parent);
}

/* What it makes is on disk before it returns: a message synced into a
 * new/ whose own name a power cut could take would be lost with it. */
static int
create_tree(const char *path, struct md_err *e)
{
	int fd, made, sub = 0;

	/* Never parents: a missing parent may be a file system that is not
	 * mounted, and mail must not go to the disk beneath it. */
	if ((made = mkdir_made(AT_FDCWD, path)) == -1)
		return md_err_set(e, "create", path, NULL);
	if ((fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1)
		return md_err_set(e, "open", path, NULL);
	for (size_t i = 0; i < 3; i++) {
		int r = mkdir_made(fd, subdirs[i]);

		if (r == -1) {
			md_err_set(e, "create", path, subdirs[i]);
			close(fd);
			return -1;
		}
		sub |= r;
	}
	if (sub && md_dir_sync(fd, NULL) == -1) {
		md_err_set(e, "fsync", path, NULL);
		close(fd);
		return -1;
	}
	close(fd);
	if (made && sync_parent(path) == -1)
		return md_err_set(e, "fsync", path, "..");
	return 0;
}

void
md_maildir_close(struct md_maildir *m)
{
	int *fds[] = { &m->fd, &m->tmpfd, &m->newfd, &m->curfd };

	for (size_t i = 0; i < 4; i++) {
		if (*fds[i] >= 0)
			close(*fds[i]);
		*fds[i] = -1;
	}
}

int
md_maildir_open(
    struct md_maildir *m, const char *path, int flags, struct md_err *e)
{
	int *fds[] = { &m->tmpfd, &m->newfd, &m->curfd };
	struct stat st;

	m->fd = m->tmpfd = m->newfd = m->curfd = -1;
	if (strlcpy(m->path, path, sizeof(m->path)) >= sizeof(m->path)) {
		errno = ENAMETOOLONG;
		return md_err_set(e, "open", path, NULL);
	}
	if ((flags & MD_CREATE) && create_tree(path, e) == -1)
		return -1;
	if ((m->fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1)
		return md_err_set(e, "open", path, NULL);
	for (size_t i = 0; i < 3; i++) {
		*fds[i] = openat(
		    m->fd, subdirs[i], O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (*fds[i] == -1) {
			md_err_set(e, "open", path, subdirs[i]);
			goto fail;
		}
	}
	if (fstat(m->tmpfd, &st) == -1) {
		md_err_set(e, "stat", path, "tmp");
		goto fail;
	}
	m->dev = st.st_dev;
	return 0;
fail:
	md_maildir_close(m);
	return -1;
}

/*
 * A folder name is dot-separated components; none may be empty, "." or
 * "..", and no byte may be '/', a control byte or DEL, so that the name
 * cannot leave the root or confuse Maildir++ readers.
 */
int
md_folder_valid(const char *name)
{
	const unsigned char *p = (const unsigned char *)name;
	size_t comp = 0;

	if (*p == '\0')
		goto bad;
	for (; *p; p++) {
		if (*p == '/' || *p < 0x20 || *p == 0x7f)
			goto bad;
		if (*p == '.') {
			if (comp == 0)
				goto bad;
			comp = 0;
		} else
			comp++;
	}
	if (comp == 0)
		goto bad;
	return 0;
bad:
	errno = EINVAL;
	return -1;
}

int
md_folder_path(char *buf, size_t size, const char *root, const char *name)
{
	int n;

	if (strncmp(name, "INBOX.", 6) == 0)
		name += 6;
	else if (strcmp(name, "INBOX") == 0)
		name = NULL;
	if (name != NULL && md_folder_valid(name) == -1)
		return -1;
	if (name == NULL)
		n = snprintf(buf, size, "%s", root);
	else
		n = snprintf(buf, size, "%s/.%s", root, name);
	if (n < 0 || (size_t)n >= size) {
		errno = ENAMETOOLONG;
		return -1;
	}
	return 0;
}

/* Maildir++ marks folders with an empty "maildirfolder" file. */
static int
mark_folder(const char *path, struct md_err *e)
{
	char marker[PATH_MAX + 16];
	int fd, made = 1;

	snprintf(marker, sizeof(marker), "%s/maildirfolder", path);
	fd = open(
	    marker, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	/* There already: a file will do (a symlink fails, unfollowed). */
	if (fd == -1 && errno == EEXIST) {
		made = 0;
		fd = open(marker, O_WRONLY | O_NOFOLLOW | O_CLOEXEC);
	}
	if (fd == -1)
		return md_err_set(e, "create", marker, NULL);
	close(fd);
	/* Made: on disk before mail counts by it (whose quota it is in). */
	if (made && md_dir_sync(AT_FDCWD, path) == -1)
		return md_err_set(e, "fsync", path, NULL);
	return 0;
}

/* The folder PATH opened into M when it is whole (tmp/, new/, cur/ and
 * its maildirfolder file): most deliveries into a folder find it so,
 * and making it anyway (a mkdir a directory of root and folder, the
 * marker opened twice) cost a filing delivery 16 system calls. -1 (M
 * closed) when it is not: then it is made. */
static int
open_marked(struct md_maildir *m, const char *path)
{
	struct md_err e;
	struct stat st;

	if (md_maildir_open(m, path, 0, &e) == -1)
		return -1;
	if (fstatat(m->fd, "maildirfolder", &st, AT_SYMLINK_NOFOLLOW) == 0 &&
	    S_ISREG(st.st_mode))
		return 0;
	md_maildir_close(m);
	return -1;
}

int
md_folder_open(struct md_maildir *m, const char *root, const char *name,
    int flags, struct md_err *e)
{
	char path[PATH_MAX];

	m->fd = m->tmpfd = m->newfd = m->curfd = -1;
	if (md_folder_path(path, sizeof(path), root, name) == -1)
		return md_err_set(e, "folder name", name, NULL);
	if (strcmp(path, root) == 0)
		return md_maildir_open(m, root, flags, e);
	if ((flags & MD_CREATE) && open_marked(m, path) == 0)
		return 0;
	if ((flags & MD_CREATE) && create_tree(root, e) == -1)
		return -1;
	if (md_maildir_open(m, path, flags, e) == -1)
		return -1;
	if ((flags & MD_CREATE) && mark_folder(path, e) == -1) {
		md_maildir_close(m);
		return -1;
	}
	return 0;
}

int
md_maildir_check(const char *path, struct md_err *e)
{
	char p[PATH_MAX + 8];
	struct stat st;

	for (size_t i = 0; i < 3; i++) {
		if (snprintf(p, sizeof(p), "%s/%s", path, subdirs[i]) >=
		    (int)sizeof(p)) {
			errno = ENAMETOOLONG;
			return md_err_set(e, "stat", path, subdirs[i]);
		}
		if (stat(p, &st) == -1) {
			/* Only on failure: is it the maildir or a part that
			 * is missing? */
			if (errno == ENOENT && stat(path, &st) == -1)
				return md_err_set(e, "stat", path, NULL);
			if (errno != ENOENT && errno != ENOTDIR)
				return md_err_set(e, "stat", path, subdirs[i]);
		} else if (S_ISDIR(st.st_mode))
			continue;
		else
			errno = ENOTDIR;
		return md_err_kind(
		    e, MD_ERR_NOT_MAILDIR, "stat", path, subdirs[i]);
	}
	return 0;
}

int
md_maildir_default(char *buf, size_t size)
{
	const char *v = getenv("MAILDIR"), *home;
	struct passwd *pw;
	int n;

	if (v != NULL && *v)
		n = snprintf(buf, size, "%s", v);
	else {
		home = getenv("HOME");
		if ((home == NULL || *home == '\0') &&
		    (pw = getpwuid(getuid())) != NULL)
			home = pw->pw_dir;
		if (home == NULL || *home == '\0') {
			errno = ENOENT;
			return -1;
		}
		n = snprintf(buf, size, "%s/Maildir", home);
	}
	if (n < 0 || (size_t)n >= size) {
		errno = ENAMETOOLONG;
		return -1;
	}
	return 0;
}

void
md_strings_free(char **list, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(list[i]);
	free(list);
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int
add_string(char ***list, size_t *n, const char *s)
{
	char **l = reallocarray(*list, *n + 1, sizeof(**list));

	if (l == NULL)
		return -1;
	*list = l;
	if ((l[*n] = strdup(s)) == NULL)
		return -1;
	(*n)++;
	return 0;
}

static int
is_subdir(const char *path, const char *sub)
{
	char p[PATH_MAX + 8];
	struct stat st;

	if (snprintf(p, sizeof(p), "%s/%s", path, sub) >= (int)sizeof(p))
		return 0;
	/* One that cannot be looked at (EIO, EACCES) is kept: whoever
	 * opens it says why, rather than its mail being passed over. */
	if (stat(p, &st) == -1)
		return errno != ENOENT && errno != ENOTDIR;
	return S_ISDIR(st.st_mode);
}

int
md_folder_list(const char *root, const char *prefix, char ***list, size_t *n)
{
	DIR *d = opendir(root);
	struct dirent *de;
	char path[PATH_MAX];
	size_t plen = strlen(prefix), keep = 0;
	int saved;

	*list = NULL;
	*n = 0;
	if (d == NULL)
		return -1;
	for (;;) {
		errno = 0;
		if ((de = readdir(d)) == NULL) {
			if (errno != 0) /* not the end: a read that failed */
				goto fail;
			break;
		}
		if (strncmp(de->d_name, prefix, plen) != 0 ||
		    de->d_name[0] != '.' ||
		    md_folder_valid(de->d_name + 1) != 0 ||
		    (de->d_type != DT_DIR && de->d_type != DT_UNKNOWN &&
		        de->d_type != DT_LNK))
			continue;
		if (snprintf(path, sizeof(path), "%s/%s", root, de->d_name) >=
		        (int)sizeof(path) ||
		    add_string(list, n, path) == -1)
			goto fail;
	}
	closedir(d);
	d = NULL;
	if (*n > 1) /* qsort(NULL, 0, ...) is undefined */
		qsort(*list, *n, sizeof(**list), cmp_str);
	/* A dot-directory without cur/ is no folder (".git", ".cache"). */
	for (size_t i = 0; i < *n; i++) {
		if (is_subdir((*list)[i], "cur"))
			(*list)[keep++] = (*list)[i];
		else
			free((*list)[i]);
	}
	*n = keep;
	return 0;
fail:
	saved = errno;
	if (d != NULL)
		closedir(d);
	md_strings_free(*list, *n);
	*list = NULL;
	*n = 0;
	errno = saved == 0 ? ENAMETOOLONG : saved;
	return -1;
}

int
md_path_trim(const char *path, char *buf, size_t size)
{
	size_t len = strlen(path);

	while (len > 1 && path[len - 1] == '/')
		len--;
	if (len >= size || len >= PATH_MAX) {
		errno = ENAMETOOLONG;
		return -1;
	}
	memcpy(buf, path, len);
	buf[len] = '\0';
	return 0;
}

int
md_folder_root(const char *path, char *buf, size_t size)
{
	char p[PATH_MAX + 16];
	const char *slash;
	struct stat st;

	if (md_path_trim(path, buf, size) == -1)
		return -1;
	snprintf(p, sizeof(p), "%s/maildirfolder", buf);
	/* A marker that cannot be looked at leaves the root unknown: taken
	 * for a root, a folder would escape its quota. */
	if (stat(p, &st) == -1)
		return errno == ENOENT || errno == ENOTDIR ? 0 : -1;
	if ((slash = strrchr(buf, '/')) == NULL)
		strlcpy(buf, ".", size);
	else if (slash == buf)
		buf[1] = '\0';
	else
		buf[slash - buf] = '\0';
	return 1;
}

int
md_folder_is(const char *path)
{
	const char *base = strrchr(path, '/');
	char p[PATH_MAX + 16];
	struct stat st;

	base = base ? base + 1 : path;
	if (base[0] != '.' || md_folder_valid(base + 1) != 0)
		return 0;
	snprintf(p, sizeof(p), "%s/maildirfolder", path);
	if (stat(p, &st) == 0)
		return 1;
	snprintf(p, sizeof(p), "%s/cur", path);
	return stat(p, &st) == -1; /* a missing folder: by its name alone */
}

int
md_target_path(const char *arg, char *buf, size_t size)
{
	char def[PATH_MAX], name[PATH_MAX];
	struct stat st;

	if (md_path_trim(arg, name, sizeof(name)) == -1)
		return -1;
	/* "Work.Lists", not a directory here: a folder of the default
	 * maildir, even a missing one (its subfolders may exist). */
	if (strchr(name, '/') == NULL && md_folder_valid(name) == 0 &&
	    !(stat(name, &st) == 0 && S_ISDIR(st.st_mode)) &&
	    md_maildir_default(def, sizeof(def)) == 0)
		return md_folder_path(buf, size, def, name);
	if (strlcpy(buf, name, size) >= size) {
		errno = ENAMETOOLONG;
		return -1;
	}
	return 0;
}

int
md_target_folders(const char *path, int folder, char ***list, size_t *n)
{
	char root[PATH_MAX], prefix[NAME_MAX + 2];
	const char *base;

	if (md_path_trim(path, root, sizeof(root)) == -1)
		return -1;
	if (!folder && !md_folder_is(root))
		return md_folder_list(root, ".", list, n);
	/* Folders are flat: the subfolders of .Work are its siblings
	 * .Work.* in the root. */
	base = strrchr(root, '/');
	if (snprintf(prefix, sizeof(prefix), "%s.", base ? base + 1 : root) >=
	    (int)sizeof(prefix)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	if (base == NULL)
		strlcpy(root, ".", sizeof(root));
	else if (base == root)
		root[1] = '\0';
	else
		root[base - root] = '\0';
	return md_folder_list(root, prefix, list, n);
}

/* The code point of the UTF-8 character at *S, *S moved past it; -1 for
 * an invalid sequence. */
static long
utf8_next(const unsigned char **s)
{
	size_t n = md_utf8_len(*s, strlen((const char *)*s));
	long c;

	if (n == 0)
		return -1;
	c = n == 1 ? **s : **s & (0x7f >> n);
	for (size_t i = 1; i < n; i++)
		c = c << 6 | ((*s)[i] & 0x3f);
	*s += n;
	return c;
}

/* Append the UTF-16 units U[0..N) as modified base64 (',' for '/', no
 * padding) to OUT at *AT; -1 when it does not fit. */
static int
put_base64(const uint16_t *u, size_t n, char *out, size_t size, size_t *at)
{
	static const char b64[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrs"
	    "tuvwxyz0123456789+,";
	uint32_t acc = 0;
	int bits = 0;

	for (size_t i = 0; i < n; i++) {
		acc = acc << 16 | u[i];
		bits += 16;
		while (bits >= 6) {
			if (*at + 1 >= size)
				return -1;
			out[(*at)++] = b64[(acc >> (bits -= 6)) & 0x3f];
		}
	}
	if (bits > 0) {
		if (*at + 1 >= size)
			return -1;
		out[(*at)++] = b64[(acc << (6 - bits)) & 0x3f];
	}
	return 0;
}

int
md_folder_from_imap(const char *name, char *out, size_t size)
{
	const unsigned char *s = (const unsigned char *)name;
	size_t at = 0;

	if (strcasecmp(name, "INBOX") == 0)
		return strlcpy(out, "INBOX", size) < size ? 0 : -1;
	if (strncasecmp(name, "INBOX.", 6) == 0)
		s += 6;
	if (*s == '~') { /* Dovecot takes it for a home directory: no folder */
		errno = EINVAL;
		return -1;
	}
	while (*s) {
		uint16_t u[256];
		size_t n = 0;

		if (*s >= 0x20 && *s < 0x7f) {
			if (at + 2 + (*s == '&') >= size)
				goto toolong;
			out[at++] = (char)*s;
			if (*s++ == '&')
				out[at++] = '-';
			continue;
		}
		while (*s && !(*s >= 0x20 && *s < 0x7f) && n + 2 <= 256) {
			long c = utf8_next(&s);

			if (c < 0 || c < 0x20 || c == 0x7f) {
				errno = EINVAL;
				return -1;
			}
			if (c >= 0x10000) { /* a surrogate pair */
				c -= 0x10000;
				u[n++] = (uint16_t)(0xd800 | c >> 10);
				u[n++] = (uint16_t)(0xdc00 | (c & 0x3ff));
			} else
				u[n++] = (uint16_t)c;
		}
		if (at + 1 >= size)
			goto toolong;
		out[at++] = '&';
		if (put_base64(u, n, out, size, &at) < 0 || at + 1 >= size)
			goto toolong;
		out[at++] = '-';
	}
	out[at] = '\0';
	return md_folder_valid(out);
toolong:
	errno = ENAMETOOLONG;
	return -1;
}
